/**
 * Printable Pass Numérique booklets (carnets), in two formats:
 *
 * - `a4`: sheets to cut, 10 vouchers a page in a 2 × 5 grid of 105 × 59.4 mm (A4 cut in
 *   ten, no waste), dashed cut lines between them. A booklet is never split across two
 *   pages: booklets of 5 share a page, a booklet of 10 fills one. After the vouchers, a
 *   slip per booklet in the same grid, to hand out with it: where to use the pass (the QR
 *   code of `${origin}/lieux?pass=1` and that address), who proposes and funds it.
 * - `a6`: one A6 page per voucher, each booklet preceded by its cover (the campaign, the
 *   booklet's number, how to use a pass in plain French, the validity) and followed by
 *   its back (where to use the pass, who proposes and funds it, as on the A4 slips).
 *
 * Every voucher shows "Pass Numérique", its face value, the campaign, its validity in
 * French, its booklet and position, the QR code of `${origin}/pass/${code}` and the code
 * in print (Courier-Bold, for typing when the QR code cannot be read).
 *
 * Built for runs of 10,000 vouchers and more (issue 5: ≤ 30 s, bounded memory):
 * - the QR codes are vector paths, one path and one fill per code, each row's runs of
 *   dark modules as rectangles, in module units under one scaling (short, compressible);
 * - pages are written out as soon as they are done (no page buffering, no "Page x sur y":
 *   a booklet has its own numbering), structure elements are flushed booklet by booklet,
 *   and the writer waits for the destination to drain before drawing the next booklet;
 * - texts that are the same on every voucher are sanitised, measured and wrapped once.
 *
 * The conventions of `pdf.ts`: the built-in Helvetica (and Courier) with WinAnsi text, a
 * tagged PDF 1.7 in French with its title shown by the viewer, the QR codes as figures
 * whose text alternative is the code, decoration (cut lines, tints) as artifacts.
 */
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { formatCode, isValidCode } from '../pass/code.ts';
import { euros } from '../pass/model.ts';
import { frenchDate, mm, winAnsi } from './pdf.ts';

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
const COLOR = { text: '#1a1a1a', heading: '#14325c', muted: '#404040', rule: '#8c8c8c', tint: '#eef2f8', accent: '#14325c' } as const;

/** Where the pass can be used: the public search filtered on the qualified places (the A6 cover's QR code). */
export const passPlacesLink = (origin: string): string => `${origin.replace(/\/+$/, '')}/lieux?pass=1`;

/** The link a voucher's QR code holds. */
export const passLink = (origin: string, code: string): string => `${origin.replace(/\/+$/, '')}/pass/${code}`;

/** 1000 → "10 €", 1050 → "10,50 €": the Pass's own formatting. */
export { euros };

