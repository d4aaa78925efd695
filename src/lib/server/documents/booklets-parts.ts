/**
 * The parts the Pass Numérique booklets are drawn with (booklets.ts): the data, the
 * formats' constants, the links the QR codes hold, the styles and the texts, the QR codes
 * as vector paths, text set (sanitised, measured, wrapped) once per run, and tagging.
 */
import QRCode from 'qrcode';
import { euros } from '../../components/format.ts';

export interface BookletsData {
	/** e.g. 'maillage — Lot-et-Garonne' */
	instanceName: string;
	/** e.g. 'https://maillage.lotetgaronne.fr': the QR code holds `${origin}/pass/${code}` */
	origin: string;
	campaign: {
		name: string;
		faceValueCents: number;
		/** YYYY-MM-DD, the last day of validity */
		validUntil: string;
		/** 'Tout le département' or a list of communes; none when the campaign has no restriction */
		area?: string | null;
		/** eligible publics, shown on the A6 covers */
		publics?: string[];
		/** who runs the scheme, e.g. 'Département de Lot-et-Garonne', and who funds it: shown on the A6 covers */
		department?: string | null;
		funders?: string[];
	};
	booklets: {
		/** the booklet's number in the campaign */
		number: number;
		/** normalised codes, 14 characters */
		vouchers: { code: string }[];
	}[];
}

export type BookletFormat = 'a4' | 'a6';

/** The QR code's side on paper, quiet zone included, per format. */
export const QR_BOX_MM: Record<BookletFormat, number> = { a4: 32, a6: 46 };
/** The modules of white around every QR code (the standard's quiet zone). */
export const QR_QUIET_MODULES = 4;
/** The A4 grid. */
export const A4_GRID = { columns: 2, rows: 5 } as const;

const FONT = { regular: 'Helvetica', bold: 'Helvetica-Bold', code: 'Courier-Bold' } as const;
export const COLOR = { text: '#1a1a1a', heading: '#14325c', muted: '#404040', rule: '#8c8c8c', tint: '#eef2f8', accent: '#14325c' } as const;

/** Where the pass can be used: the public search filtered on the qualified places (the A6 cover's QR code). */
export const passPlacesLink = (origin: string): string => `${origin.replace(/\/+$/, '')}/lieux?pass=1`;

/** The link a voucher's QR code holds. */
export const passLink = (origin: string, code: string): string => `${origin.replace(/\/+$/, '')}/pass/${code}`;

/** 1000 → "10 €", 1050 → "10,50 €": the Pass's own formatting. */
export { euros };

/** "10 pass de 10 €" (pass is invariable). */
export const passCount = (n: number, cents: number) => `${n} pass de ${euros(cents)}`;

// ---------------------------------------------------------------------------------------
// QR codes as vector paths

/**
 * The segments of a voucher's link: the origin and path in byte mode, the code (upper
 * case letters and digits) in alphanumeric mode, which takes 5.5 bits a character instead
 * of 8. Given explicitly, they also spare the library its search for the best split.
 */
export function passSegments(origin: string, code: string): QRCode.QRCodeSegment[] {
	return [
		{ data: Buffer.from(passLink(origin, '')), mode: 'byte' },
		{ data: code, mode: 'alphanumeric' }
	];
}

/**
 * The dark modules of a QR code (error correction M) as PDF path operators in module
 * units: one `re` per horizontal run, a run repeated on the rows below merged into one
 * taller rectangle.
 */
