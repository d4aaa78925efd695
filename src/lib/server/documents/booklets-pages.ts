/**
 * The pages of the Pass Numérique booklets (booklets.ts): A4 sheets of 10 vouchers to cut
 * and their slips, A6 covers, vouchers and backs.
 */
import { formatCode } from '../pass/index.ts';
import { frenchDate, winAnsi } from './pdf-text.ts';
import { mm } from './pdf-layout.ts';
import {
	QR_BOX_MM,
	A4_GRID,
	COLOR,
	CAPTION,
	USAGE,
	SLIP_WHERE,
	WHERE,
	S,
	passPlacesLink,
	passCount,
	passSegments,
	qrModules,
	drawQr,
	measure,
	wrap,
	lineHeight,
	writeLines,
	fundedBy,
	tag,
	artifact,
	type Run,
	type Struct
} from './booklets-parts.ts';

// --- A4 sheets -----------------------------------------------------------------------

const A4 = { width: mm(210), height: mm(297) };
const CELL = { width: A4.width / A4_GRID.columns, height: A4.height / A4_GRID.rows };
export const PER_PAGE = A4_GRID.columns * A4_GRID.rows;

export function a4Layout(run: Run) {
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
export function drawA4Slip(run: Run, L: ReturnType<typeof a4Layout>, parent: Struct, cell: number, booklet: number, count: number): void {
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

export function drawA4Voucher(
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
export function drawCutLines(doc: PDFKit.PDFDocument, used: number): void {
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

export function a6Layout(run: Run) {
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

export function drawA6Cover(run: Run, L: ReturnType<typeof a6Layout>, parent: Struct, booklet: number, count: number): void {
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
export function drawA6Back(run: Run, L: ReturnType<typeof a6Layout>, parent: Struct): void {
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

export function drawA6Voucher(run: Run, L: ReturnType<typeof a6Layout>, parent: Struct, booklet: number, position: number, count: number, code: string): void {
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
