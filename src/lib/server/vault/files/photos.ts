/**
 * Photos of papers, as a phone takes them: turned upright, cleared of everything they say
 * about the person besides the paper (where and when it was taken, the phone, the owner's
 * name some phones write), reduced to a size that stays readable and light on a slow line;
 * and several photos of one paper gathered into one PDF.
 *
 * sharp (libvips) decodes and re-encodes: the output holds only pixels, so nothing glued to
 * the input (metadata, a ZIP appended to a JPEG) survives.
 */
import sharp, { type Metadata, type SharpOptions } from 'sharp';
import { PDFDocument, PageSizes } from 'pdf-lib';
import { DomainError } from '../../errors';
import { detectType } from './detect';
import { MAX_PHOTO_PIXELS, PHOTO_LONG_SIDE, PHOTO_QUALITY } from './limits';

export interface NormalizedPhoto {
	jpeg: Buffer;
	width: number;
	height: number;
}

/** Why a photo is refused; the message names the photo the way the caller does. */
export type PhotoProblem = 'not_a_photo' | 'too_many_pixels' | 'unreadable';

/** The French sentence for a refused photo; `subject` is « Cette photo » or « La 3e photo ». */
export function photoRefusal(problem: PhotoProblem, subject = 'Cette photo'): string {
	switch (problem) {
		case 'not_a_photo':
			return `${subject} n’est pas une image que nous savons lire. Envoyez une photo en JPEG, PNG ou WebP.`;
		case 'too_many_pixels':
			return `${subject} est beaucoup trop grande (plus de ${Math.round(MAX_PHOTO_PIXELS / 1_000_000)} millions de points). Reprenez la photo avec le réglage normal de l’appareil.`;
		case 'unreadable':
			return `${subject} est abîmée\u00a0: elle ne peut pas être lue. Reprenez la photo, puis envoyez-la de nouveau.`;
	}
}

function refuse(problem: PhotoProblem, subject: string, cause?: unknown): DomainError {
	return new DomainError('invalid', photoRefusal(problem, subject), { details: { problem }, cause });
}

/** what sharp is told for every untrusted picture: refuse bombs before decoding, and broken data */
export const SAFE_INPUT: SharpOptions = { limitInputPixels: MAX_PHOTO_PIXELS, failOn: 'error', sequentialRead: true };

/** Reads the width and height a picture's header declares, refusing a decompression bomb. */
async function checkedSize(input: Buffer, subject: string): Promise<void> {
	let meta: Metadata;
	try {
		meta = await sharp(input, { limitInputPixels: false }).metadata();
	} catch (e) {
		throw refuse('unreadable', subject, e);
	}
	if (!meta.width || !meta.height) throw refuse('unreadable', subject);
	if (meta.width * meta.height > MAX_PHOTO_PIXELS) throw refuse('too_many_pixels', subject);
}

/**
 * A photo (JPEG, PNG or WebP) as the vault keeps it: upright (its EXIF orientation applied),
 * in sRGB, at most 2,400 pixels on its long side, a progressive JPEG of quality 82, with no
 * metadata at all (no EXIF, GPS, XMP, IPTC, ICC profile nor comment). A transparent part
 * becomes white. `subject` names the photo in the messages (« La 3e photo »).
 */
export async function normalizePhoto(input: Buffer, subject = 'Cette photo'): Promise<NormalizedPhoto> {
	const type = detectType(input);
	if (type !== 'image/jpeg' && type !== 'image/png' && type !== 'image/webp') throw refuse('not_a_photo', subject);
	await checkedSize(input, subject);
	try {
		// sharp writes no metadata unless asked (keepExif, withMetadata…), and turns the
		// pixels to sRGB through the embedded profile before dropping it
		const { data, info } = await sharp(input, SAFE_INPUT)
			.autoOrient()
			.flatten({ background: '#ffffff' })
			.resize({ width: PHOTO_LONG_SIDE, height: PHOTO_LONG_SIDE, fit: 'inside', withoutEnlargement: true })
			// sharp's encoder is mozjpeg; its full preset (trellis quantisation, scan search) made a
			// 12-million-pixel photo 4 % lighter for 5 to 6 times the time (bench/vault-files.ts):
			// progressive (shows early on a slow line) with optimised Huffman tables is kept
			.jpeg({ quality: PHOTO_QUALITY, progressive: true, optimiseCoding: true })
			.toBuffer({ resolveWithObject: true });
		return { jpeg: data, width: info.width, height: info.height };
	} catch (e) {
		if (e instanceof Error && /pixel limit/i.test(e.message)) throw refuse('too_many_pixels', subject, e);
		throw refuse('unreadable', subject, e);
	}
}

/** A4 in PDF points, and the white margin around a photo (1 cm) */
const [A4_WIDTH, A4_HEIGHT] = PageSizes.A4;
const MARGIN = 28.35;

/**
 * Several photos (JPEGs from normalizePhoto) as one PDF: one A4 page each, portrait or
 * landscape as the photo is, the photo as large as the page allows inside a 1 cm margin,
 * centred. The JPEG bytes are embedded as they are (no second loss of quality).
 *
 * The file says nothing about the person: no author, producer, creator, dates, nor
 * identifier; only the title when one is given (the kind of paper, chosen by the caller)
 * and the language.
 */
export async function photosToPdf(jpegs: Buffer[], meta: { title?: string } = {}): Promise<Buffer> {
	if (jpegs.length === 0) throw new Error('photosToPdf: no photo');
	// updateMetadata: false — pdf-lib writes no Producer, Creator nor dates
	const doc = await PDFDocument.create({ updateMetadata: false });
	if (meta.title) doc.setTitle(meta.title, { showInWindowTitleBar: true });
	doc.setLanguage('fr-FR');
	for (const jpeg of jpegs) {
		const image = await doc.embedJpg(jpeg);
		const landscape = image.width > image.height;
		const [pageWidth, pageHeight] = landscape ? [A4_HEIGHT, A4_WIDTH] : [A4_WIDTH, A4_HEIGHT];
		const scale = Math.min((pageWidth - 2 * MARGIN) / image.width, (pageHeight - 2 * MARGIN) / image.height);
		const width = image.width * scale;
		const height = image.height * scale;
		const page = doc.addPage([pageWidth, pageHeight]);
		page.drawImage(image, { x: (pageWidth - width) / 2, y: (pageHeight - height) / 2, width, height });
	}
	return Buffer.from(await doc.save());
}