/** "10 pass de 10 €" (pass is invariable). */
const passCount = (n: number, cents: number) => `${n} pass de ${euros(cents)}`;

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
function drawQr(doc: PDFKit.PDFDocument, qr: { size: number; ops: string }, x: number, y: number, box: number): void {
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

function measure(doc: PDFKit.PDFDocument, text: string, s: Style): number {
	return doc.font(s.font).fontSize(s.size).widthOfString(text);
}

/**
 * `text` (already sanitised) wrapped over `width` in style `s`, at most `maxLines`, the
 * last one ending with "…" when the text is longer; a word longer than the width is cut.
 */
function wrap(doc: PDFKit.PDFDocument, text: string, s: Style, width: number, maxLines: number): Line[] {
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
const lineHeight = (s: Style, gap = 0.18) => s.size * (1.16 + gap);

type Align = 'left' | 'center' | 'right';

/** Writes lines (one `text` call each, no wrapping by pdfkit) from y; returns the y below. */
function writeLines(
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

type Struct = PDFKit.PDFStructureElement;

interface Run {
	doc: PDFKit.PDFDocument;
	data: BookletsData;
	origin: string;
	value: string;
	/** "jeudi 31 décembre 2026" */
	until: string;
}

const S = {
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

const CAPTION = 'Code à saisir si le QR code ne fonctionne pas';
const USAGE = [
	'Présentez ce pass dans un lieu qualifié pour un accompagnement au numérique.',
	'Un pass = un atelier ou un accompagnement d’environ 2 heures.',
	'Gratuit pour vous.'
];
/** The A4 slip's shorter sentence (a cell of the grid). */
const SLIP_WHERE = 'Dans les lieux qui acceptent le Pass Numérique. Scannez ce QR code pour voir les plus proches de chez vous.';
const WHERE =
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
function tag(doc: PDFKit.PDFDocument, parent: Struct, type: string, draw: () => void, options: StructOptions = {}): void {
	parent.add(doc.struct(type, options as PDFKit.Mixins.StructureElementOptions, draw));
}

function artifact(doc: PDFKit.PDFDocument, draw: () => void): void {
	doc.markContent('Artifact', { type: 'Layout' });
	draw();
	doc.endMarkedContent();
}

// --- A4 sheets -----------------------------------------------------------------------

const A4 = { width: mm(210), height: mm(297) };
const CELL = { width: A4.width / A4_GRID.columns, height: A4.height / A4_GRID.rows };
const PER_PAGE = A4_GRID.columns * A4_GRID.rows;

function a4Layout(run: Run) {
	const { doc, data } = run;
	const s = S.a4;
	const pad = mm(4.5);
	const box = mm(QR_BOX_MM.a4);
	// right: the QR code, the code under it, its caption; left: the voucher's text
	const codeWidth = measure(doc, formatCode('0'.repeat(14)), s.code); // a monospace font
	const rightWidth = Math.max(box, codeWidth);
	const rightX = CELL.width - pad - rightWidth;
	const textWidth = rightX - pad - mm(2.5);
	const qrY = mm(3);
	const codeY = qrY + box + mm(0.3);
	return {
		pad,
		box,
		rightX,
		rightWidth,
		textWidth,
		qrX: rightX + (rightWidth - box) / 2,
		qrY,
		codeY,
		captionY: codeY + lineHeight(s.code, 0.08),
		kicker: wrap(doc, 'Pass Numérique', s.kicker, textWidth, 1),
		value: wrap(doc, winAnsi(run.value), s.value, textWidth, 1),
		campaign: wrap(doc, winAnsi(data.campaign.name), s.bodyBold, textWidth, 3),
		validity: wrap(doc, winAnsi(`Valable jusqu’au ${run.until}`), s.body, textWidth, 2),
		area: data.campaign.area?.trim() ? wrap(doc, winAnsi(`Où\u00a0: ${data.campaign.area.trim()}`), s.body, textWidth, 1) : [],
		caption: wrap(doc, winAnsi(CAPTION), s.caption, rightWidth, 2),
		/** the booklet and position, at the foot of the left column */
		positionY: CELL.height - pad - lineHeight(s.position, 0),
		// the slip joined to each booklet: where to use the pass, who proposes and funds it
		slip: slipLayout(run, pad, box),
		whereQr: qrModules(passPlacesLink(run.origin))
	};
}

/**
 * The slip's layout: the QR code at the top right (no code to print under it, so a narrower
 * right column than a voucher's), the left column (title, sentence, who funds it) ending
 * above the address, which spans the cell at its foot.
 */
function slipLayout(run: Run, pad: number, box: number) {
	const { doc, data } = run;
	const s = S.a4;
	const qrX = CELL.width - pad - box;
	const textWidth = qrX - pad - mm(2.5);
	const title = wrap(doc, winAnsi('Où utiliser vos pass\u00a0?'), s.kicker, textWidth, 2);
	const where = wrap(doc, winAnsi(SLIP_WHERE), s.body, textWidth, 4);
	const url = wrap(doc, winAnsi(passPlacesLink(run.origin)), s.caption, CELL.width - 2 * pad, 2);
	const urlY = CELL.height - pad - url.length * lineHeight(s.caption);
	const fundedY = mm(4) + title.length * lineHeight(s.kicker) + 2 + where.length * lineHeight(s.body) + 3;
	const room = Math.max(1, Math.floor((urlY - 2 - fundedY) / lineHeight(s.body)));
	// who proposes it, then who funds it, each on its own line
	const text = fundedBy(data.campaign)?.replace('. Financé par', '.\nFinancé par');
	return { qrX, textWidth, title, where, url, urlY, funded: text ? wrap(doc, winAnsi(text), s.body, textWidth, room) : [] };
}

/**
 * The slip joined to each A4 booklet (issue 12, item 7), a cell of the grid like a voucher:
 * where to use the pass (a sentence, the QR code of the public search of the places that
 * accept it, its address in full), who proposes and who funds it, and the booklet it goes
 * with. The A4 sheets are cut into single vouchers: the slip travels with them.
 */
function drawA4Slip(run: Run, L: ReturnType<typeof a4Layout>, parent: Struct, cell: number, booklet: number, count: number): void {
	const { doc, data } = run;
	const s = S.a4;
	const K = L.slip;
	const x0 = (cell % A4_GRID.columns) * CELL.width;
	const y0 = Math.floor(cell / A4_GRID.columns) * CELL.height;
	const left = x0 + L.pad;
	const slip = doc.struct('Div');
	parent.add(slip);
	let y = y0 + mm(4);
	tag(doc, slip, 'H2', () => (y = writeLines(doc, K.title, s.kicker, left, y, K.textWidth)));
	tag(doc, slip, 'P', () => (y = writeLines(doc, K.where, s.body, left, y + 2, K.textWidth)));
	if (K.funded.length) tag(doc, slip, 'P', () => (y = writeLines(doc, K.funded, s.body, left, y + 3, K.textWidth)));
	const qrX = x0 + K.qrX;
	const qrY = y0 + L.qrY;
	tag(doc, slip, 'Figure', () => drawQr(doc, L.whereQr, qrX, qrY, L.box), {
		alt: 'QR code\u00a0: les lieux qui acceptent le Pass Numérique',
		bbox: [qrX, qrY, qrX + L.box, qrY + L.box]
	});
	const withBooklet = wrap(doc, winAnsi(`Carnet n° ${booklet} — ${passCount(count, data.campaign.faceValueCents)}`), s.caption, L.box, 3);
	tag(doc, slip, 'P', () => writeLines(doc, withBooklet, s.caption, qrX, qrY + L.box + mm(1), L.box, 'center'));
	tag(doc, slip, 'P', () => writeLines(doc, K.url, s.caption, left, y0 + K.urlY, CELL.width - 2 * L.pad));
	slip.end();
}

function drawA4Voucher(
	run: Run,
	L: ReturnType<typeof a4Layout>,
	parent: Struct,
	cell: number,
	booklet: number,
	position: number,
	count: number,
	code: string
): void {
	const { doc } = run;
	const s = S.a4;
	const x0 = (cell % A4_GRID.columns) * CELL.width;
	const y0 = Math.floor(cell / A4_GRID.columns) * CELL.height;
	const left = x0 + L.pad;
	const qr = qrModules(passSegments(run.origin, code));
	const printed = formatCode(code);
	const voucher = doc.struct('Div');
	parent.add(voucher);
	let y = y0 + mm(4);
	tag(doc, voucher, 'H1', () => {
		y = writeLines(doc, L.kicker, s.kicker, left, y, L.textWidth);
		y = writeLines(doc, L.value, s.value, left, y - 1, L.textWidth, 'left', 0);
	});
	tag(doc, voucher, 'P', () => {
		y = writeLines(doc, L.campaign, s.bodyBold, left, y + 1, L.textWidth);
		y = writeLines(doc, L.validity, s.body, left, y, L.textWidth);
		if (L.area.length) writeLines(doc, L.area, s.body, left, y, L.textWidth);
	});
	const positionText = `Carnet ${booklet} · pass ${position}/${count}`;
	tag(doc, voucher, 'P', () => {
		doc.font(s.position.font).fontSize(s.position.size).fillColor(s.position.color);
		doc.text(positionText, left, y0 + L.positionY, { lineBreak: false });
	});
	const qrX = x0 + L.qrX;
	const qrY = y0 + L.qrY;
	tag(doc, voucher, 'Figure', () => drawQr(doc, qr, qrX, qrY, L.box), { alt: `QR code du pass ${printed}`, bbox: [qrX, qrY, qrX + L.box, qrY + L.box] });
	tag(doc, voucher, 'P', () => {
		const right = x0 + L.rightX;
		doc.font(s.code.font).fontSize(s.code.size).fillColor(s.code.color);
		doc.text(printed, right + (L.rightWidth - doc.widthOfString(printed)) / 2, y0 + L.codeY, { lineBreak: false });
		writeLines(doc, L.caption, s.caption, right, y0 + L.captionY, L.rightWidth, 'center');
	});
	voucher.end();
}

/** Dashed cut lines around the first `used` cells of the page. */
function drawCutLines(doc: PDFKit.PDFDocument, used: number): void {
	if (!used) return;
	const rows = Math.ceil(used / A4_GRID.columns);
	artifact(doc, () => {
		doc.save().lineWidth(0.5).strokeColor(COLOR.rule).dash(4, { space: 3 });
		for (let r = 1; r <= Math.min(rows, A4_GRID.rows - 1); r++) doc.moveTo(0, r * CELL.height).lineTo(A4.width, r * CELL.height);
		for (let c = 1; c < A4_GRID.columns; c++) doc.moveTo(c * CELL.width, 0).lineTo(c * CELL.width, rows * CELL.height);
		doc.stroke().undash().restore();
	});
}

// --- A6 booklets ---------------------------------------------------------------------

const A6 = { width: mm(105), height: mm(148) };
const A6_MARGIN = mm(8);

function a6Layout(run: Run) {
	const { doc, data } = run;
	const s = S.a6;
	const width = A6.width - 2 * A6_MARGIN;
	const c = data.campaign;
	return {
		width,
		box: mm(QR_BOX_MM.a6),
		// the voucher
		kicker: wrap(doc, 'Pass Numérique', s.kicker, width, 1),
		value: wrap(doc, winAnsi(run.value), s.value, width, 1),
		campaign: wrap(doc, winAnsi(c.name), s.bodyBold, width, 2),
		validity: wrap(doc, winAnsi(`Valable jusqu’au ${run.until}`), s.body, width, 2),
		area: c.area?.trim() ? wrap(doc, winAnsi(`Où\u00a0: ${c.area.trim()}`), s.body, width, 1) : [],
		caption: wrap(doc, winAnsi(CAPTION), s.caption, width, 2),
		// the cover
		instance: wrap(doc, winAnsi(data.instanceName), s.instance, width, 2),
		title: wrap(doc, 'Pass Numérique', s.title, width, 1),
		coverCampaign: wrap(doc, winAnsi(c.name), s.campaign, width, 3),
		usage: USAGE.map((p) => wrap(doc, winAnsi(p), s.body, width - mm(6), 4)),
		coverValidity: wrap(doc, winAnsi(`Valable jusqu’au ${frenchDate(c.validUntil, { weekday: false })}`), s.validity, width, 2),
		coverArea: c.area?.trim() ? wrap(doc, winAnsi(`Où\u00a0: ${c.area.trim()}`), s.body, width, 3) : [],
		publics: c.publics?.length ? wrap(doc, winAnsi(`Pour\u00a0: ${c.publics.join(', ')}`), s.body, width, 3) : [],
		// the back: where to use it, who proposes and funds it
		whereTitle: wrap(doc, winAnsi('Où utiliser vos pass\u00a0?'), s.campaign, width, 2),
		where: wrap(doc, winAnsi(WHERE), s.body, width, 4),
		whereUrl: wrap(doc, winAnsi(passPlacesLink(run.origin).replace(/^https?:\/\//, '')), s.caption, width, 2),
		whereQr: qrModules(passPlacesLink(run.origin)),
		funded: fundedBy(c) ? wrap(doc, winAnsi(fundedBy(c)!), s.body, width, 4) : []
	};
}

function drawA6Cover(run: Run, L: ReturnType<typeof a6Layout>, parent: Struct, booklet: number, count: number): void {
	const { doc, data } = run;
	const s = S.a6;
	const x = A6_MARGIN;
	let y = A6_MARGIN;
	tag(doc, parent, 'P', () => (y = writeLines(doc, L.instance, s.instance, x, y, L.width)));
	y += 4;
	tag(doc, parent, 'H1', () => (y = writeLines(doc, L.title, s.title, x, y, L.width)));
	tag(doc, parent, 'P', () => (y = writeLines(doc, L.coverCampaign, s.campaign, x, y, L.width)));
	y += 6;
	const bookletLines = wrap(doc, winAnsi(`Carnet n° ${booklet} — ${passCount(count, data.campaign.faceValueCents)}`), s.booklet, L.width, 2);
	tag(doc, parent, 'P', () => (y = writeLines(doc, bookletLines, s.booklet, x, y, L.width)));
	y += 6;
	// how to use it, in a tinted box with an accent bar
	const pad = mm(3);
	const bar = 3;
	const inner = x + bar + pad;
	const heights = L.usage.map((p) => p.length * lineHeight(s.body));
	const boxHeight = heights.reduce((a, h) => a + h + 3, 0) - 3 + 2 * pad;
	const top = y;
	artifact(doc, () => {
		doc.save().rect(x, top, L.width, boxHeight).fill(COLOR.tint).rect(x, top, bar, boxHeight).fill(COLOR.accent).restore();
	});
	y += pad;
	for (const p of L.usage) {
		tag(doc, parent, 'P', () => (y = writeLines(doc, p, s.body, inner, y, L.width - bar - 2 * pad)));
		y += 3;
	}
	y = top + boxHeight + 8;
	tag(doc, parent, 'P', () => (y = writeLines(doc, L.coverValidity, s.validity, x, y, L.width)));
	y += 3;
	for (const lines of [L.coverArea, L.publics]) {
		if (!lines.length) continue;
		tag(doc, parent, 'P', () => (y = writeLines(doc, lines, s.body, x, y, L.width)));
		y += 3;
	}
}

/**
 * The back of each A6 booklet (issue 12, item 7): where to use the pass (a QR code to the
 * public search of the places that accept it, and its address in words), then who proposes
 * and who funds it.
 */
function drawA6Back(run: Run, L: ReturnType<typeof a6Layout>, parent: Struct): void {
	const { doc } = run;
	const s = S.a6;
	const x = A6_MARGIN;
	let y = A6_MARGIN;
	tag(doc, parent, 'H2', () => (y = writeLines(doc, L.whereTitle, s.campaign, x, y, L.width)));
	y += 4;
	tag(doc, parent, 'P', () => (y = writeLines(doc, L.where, s.body, x, y, L.width)));
	y += 8;
	const box = L.box;
	const qrX = (A6.width - box) / 2;
	const qrY = y;
	tag(doc, parent, 'Figure', () => drawQr(doc, L.whereQr, qrX, qrY, box), {
		alt: 'QR code\u00a0: les lieux qui acceptent le Pass Numérique',
		bbox: [qrX, qrY, qrX + box, qrY + box]
	});
	y += box + 4;
	tag(doc, parent, 'P', () => (y = writeLines(doc, L.whereUrl, s.caption, x, y, L.width, 'center')));
	if (L.funded.length) {
		const bottom = A6.height - A6_MARGIN - L.funded.length * lineHeight(s.body);
		tag(doc, parent, 'P', () => writeLines(doc, L.funded, s.body, x, Math.max(y + 8, bottom), L.width));
	}
}

function drawA6Voucher(run: Run, L: ReturnType<typeof a6Layout>, parent: Struct, booklet: number, position: number, count: number, code: string): void {
	const { doc } = run;
	const s = S.a6;
	const x = A6_MARGIN;
	const qr = qrModules(passSegments(run.origin, code));
	const printed = formatCode(code);
	const voucher = doc.struct('Div');
	parent.add(voucher);
	let y = A6_MARGIN;
	tag(doc, voucher, 'H2', () => {
		y = writeLines(doc, L.kicker, s.kicker, x, y, L.width, 'center');
		y = writeLines(doc, L.value, s.value, x, y, L.width, 'center', 0) + 4;
	});
	tag(doc, voucher, 'P', () => {
		y = writeLines(doc, L.campaign, s.bodyBold, x, y, L.width, 'center');
		y = writeLines(doc, L.validity, s.body, x, y, L.width, 'center');
		if (L.area.length) y = writeLines(doc, L.area, s.body, x, y, L.width, 'center');
	});
	// the QR code, the code and its caption from the bottom up: always at the same place
	const positionY = A6.height - A6_MARGIN - lineHeight(s.position);
	const captionY = positionY - mm(3) - L.caption.length * lineHeight(s.caption);
	const codeY = captionY - lineHeight(s.code, 0.1);
	// (the texts above are capped in lines: the full size always fits; never overlap anyway)
	const box = Math.min(L.box, codeY - y);
	const qrX = (A6.width - box) / 2;
	const qrY = codeY - box;
	tag(doc, voucher, 'Figure', () => drawQr(doc, qr, qrX, qrY, box), { alt: `QR code du pass ${printed}`, bbox: [qrX, qrY, qrX + box, qrY + box] });
	tag(doc, voucher, 'P', () => {
		doc.font(s.code.font).fontSize(s.code.size).fillColor(s.code.color);
		doc.text(printed, (A6.width - doc.widthOfString(printed)) / 2, codeY, { lineBreak: false });
		writeLines(doc, L.caption, s.caption, x, captionY, L.width, 'center');
	});
	const positionText = `Carnet ${booklet} · pass ${position}/${count}`;
	tag(doc, voucher, 'P', () =>
		writeLines(doc, [{ text: positionText, width: measure(doc, positionText, s.position) }], s.position, x, positionY, L.width, 'center')
	);
	voucher.end();
}

// --- writing ---------------------------------------------------------------------------

function validate(data: BookletsData): void {
	const c = data.campaign;
	if (!Number.isInteger(c.faceValueCents) || c.faceValueCents <= 0) throw new Error('booklets: the face value must be a positive number of cents');
	if (!/^\d{4}-\d{2}-\d{2}$/.test(c.validUntil)) throw new Error('booklets: validUntil must be a date YYYY-MM-DD');
	if (!/^https?:\/\/[^/\s]+/.test(data.origin)) throw new Error('booklets: origin must be an absolute http(s) URL');
	let vouchers = 0;
	for (const b of data.booklets) {
		b.vouchers.forEach((v, i) => {
			if (!isValidCode(v.code)) throw new Error(`booklets: booklet ${b.number}, voucher ${i + 1}: not a normalised valid code`);
		});
		vouchers += b.vouchers.length;
	}
	if (!vouchers) throw new Error('booklets: no voucher to print');
}

/** What the PDF is called, in the viewer's title bar and its metadata. */
export function bookletsTitle(data: BookletsData): string {
	const numbers = data.booklets.map((b) => b.number);
	const first = Math.min(...numbers);
	const last = Math.max(...numbers);
	const range = numbers.length === 1 ? `carnet n° ${first}` : `carnets n° ${first} à ${last}`;
	return `Pass Numérique — ${data.campaign.name} — ${range}`;
}

/** Resolves when `out` can take more, rejects when it fails or closes first. */
function drained(out: NodeJS.WritableStream): Promise<void> {
	return new Promise((resolve, reject) => {
		const done = (err?: Error) => {
			out.off('drain', onDrain);
			out.off('error', onError);
			out.off('close', onClose);
			if (err) reject(err);
			else resolve();
		};
		const onDrain = () => done();
		const onError = (e: Error) => done(e);
		const onClose = () => done(new Error('booklets: the destination closed before the end of the document'));
		out.on('drain', onDrain);
		out.on('error', onError);
		out.on('close', onClose);
	});
}

/**
 * Writes the booklets' PDF into `out` (a file, an HTTP response…) as it is drawn, page
 * after page, waiting for `out` to drain; ends `out` and resolves once it has finished.
 * Rejects (and stops drawing) if `out` fails or closes first.
 */
export async function writeBookletsPdf(data: BookletsData, format: BookletFormat, out: NodeJS.WritableStream): Promise<void> {
	validate(data);
	const total = data.booklets.reduce((n, b) => n + b.vouchers.length, 0);
	const doc = new PDFDocument({
		autoFirstPage: false,
		bufferPages: false,
		pdfVersion: '1.7',
		tagged: true,
		lang: 'fr-FR',
		displayTitle: true,
		info: {
			Title: bookletsTitle(data),
			Author: data.instanceName,
			Creator: data.instanceName,
			Subject: `${total} pass de ${euros(data.campaign.faceValueCents)}, ${format === 'a4' ? 'planches A4 à découper' : 'carnets A6'}`
		}
	});
	let failure: Error | null = null;
	let needDrain = false;
	const fail = (e: Error) => (failure ??= e);
	const closed = () => fail(new Error('booklets: the destination closed before the end of the document'));
	out.on('error', fail);
	out.on('close', closed);
	doc.on('error', fail);
	doc.on('data', (chunk: Buffer) => {
		if (!out.write(chunk)) needDrain = true;
	});
	const ended = new Promise<void>((resolve) => doc.on('end', resolve));

	const run: Run = {
		doc,
		data,
		origin: data.origin.replace(/\/+$/, ''),
		value: euros(data.campaign.faceValueCents),
		// "jeudi 31 décembre 2026", the date itself kept on one line
		until: frenchDate(data.campaign.validUntil).replace(/(\d+) (\S+) (\d{4})$/, '$1\u00a0$2\u00a0$3')
	};
	const root = doc.struct('Document');
	doc.addStructure(root);
	const page = { size: format === 'a4' ? 'A4' : 'A6', margins: { top: 0, bottom: 0, left: 0, right: 0 } };

	try {
		if (format === 'a4') {
			let used = PER_PAGE; // no page yet
			let layout: ReturnType<typeof a4Layout> | null = null;
			for (const b of data.booklets) {
				const n = b.vouchers.length;
				if (used + Math.min(n, PER_PAGE) > PER_PAGE) {
					if (layout) drawCutLines(doc, used);
					doc.addPage(page);
					layout ??= a4Layout(run);
					used = 0;
				}
				const sect = doc.struct('Sect');
				root.add(sect);
				for (let i = 0; i < n; i++) {
					if (used === PER_PAGE) {
						drawCutLines(doc, used);
						doc.addPage(page);
						used = 0;
					}
					const code = b.vouchers[i].code;
					drawA4Voucher(run, layout!, sect, used++, b.number, i + 1, n, code);
				}
				sect.end();
				await pause();
			}
			drawCutLines(doc, used);
			// then a slip per booklet, on pages of their own: where to use the pass, who funds it
			const slips = doc.struct('Sect');
			root.add(slips);
			used = PER_PAGE;
			for (const b of data.booklets) {
				if (used === PER_PAGE) {
					if (b !== data.booklets[0]) drawCutLines(doc, used);
					doc.addPage(page);
					used = 0;
				}
				drawA4Slip(run, layout!, slips, used++, b.number, b.vouchers.length);
			}
			drawCutLines(doc, used);
			slips.end();
		} else {
			let layout: ReturnType<typeof a6Layout> | null = null;
			for (const b of data.booklets) {
				const n = b.vouchers.length;
				doc.addPage(page);
				layout ??= a6Layout(run);
				const sect = doc.struct('Sect');
				root.add(sect);
				drawA6Cover(run, layout, sect, b.number, n);
				b.vouchers.forEach(({ code }, i) => {
					doc.addPage(page);
					drawA6Voucher(run, layout!, sect, b.number, i + 1, n, code);
				});
				doc.addPage(page);
				drawA6Back(run, layout, sect);
				sect.end();
				await pause();
			}
		}
		root.end();
		doc.end();
		await ended;
		if (failure) throw failure;
		out.off('close', closed);
		await new Promise<void>((resolve, reject) => {
			out.once('finish', resolve);
			out.once('error', reject);
			out.end();
		});
	} finally {
		out.off('error', fail);
		out.off('close', closed);
	}

	/** After each booklet: wait for `out` to drain, or let the event loop breathe. */
	async function pause() {
		if (failure) throw failure;
		if (needDrain) {
			needDrain = false;
			await drained(out);
		} else await nextTurn();
		if (failure) throw failure;
	}
}

/** The booklets' PDF as one buffer (small runs; for big ones, `writeBookletsPdf`). */
export async function bookletsPdf(data: BookletsData, format: BookletFormat): Promise<Buffer> {
	const chunks: Buffer[] = [];
	const sink = new Writable({
		write(chunk: Buffer, _enc, cb) {
			chunks.push(chunk);
			cb();
		}
	});
	await writeBookletsPdf(data, format, sink);
	return Buffer.concat(chunks);
}
