/**
 * What a file is, read from its first bytes: never from its name nor from the type the
 * browser claims (a page saved as « avis.pdf » is still a web page). The vault keeps four
 * types; everything else is refused with a sentence that says what was sent and what to do.
 *
 * The signatures are the formats' own (ISO 32000 for PDF, JFIF/EXIF for JPEG, the PNG
 * specification, RIFF for WebP), checked at offset 0 only: a file that starts as something
 * else and holds a PDF header further down (an HTML/PDF polyglot that a lenient reader would
 * open) is refused. The accepted types are decoded afterwards (sharp, poppler), which checks
 * the rest of the file.
 *
 * Not the `file-type` package: its detection is asynchronous (it reads through a tokenizer)
 * while this check is a few comparisons of bytes the caller already holds, and the refusals
 * below need only a handful of well-known signatures.
 */

export type AcceptedType = 'application/pdf' | 'image/jpeg' | 'image/png' | 'image/webp';

/** how many first bytes the detection reads */
export const HEAD_BYTES = 4100;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(head: Uint8Array, bytes: number[] | string, at = 0): boolean {
	const expected = typeof bytes === 'string' ? [...bytes].map((c) => c.charCodeAt(0)) : bytes;
	if (head.length < at + expected.length) return false;
	return expected.every((b, i) => head[at + i] === b);
}

function ascii(head: Uint8Array, from: number, to: number): string {
	return String.fromCharCode(...head.subarray(from, Math.min(to, head.length)));
}

/** The accepted type of a file from its first bytes, or null. */
export function detectType(head: Buffer): AcceptedType | null {
	if (startsWith(head, '%PDF-')) return 'application/pdf';
	// SOI then the first marker: every JPEG a camera or a browser writes
	if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
	if (startsWith(head, PNG)) return 'image/png';
	if (startsWith(head, 'RIFF') && startsWith(head, 'WEBP', 8)) return 'image/webp';
	return null;
}

/** What a refused file is, as far as its first bytes tell (the tests name them too). */
export type Refused =
	'empty' | 'heic' | 'video' | 'image' | 'word' | 'spreadsheet' | 'presentation' | 'opendocument' | 'archive' | 'program' | 'web' | 'text' | 'unknown';

/** ISO-BMFF brands of HEIF pictures (iPhone photos since iOS 11, some Android phones) */
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1', 'avif', 'avis']);

/** Names what a refused file is from its first bytes. */
export function classifyRefused(head: Buffer): Refused {
	if (head.length === 0) return 'empty';
	if (startsWith(head, 'ftyp', 4)) {
		const brands = [ascii(head, 8, 12)];
		const size = head.readUInt32BE(0);
		for (let at = 16; at + 4 <= Math.min(size, 64, head.length); at += 4) brands.push(ascii(head, at, at + 4));
		return brands.some((b) => HEIF_BRANDS.has(b)) ? 'heic' : 'video';
	}
	const bmp = startsWith(head, 'BM') && startsWith(head, [0, 0, 0, 0], 6);
	if (startsWith(head, 'GIF8') || bmp || startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'image';
	if (startsWith(head, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20]) || startsWith(head, [0xff, 0x0a])) return 'image'; // JPEG 2000, JPEG XL
	if (startsWith(head, 'PK\x03\x04')) {
		const names = ascii(head, 0, HEAD_BYTES);
		if (names.includes('word/')) return 'word';
		if (names.includes('xl/')) return 'spreadsheet';
		if (names.includes('ppt/')) return 'presentation';
		if (names.includes('mimetypeapplication/vnd.oasis.opendocument')) return 'opendocument';
		return 'archive';
	}
	// the compound file of Word 97-2003, Excel and the like
	if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'word';
	if (startsWith(head, '{\\rtf')) return 'word';
	if (startsWith(head, 'Rar!') || startsWith(head, '7z\xbc\xaf\x27\x1c') || startsWith(head, [0x1f, 0x8b])) return 'archive';
	if (startsWith(head, 'MZ') || startsWith(head, '\x7fELF') || startsWith(head, [0xca, 0xfe, 0xba, 0xbe]) || startsWith(head, [0xcf, 0xfa, 0xed, 0xfe]))
		return 'program';
	if (startsWith(head, '#!')) return 'program';
	const start = new TextDecoder('utf-8')
		.decode(head.subarray(0, 256))
		.replace(/^\ufeff/, '')
		.trimStart()
		.toLowerCase();
	if (/^<(!doctype|html|head|body|\?xml|svg|script|!--|meta|div|p\b)/.test(start)) return 'web';
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, 1024), { stream: true }); // a character cut at the end is not an error
	} catch {
		return 'unknown';
	}
	// readable text: letters, digits, punctuation and spaces only
	if (!/[\u0000-\u0008\u000e-\u001f]/.test(text)) return 'text';
	return 'unknown';
}

const ACCEPTED = 'Envoyez un PDF, ou une photo en JPEG, PNG ou WebP.';

/** What to say to the person, in plain French, for each kind of refused file. */
export const REFUSALS: Record<Refused, string> = {
	empty: 'Ce fichier est vide. Choisissez un autre fichier.',
	heic:
		'Cette photo est au format HEIC (celui des iPhone), que nous ne pouvons pas lire. ' +
		'Prenez plutôt la photo depuis cette page\u00a0: le téléphone l’enverra dans le bon format. ' +
		'Ou, sur l’iPhone, allez dans Réglages, puis Appareil photo, puis Formats, et choisissez « Le plus compatible ».',
	video: `C’est une vidéo. Nous gardons seulement des papiers. ${ACCEPTED}`,
	image: `Ce format d’image n’est pas accepté. ${ACCEPTED}`,
	word:
		'C’est un fichier de traitement de texte (Word ou autre). Enregistrez-le en PDF\u00a0: ' +
		'menu Fichier, puis Enregistrer sous, puis choisissez PDF. Ensuite, envoyez le PDF.',
	spreadsheet:
		'C’est un tableau (Excel ou autre). Enregistrez-le en PDF\u00a0: menu Fichier, puis Enregistrer sous, puis choisissez PDF. Ensuite, envoyez le PDF.',
	presentation:
		'C’est une présentation (PowerPoint ou autre). Enregistrez-la en PDF\u00a0: menu Fichier, puis Enregistrer sous, puis choisissez PDF. Ensuite, envoyez le PDF.',
	opendocument: 'C’est un fichier LibreOffice. Enregistrez-le en PDF\u00a0: menu Fichier, puis Exporter au format PDF. Ensuite, envoyez le PDF.',
	archive: `C’est un dossier compressé (ZIP ou autre). Ouvrez-le et envoyez les papiers qu’il contient, un par un. ${ACCEPTED}`,
	program: `Ce fichier est un programme, pas un document. Il ne peut pas être déposé. ${ACCEPTED}`,
	web: 'C’est une page web, pas un document. Ouvrez-la dans le navigateur et choisissez Imprimer, puis « Enregistrer en PDF ». Ensuite, envoyez le PDF.',
	text: `C’est un fichier de texte simple. ${ACCEPTED}`,
	unknown: `Ce type de fichier n’est pas accepté. ${ACCEPTED}`
};

/** The French sentence refusing a file, from its first bytes; an empty string for an accepted type. */
export function refusalFor(head: Buffer): string {
	if (detectType(head)) return '';
	return REFUSALS[classifyRefused(head)];
}
