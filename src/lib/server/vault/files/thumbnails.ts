/**
 * The small pictures of the vault's lists: 240 pixels wide, a JPEG of at most about 12 KB,
 * so that a list of twenty papers loads on a slow line. A photo is reduced; a PDF shows its
 * first page, drawn by poppler's `pdftoppm` (the PDF on its standard input, never on disk,
 * under a time limit), or, when poppler is missing or cannot draw it, a plain picture of a
 * sheet saying « PDF » and its number of pages.
 */
import sharp from 'sharp';
import { log } from '../../log';
import type { AcceptedType } from './detect';
import { SAFE_INPUT } from './photos';
import { inspectPdf } from './pdf';
import { runTool, ToolMissing } from './poppler';
import { THUMBNAIL_MAX_BYTES, THUMBNAIL_WIDTH } from './limits';

/** a very tall page or picture keeps at most twice the width in height */
const MAX_HEIGHT = THUMBNAIL_WIDTH * 2;
/** the qualities tried, until the JPEG is light enough */
const QUALITIES = [70, 55, 40, 28];

async function smallJpeg(picture: Buffer): Promise<Buffer> {
	const reduced = await sharp(picture, SAFE_INPUT)
		.autoOrient()
		.flatten({ background: '#ffffff' })
		.resize({ width: THUMBNAIL_WIDTH, height: MAX_HEIGHT, fit: 'inside' })
		.toBuffer();
	let out = Buffer.alloc(0);
	for (const quality of QUALITIES) {
		out = await sharp(reduced).jpeg({ quality, mozjpeg: true }).toBuffer();
		if (out.length <= THUMBNAIL_MAX_BYTES) break;
	}
	return out;
}

/**
 * The thumbnail of a document, a JPEG. For a PDF, `pages` (when the caller knows it) is
 * shown on the plain picture used when the first page cannot be drawn.
 */
export async function thumbnail(bytes: Buffer, type: AcceptedType, pages?: number): Promise<Buffer> {
	if (type !== 'application/pdf') return smallJpeg(bytes);
	const firstPage = await drawFirstPage(bytes);
	if (firstPage) return smallJpeg(firstPage);
	if (pages === undefined)
		pages = await inspectPdf(bytes).then(
			(f) => f.pages,
			() => undefined
		);
	return smallJpeg(await placeholder(pages));
}

let warnedMissing = false;

/** The first page as a PNG whose long side is MAX_HEIGHT pixels, or null when poppler cannot draw it. */
async function drawFirstPage(pdf: Buffer): Promise<Buffer | null> {
	try {
		// -scale-to bounds the long side whatever the page's size (a crafted 1 × 100 000 page
		// cannot ask for a huge bitmap); no output root: the picture comes on stdout
		const r = await runTool('pdftoppm', ['-f', '1', '-l', '1', '-singlefile', '-cropbox', '-scale-to', String(MAX_HEIGHT), '-png', '-'], pdf);
		if (r.code === 0 && r.stdout.length > 0) return r.stdout;
		log('warn', 'vault: pdftoppm could not draw a first page', { code: r.code, timedOut: r.timedOut });
		return null;
	} catch (e) {
		if (!(e instanceof ToolMissing)) throw e;
		if (!warnedMissing) log('warn', 'vault: pdftoppm missing, PDF thumbnails are plain (install poppler-utils)');
		warnedMissing = true;
		return null;
	}
}

/**
 * Letters drawn as strokes on a grid 4 wide and 6 high: the plain picture needs no font
 * (a server may have none installed for librsvg).
 */
const GLYPHS: Record<string, string> = {
	P: 'M0 6V0H3L4 1V2L3 3H0',
	D: 'M0 0V6H2.5L4 4.5V1.5L2.5 0Z',
	F: 'M4 0H0V6M0 3H3',
	A: 'M0 6L2 0L4 6M0.7 4H3.3',
	G: 'M4 1L3 0H1L0 1V5L1 6H3L4 5V3H2',
	E: 'M4 0H0V6H4M0 3H3',
	S: 'M4 1L3 0H1L0 1V2L1 3H3L4 4V5L3 6H1L0 5',
	'0': 'M1 0H3L4 1V5L3 6H1L0 5V1Z',
	'1': 'M1 1L2 0V6M1 6H3',
	'2': 'M0 1L1 0H3L4 1V2L0 6H4',
	'3': 'M0 0H4L2 2.5H3L4 3.5V5L3 6H1L0 5',
	'4': 'M3 6V0L0 4H4',
	'5': 'M4 0H0V2.5H3L4 3.5V5L3 6H0',
	'6': 'M3.5 0H1L0 1.5V5L1 6H3L4 5V3.5L3 2.5H0',
	'7': 'M0 0H4L1.5 6',
	'8': 'M1 0H3L4 1V2L3 3H1L0 4V5L1 6H3L4 5V4L3 3M1 3L0 2V1L1 0',
	'9': 'M4 3.5H1L0 2.5V1L1 0H3L4 1V4.5L3 6H0.5'
};

/** a line of stroked letters, centred on x, its top at y, each grid unit `unit` pixels */
function strokes(text: string, cx: number, y: number, unit: number): string {
	const advance = 6 * unit;
	const width = text.length * advance - 2 * unit;
	let x = cx - width / 2;
	let paths = '';
	for (const ch of text) {
		if (GLYPHS[ch]) paths += `<path transform="translate(${x} ${y}) scale(${unit})" d="${GLYPHS[ch]}"/>`;
		x += advance;
	}
	// the stroke width is in grid units: each path's scale applies to it
	return `<g fill="none" stroke="#3a3a3a" stroke-width="0.6" stroke-linecap="round" stroke-linejoin="round">${paths}</g>`;
}

/** A sheet with a folded corner, « PDF », and « 12 PAGES » when the count is known. */
export function placeholder(pages?: number): Promise<Buffer> {
	const w = THUMBNAIL_WIDTH;
	const h = Math.round(w * 1.414);
	const count = pages === undefined ? '' : strokes(`${pages} PAGE${pages > 1 ? 'S' : ''}`, w / 2, h * 0.62, 3.5);
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
		<rect width="${w}" height="${h}" fill="#ffffff"/>
		<path d="M20 12H${w - 60}L${w - 20} 52V${h - 12}H20Z" fill="#f3f3f6" stroke="#8a8a99" stroke-width="3"/>
		<path d="M${w - 60} 12V52H${w - 20}" fill="none" stroke="#8a8a99" stroke-width="3"/>
		${strokes('PDF', w / 2, h * 0.3, 9)}
		${count}
	</svg>`;
	return sharp(Buffer.from(svg)).png().toBuffer();
}
