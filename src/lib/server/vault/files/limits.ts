/**
 * The sizes the vault accepts (issue 15). A photo of a paper taken by a phone weighs 2 to
 * 8 MB; a scanned PDF of a few pages, 1 to 20 MB. The limits leave room for the big phones
 * and the long files while keeping one upload of a person on a slow line possible, and the
 * server's memory safe.
 */

const MiB = 1024 * 1024;

/** one photo as received, before it is reduced (a 108-million-pixel phone photo is about 15 MB) */
export const MAX_PHOTO_BYTES = 15 * MiB;

/** one PDF, kept as it was sent */
export const MAX_PDF_BYTES = 50 * MiB;

/** the photos of one document (the pages of a paper photographed one by one) */
export const MAX_PHOTOS_PER_DOCUMENT = 10;

/** everything one person keeps in the vault, the lead's use case adds it up */
export const QUOTA_BYTES_PER_PERSON = 500 * MiB;

/**
 * The pixels a photo may have before it is decoded (width × height, read from its header):
 * above it, a small file could unfold into gigabytes of memory (a decompression bomb).
 * 120 million leaves the largest usual phone modes (108 million pixels) in.
 */
export const MAX_PHOTO_PIXELS = 120_000_000;

/** the long side of a photo once reduced: a paper stays readable, the file stays light */
export const PHOTO_LONG_SIDE = 2400;

/** JPEG quality of a reduced photo */
export const PHOTO_QUALITY = 82;

/** the width of a thumbnail, and the most it may weigh */
export const THUMBNAIL_WIDTH = 240;
export const THUMBNAIL_MAX_BYTES = 12 * 1024;

/** how long poppler may take to read or draw a PDF before we give up (a crafted file could loop) */
export const PDF_TOOL_TIMEOUT_MS = 15_000;

/** the upload of one document at most: the body limit the route needs (all photos at their largest, or one PDF) */
export const MAX_UPLOAD_BYTES = Math.max(MAX_PDF_BYTES, MAX_PHOTOS_PER_DOCUMENT * MAX_PHOTO_BYTES);
