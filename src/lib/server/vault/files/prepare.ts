/**
 * The files of one upload form made into one document of the vault: one PDF, kept byte for
 * byte (it is the original, its integrity is what the vault proves); or one to ten photos of
 * a paper, each turned upright, cleared of its metadata and reduced, one photo staying a
 * JPEG and several becoming one PDF of one page each. Every refusal says, in plain French,
 * which file and what to do.
 */
import { DomainError } from '../../errors';
import { detectType, HEAD_BYTES, refusalFor, type AcceptedType } from './detect';
import { MAX_PDF_BYTES, MAX_PHOTO_BYTES, MAX_PHOTOS_PER_DOCUMENT } from './limits';
import { inspectPdf } from './pdf';
import { normalizePhoto, photosToPdf, type NormalizedPhoto } from './photos';
import { thumbnail } from './thumbnails';

export type PreparedDocument = {
	type: 'application/pdf' | 'image/jpeg';
	bytes: Buffer;
	pages: number;
	thumbnail: Buffer;
	/** a photo's size in pixels (a JPEG document only) */
	width?: number;
	height?: number;
};

/** « 1er », « 2e »… ; feminine « 1re » */
function ordinal(n: number, feminine: boolean): string {
	return n === 1 ? (feminine ? '1re' : '1er') : `${n}e`;
}

/** « Ce fichier », « Le 3e fichier » — for a file whose type is not known yet */
function fileName(index: number, count: number): string {
	return count === 1 ? 'Ce fichier' : `Le ${ordinal(index + 1, false)} fichier`;
}

/** « Cette photo », « La 3e photo » */
function photoName(index: number, count: number): string {
	return count === 1 ? 'Cette photo' : `La ${ordinal(index + 1, true)} photo`;
}

/** a size as a person reads it: « 18 Mo », « 0,4 Mo » */
export function megabytes(bytes: number): string {
	const mb = bytes / (1024 * 1024);
	const shown = mb >= 10 ? String(Math.round(mb)) : (Math.ceil(mb * 10) / 10).toLocaleString('fr-FR');
	return `${shown}\u00a0Mo`;
}

/** The refusal of a file of an unknown type, naming it when the form sent several. */
function refusalOf(part: Buffer, index: number, count: number): string {
	const why = refusalFor(part.subarray(0, HEAD_BYTES));
	return count === 1 ? why : `${fileName(index, count)} n’est pas accepté. ${why}`;
}

const MIXED =
	'Un document est soit un PDF, soit des photos. Envoyez le PDF seul, ou bien seulement les photos (vous pourrez envoyer le PDF comme un autre document).';

/**
 * Checks and prepares the files of one upload. Throws a DomainError in plain French:
 * 'invalid' for a wrong choice of files, 'payload_too_large' for a file over its limit.
 */
export async function prepareDocument(parts: Buffer[]): Promise<PreparedDocument> {
	if (parts.length === 0) throw new DomainError('invalid', 'Choisissez un fichier\u00a0: un PDF, ou une ou plusieurs photos du papier.');
	const count = parts.length;
	// what each file is, before anything is decoded
	const types: AcceptedType[] = parts.map((part, i) => {
		if (part.length === 0) throw new DomainError('invalid', `${fileName(i, count)} est vide. Choisissez-le de nouveau, ou retirez-le.`);
		const type = detectType(part.subarray(0, HEAD_BYTES));
		if (!type) throw new DomainError('invalid', refusalOf(part, i, count), { details: { part: i + 1 } });
		return type;
	});

	const pdfs = types.filter((t) => t === 'application/pdf').length;
	if (pdfs > 0 && count > 1) {
		const message = pdfs === count ? 'Envoyez un seul PDF à la fois\u00a0: chaque PDF est un document.' : MIXED;
		throw new DomainError('invalid', message);
	}
	if (pdfs === 1) return preparePdf(parts[0]);

	if (count > MAX_PHOTOS_PER_DOCUMENT)
		throw new DomainError(
			'invalid',
			`Vous avez choisi ${count} photos. Un document peut avoir ${MAX_PHOTOS_PER_DOCUMENT} photos au plus\u00a0: envoyez les autres comme un deuxième document.`
		);
	parts.forEach((part, i) => {
		if (part.length > MAX_PHOTO_BYTES)
			throw new DomainError(
				'payload_too_large',
				`${photoName(i, count)} est trop lourde (${megabytes(part.length)}). Une photo peut peser ${megabytes(MAX_PHOTO_BYTES)} au plus\u00a0: reprenez-la avec le réglage normal de l’appareil.`,
				{ details: { part: i + 1 } }
			);
	});

	// one after the other: the server's memory holds one decoded photo at a time
	const photos: NormalizedPhoto[] = [];
	for (const [i, part] of parts.entries()) photos.push(await normalizePhoto(part, photoName(i, count)));

	const first = photos[0];
	const small = await thumbnail(first.jpeg, 'image/jpeg');
	if (photos.length === 1) return { type: 'image/jpeg', bytes: first.jpeg, pages: 1, thumbnail: small, width: first.width, height: first.height };
	const pdf = await photosToPdf(photos.map((p) => p.jpeg));
	return { type: 'application/pdf', bytes: pdf, pages: photos.length, thumbnail: small };
}

async function preparePdf(bytes: Buffer): Promise<PreparedDocument> {
	if (bytes.length > MAX_PDF_BYTES)
		throw new DomainError('payload_too_large', `Ce PDF est trop lourd (${megabytes(bytes.length)}). Un PDF peut peser ${megabytes(MAX_PDF_BYTES)} au plus.`);
	const { pages } = await inspectPdf(bytes);
	return { type: 'application/pdf', bytes, pages, thumbnail: await thumbnail(bytes, 'application/pdf', pages) };
}