export function qrModules(content: string | QRCode.QRCodeSegment[]): { size: number; ops: string } {
	const qr = QRCode.create(content, { errorCorrectionLevel: 'M' });
	const n = qr.modules.size;
	const d = qr.modules.data;
	// runs per row as start,length pairs; merged with identical runs of the next rows
	const open = new Map<number, { row: number; height: number }>(); // key: start * 256 + length
	let ops = '';
	for (let r = 0; r <= n; r++) {
		const seen = new Set<number>();
		if (r < n) {
			let c = 0;
			while (c < n) {
				if (!d[r * n + c]) {
					c++;
					continue;
				}
				const s = c;
				while (c < n && d[r * n + c]) c++;
				const key = s * 256 + (c - s);
				seen.add(key);
				const run = open.get(key);
				if (run) run.height++;
				else open.set(key, { row: r, height: 1 });
			}
		}
		for (const [key, run] of open) {
			if (seen.has(key)) continue;
			ops += `${key >> 8} ${run.row} ${key & 255} ${run.height} re\n`;
			open.delete(key);
		}
	}
	return { size: n, ops };
}

const num = (n: number) => String(Math.round(n * 1000) / 1000);

/** Draws a QR code (quiet zone included) in a square of `box` points at x, y (top left). */
export function drawQr(doc: PDFKit.PDFDocument, qr: { size: number; ops: string }, x: number, y: number, box: number): void {
	const m = box / (qr.size + 2 * QR_QUIET_MODULES);
	const q = QR_QUIET_MODULES * m;
	// pdfkit's user space has y downwards: rows go down the page under this scaling too
	doc.addContent(`q 0 g ${num(m)} 0 0 ${num(m)} ${num(x + q)} ${num(y + q)} cm\n${qr.ops}f\nQ`);
}

// ---------------------------------------------------------------------------------------
// Text: set once per run

interface Style {
	font: string;
	size: number;
	color: string;
}

/** A line of text, sanitised, with its width in its style. */
interface Line {
	text: string;
	width: number;
}

export function measure(doc: PDFKit.PDFDocument, text: string, s: Style): number {
	return doc.font(s.font).fontSize(s.size).widthOfString(text);
}

/**
 * `text` (already sanitised) wrapped over `width` in style `s`, at most `maxLines`, the
 * last one ending with "…" when the text is longer; a word longer than the width is cut.
 */
export function wrap(doc: PDFKit.PDFDocument, text: string, s: Style, width: number, maxLines: number): Line[] {
	const lines: string[] = [];
	for (const paragraph of text.split('\n')) {
		let line = '';
		for (let word of paragraph.split(/ +/).filter(Boolean)) {
			const candidate = line ? `${line} ${word}` : word;
			if (measure(doc, candidate, s) <= width) {
				line = candidate;
				continue;
			}
			if (line) lines.push(line);
			while (measure(doc, word, s) > width && word.length > 1) {
				let k = word.length - 1;
				while (k > 1 && measure(doc, word.slice(0, k), s) > width) k--;
				lines.push(word.slice(0, k));
				word = word.slice(k);
			}
			line = word;
		}
		if (line) lines.push(line);
	}
	if (lines.length > maxLines) {
		lines.length = maxLines;
		let last = lines[maxLines - 1];
		while (last && measure(doc, `${last}…`, s) > width) last = last.slice(0, -1).trimEnd();
		lines[maxLines - 1] = `${last}…`;
	}
	return lines.map((t) => ({ text: t, width: measure(doc, t, s) }));
}

/** The height of a line of text in style `s` (with `gap` below). */
export const lineHeight = (s: Style, gap = 0.18) => s.size * (1.16 + gap);

type Align = 'left' | 'center' | 'right';

/** Writes lines (one `text` call each, no wrapping by pdfkit) from y; returns the y below. */
export function writeLines(
	doc: PDFKit.PDFDocument,
	lines: readonly Line[],
	s: Style,
	x: number,
	y: number,
	width: number,
	align: Align = 'left',
	gap?: number
): number {
	doc.font(s.font).fontSize(s.size).fillColor(s.color);
	for (const l of lines) {
		const lx = align === 'left' ? x : align === 'center' ? x + (width - l.width) / 2 : x + width - l.width;
		doc.text(l.text, lx, y, { lineBreak: false });
		y += lineHeight(s, gap);
	}
	return y;
}

// ---------------------------------------------------------------------------------------
// The document

export type Struct = PDFKit.PDFStructureElement;

export interface Run {
	doc: PDFKit.PDFDocument;
	data: BookletsData;
	origin: string;
	value: string;
	/** "jeudi 31 décembre 2026" */
	until: string;
}

export const S = {
	a4: {
		kicker: { font: FONT.bold, size: 12, color: COLOR.heading },
		value: { font: FONT.bold, size: 30, color: COLOR.text },
		body: { font: FONT.regular, size: 9.5, color: COLOR.text },
		bodyBold: { font: FONT.bold, size: 9.5, color: COLOR.text },
		position: { font: FONT.bold, size: 10, color: COLOR.text },
		code: { font: FONT.code, size: 14, color: COLOR.text },
		caption: { font: FONT.regular, size: 9, color: COLOR.muted }
	},
	a6: {
		kicker: { font: FONT.bold, size: 16, color: COLOR.heading },
		value: { font: FONT.bold, size: 44, color: COLOR.text },
		body: { font: FONT.regular, size: 12, color: COLOR.text },
		bodyBold: { font: FONT.bold, size: 12, color: COLOR.text },
		position: { font: FONT.bold, size: 12, color: COLOR.text },
		code: { font: FONT.code, size: 18, color: COLOR.text },
		caption: { font: FONT.regular, size: 12, color: COLOR.muted },
		instance: { font: FONT.regular, size: 12, color: COLOR.muted },
		title: { font: FONT.bold, size: 24, color: COLOR.heading },
		campaign: { font: FONT.bold, size: 14, color: COLOR.text },
		booklet: { font: FONT.bold, size: 16, color: COLOR.heading },
		validity: { font: FONT.bold, size: 13, color: COLOR.text }
	}
} satisfies Record<BookletFormat, Record<string, Style>>;

export const CAPTION = 'Code à saisir si le QR code ne fonctionne pas';
export const USAGE = [
	'Présentez ce pass dans un lieu qualifié pour un accompagnement au numérique.',
	'Un pass = un atelier ou un accompagnement d’environ 2 heures.',
	'Gratuit pour vous.'
];
/** The A4 slip's shorter sentence (a cell of the grid). */
export const SLIP_WHERE = 'Dans les lieux qui acceptent le Pass Numérique. Scannez ce QR code pour voir les plus proches de chez vous.';
export const WHERE =
	'Dans les lieux qui acceptent le Pass Numérique. Scannez ce QR code pour voir les plus proches de chez vous, ou demandez à la personne qui vous a remis ce carnet.';
/** "Proposé par le Département de Lot-et-Garonne, financé par la CAF de Lot-et-Garonne." */
export function fundedBy(c: BookletsData['campaign']): string | null {
	const dep = c.department?.trim();
	const funders = (c.funders ?? []).map((f) => f.trim()).filter((f) => f && f !== dep);
	if (!dep && !funders.length) return null;
	return [dep ? `Proposé par\u00a0: ${dep}` : null, funders.length ? `Financé par\u00a0: ${funders.join(', ')}` : null].filter(Boolean).join('. ') + '.';
}

/** pdfkit's options, with the layout box it writes (in top-down points) and its types miss. */
type StructOptions = PDFKit.Mixins.StructureElementOptions & { bbox?: [number, number, number, number] };

/** Tags what `draw` puts on the page as one structure element of `type` under `parent`. */
export function tag(doc: PDFKit.PDFDocument, parent: Struct, type: string, draw: () => void, options: StructOptions = {}): void {
	parent.add(doc.struct(type, options as PDFKit.Mixins.StructureElementOptions, draw));
}

export function artifact(doc: PDFKit.PDFDocument, draw: () => void): void {
	doc.markContent('Artifact', { type: 'Layout' });
	draw();
	doc.endMarkedContent();
}
