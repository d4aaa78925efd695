/**
 * Plain, readable A4 documents on pdfkit, shared by the printable documents of the care
 * loop (the referral sheet, the readable RGPD export).
 *
 * - The built-in Helvetica only: no font file to ship. Its encoding is WinAnsi, which
 *   covers French (accents, « », ’, œ, €); every other character is replaced before it
 *   reaches pdfkit (which would otherwise write garbage for it): see `winAnsi`.
 * - 12 pt minimum everywhere, large headings, generous spacing, dark text on white.
 * - A tagged PDF 1.7 (headings, paragraphs, lists, figures with a text alternative, the
 *   footer as a pagination artifact), language fr-FR, the title shown by the viewer.
 * - "Page 1 sur 2" in the footer of every page (pages are buffered until the end).
 * - Dates in French, Paris time: "mardi 24 novembre 2026 à 14 h 30".
 */
import PDFDocument from 'pdfkit';
import { winAnsi } from './pdf-text.ts';
import {
	BULLET_INDENT,
	COLOR,
	FONT,
	KV_GUTTER,
	KV_ROW_GAP,
	MARGIN,
	MIN_SIZE,
	TABLE_PAD,
	mm,
	type KeyValue,
	type Level,
	type PdfOptions,
	type Struct,
	type StructOptions,
	type TableColumn
} from './pdf-layout.ts';

/**
 * Lays out a document top to bottom: headings, paragraphs, label/value blocks, bullet
 * lists, tables, a tinted box, an image beside text. Every element is tagged. A heading
 * is drawn only with the start of what follows it, so it never ends a page; a block that
 * fits on a page is not split across two. `finish()` adds the footers and returns the
 * file.
 */
export class PdfWriter {
	readonly doc: PDFKit.PDFDocument;
	/** body text size */
	readonly size: number;
	private readonly root: Struct;
	private readonly chunks: Buffer[] = [];
	private readonly done: Promise<Buffer>;
	private readonly footer: string;
	private readonly compact: boolean;
	/** headings (and introductions) waiting for the content they introduce */
	private pending: { height: number; draw: () => void }[] = [];

	constructor(opts: PdfOptions) {
		this.size = Math.max(MIN_SIZE, opts.bodySize ?? MIN_SIZE);
		this.footer = winAnsi(opts.footer ?? opts.instanceName);
		this.compact = !!opts.compact;
		this.doc = new PDFDocument({
			size: 'A4',
			margins: MARGIN,
			bufferPages: true,
			pdfVersion: '1.7',
			tagged: true,
			lang: 'fr-FR',
			displayTitle: true,
			info: {
				Title: opts.title,
				Author: opts.instanceName,
				Creator: opts.instanceName,
				...(opts.subject ? { Subject: opts.subject } : {})
			}
		});
		this.doc.on('data', (c: Buffer) => this.chunks.push(c));
		this.done = new Promise((resolve, reject) => {
			this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
			this.doc.on('error', reject);
		});
		this.root = this.doc.struct('Document');
		this.doc.addStructure(this.root);
	}

	// --- geometry ------------------------------------------------------------------

	/** The left edge of the text. */
	get left(): number {
		return this.doc.page.margins.left;
	}
	/** The width of the text. */
	get width(): number {
		return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
	}
	private get bottom(): number {
		return this.doc.page.height - this.doc.page.margins.bottom;
	}
	private get room(): number {
		return this.bottom - this.doc.page.margins.top;
	}
	private get atTop(): boolean {
		return this.doc.y <= this.doc.page.margins.top + 1;
	}
	/** The gap between lines of body text. */
	private get lineGap(): number {
		return Math.round(this.size * 0.35);
	}
	private gapFor(size: number): number {
		return size <= this.size ? this.lineGap : Math.round(size * 0.2);
	}
	/** The height of `n` lines of body text. */
	lines(n: number): number {
		return n * (this.doc.font(FONT.regular).fontSize(this.size).currentLineHeight(true) + this.lineGap);
	}

	/** The height of a text at a size and weight, over a width. */
	measure(text: string, o: { size?: number; bold?: boolean; width?: number } = {}): number {
		const size = o.size ?? this.size;
		this.doc.font(o.bold ? FONT.bold : FONT.regular).fontSize(size);
		return this.doc.heightOfString(winAnsi(text) || ' ', { width: o.width ?? this.width, lineGap: this.gapFor(size) });
	}

	// --- flow ----------------------------------------------------------------------

	/**
	 * Makes room for what comes next: the waiting headings and the first `height` points
	 * of the next block stay on one page (a new page starts if they do not fit, unless
	 * nothing would fit anyway), then the headings are drawn.
	 */
	keep(height: number): this {
		const before = this.pending.reduce((a, p) => a + p.height, 0);
		if (!this.atTop && this.doc.y + Math.min(before + height, this.room) > this.bottom) this.doc.addPage();
		const pending = this.pending;
		this.pending = [];
		for (const p of pending) p.draw();
		return this;
	}

	/** Vertical space, except at the top of a page. */
	space(points: number): this {
		if (!this.atTop) this.doc.y = Math.min(this.doc.y + points, this.bottom);
		return this;
	}

	// --- tagging -------------------------------------------------------------------

	/** Tags what `draw` puts on the page as one structure element of `type`. */
	tag(type: string, draw: () => void, parent: Struct = this.root, options: StructOptions = {}): void {
		parent.add(this.doc.struct(type, options, draw));
	}

	/** A structure element to add children to (a list, a list item…); end it with `.end()`. */
	group(type: string, parent: Struct = this.root): Struct {
		const el = this.doc.struct(type);
		parent.add(el);
		return el;
	}

	/** Draws decoration that assistive technologies skip. */
	artifact(draw: () => void): void {
		this.doc.markContent('Artifact', { type: 'Layout' });
		draw();
		this.doc.endMarkedContent();
	}

	/** Writes text at the current position (or at x, y), wrapping over `width`. */
	write(text: string, o: { size?: number; bold?: boolean; color?: string; x?: number; y?: number; width?: number; link?: string } = {}): void {
		const size = o.size ?? this.size;
		this.doc
			.font(o.bold ? FONT.bold : FONT.regular)
			.fontSize(size)
			.fillColor(o.color ?? COLOR.text);
		this.doc.text(winAnsi(text), o.x ?? this.left, o.y ?? this.doc.y, {
			width: o.width ?? this.width,
			lineGap: this.gapFor(size),
			...(o.link ? { link: o.link, underline: true } : {})
		});
		this.doc.x = this.left;
	}

	// --- blocks --------------------------------------------------------------------

	/** The small line above the title: who publishes the document. */
	kicker(text: string): this {
		this.keep(this.measure(text));
		this.tag('P', () => this.write(text, { color: COLOR.muted }));
		this.doc.y += 2;
		return this;
	}

	private headingSize(level: Level): number {
		if (this.compact) return level === 1 ? 22 : level === 2 ? 16 : Math.max(13, this.size + 1);
		return level === 1 ? 26 : level === 2 ? 18 : Math.max(14, this.size + 1);
	}
	private headingSpace(level: Level): { before: number; after: number } {
		if (this.compact) return level === 1 ? { before: 0, after: 6 } : level === 2 ? { before: 10, after: 5 } : { before: 6, after: 2 };
		return level === 1 ? { before: 4, after: 12 } : level === 2 ? { before: 24, after: 8 } : { before: 14, after: 4 };
	}
	private headingHeight(text: string, level: Level): number {
		const { before, after } = this.headingSpace(level);
		return before + this.measure(text, { size: this.headingSize(level), bold: true }) + (level === 2 ? 2 : 0) + after;
	}

	/**
	 * A heading: 1 for the document's title, 2 for a section, 3 for an entry in a
	 * section. It is drawn with the start of the next block.
	 */
	heading(text: string, level: Level = 2): this {
		this.pending.push({ height: this.headingHeight(text, level), draw: () => this.drawHeading(text, level) });
		return this;
	}

	private drawHeading(text: string, level: Level): void {
		const size = this.headingSize(level);
		const { before, after } = this.headingSpace(level);
		this.space(before);
		this.tag(`H${level}`, () => this.write(text, { size, bold: true, color: COLOR.heading }));
		if (level === 2) {
			const y = this.doc.y + 1;
			this.artifact(() => {
				this.doc
					.save()
					.lineWidth(1)
					.strokeColor(COLOR.rule)
					.moveTo(this.left, y)
					.lineTo(this.left + this.width, y)
					.stroke()
					.restore();
			});
			this.doc.y = y + 1;
		}
		this.doc.y += after;
	}

	/**
	 * A paragraph of body text (at least two lines of it on a page). With `withNext`, it
	 * introduces what follows and is drawn with its start, like a heading.
	 */
	paragraph(text: string, o: { bold?: boolean; size?: number; color?: string; after?: number; withNext?: boolean } = {}): this {
		const after = o.after ?? Math.round(this.size * 0.5);
		const draw = () => {
			this.tag('P', () => this.write(text, { bold: o.bold, size: o.size, color: o.color }));
			this.doc.y += after;
		};
		if (o.withNext) this.pending.push({ height: this.measure(text, o) + after, draw });
		else {
			this.keep(Math.min(this.measure(text, o), this.lines(2)));
			draw();
		}
		return this;
	}

	private keyValueLayout(rows: readonly KeyValue[], labelWidth = Math.round(this.width * 0.34)) {
		const visible = rows
			.map(([label, value]) => [label, (typeof value === 'string' ? [value] : value).filter((v) => v.trim() !== '')] as const)
			.filter(([, values]) => values.length);
		const valueWidth = this.width - labelWidth - KV_GUTTER;
		const heights = visible.map(([label, values]) =>
			Math.max(
				this.measure(`${label}\u00a0:`, { bold: true, width: labelWidth }),
				values.reduce((a, v) => a + this.measure(v, { width: valueWidth }), 0)
			)
		);
		return { visible, labelWidth, valueWidth, heights, total: heights.reduce((a, h) => a + h + KV_ROW_GAP, 0) };
	}

	/**
	 * Labels and values in two columns ("Téléphone :  05 59 12 34 56"), tagged as a list of
	 * label + body; a value given as several lines gets one paragraph per line. Rows with
	 * an empty value are left out. A row is never split across pages; with `together`,
	 * the whole block is not either (when it fits on a page).
	 */
	keyValues(rows: readonly KeyValue[], o: { labelWidth?: number; after?: number; together?: boolean } = {}): this {
		const { visible, labelWidth, valueWidth, heights, total } = this.keyValueLayout(rows, o.labelWidth);
		if (!visible.length) return this;
		const x = this.left + labelWidth + KV_GUTTER;
		this.keep(o.together ? total : heights[0]);
		const list = this.group('L');
		visible.forEach(([label, values], i) => {
			const l = `${label}\u00a0:`;
			const h = heights[i];
			this.keep(h);
			const y = this.doc.y;
			const page = this.doc.page;
			const item = this.group('LI', list);
			this.tag('Lbl', () => this.write(l, { bold: true, y, width: labelWidth }), item);
			if (values.length === 1) this.tag('LBody', () => this.write(values[0], { x, y, width: valueWidth }), item);
			else {
				const body = this.group('LBody', item);
				this.doc.y = y;
				for (const v of values) this.tag('P', () => this.write(v, { x, width: valueWidth }), body);
				body.end();
			}
			item.end();
			// the taller column decides where the next row starts, unless a (very long)
			// value ran onto the next page
			this.doc.y = (this.doc.page === page ? Math.max(this.doc.y, y + h) : this.doc.y) + KV_ROW_GAP;
		});
		list.end();
		this.doc.y += o.after ?? Math.round(this.size * 0.5);
		return this;
	}

	/** The height `keyValues(rows)` takes. */
	keyValuesHeight(rows: readonly KeyValue[], labelWidth?: number): number {
		return this.keyValueLayout(rows, labelWidth).total;
	}

	/**
	 * An entry of a section (a consent, an assessment…): a level-3 heading and its labels
	 * and values, on one page when they fit on one.
	 */
	entry(title: string, rows: readonly KeyValue[], o: { labelWidth?: number } = {}): this {
		return this.heading(title, 3).keyValues(rows, { ...o, together: true });
	}

	/** The height `bullets(items)` takes. */
	bulletsHeight(items: readonly string[]): number {
		return items.reduce((a, t) => a + this.measure(t, { width: this.width - BULLET_INDENT }) + 3, 0);
	}

	/** A bulleted list. */
	bullets(items: readonly string[], o: { after?: number } = {}): this {
		if (!items.length) return this;
		const list = this.group('L');
		for (const text of items) {
			this.keep(Math.min(this.measure(text, { width: this.width - BULLET_INDENT }), this.lines(2)));
			const y = this.doc.y;
			const item = this.group('LI', list);
			this.tag('Lbl', () => this.write('•', { bold: true, y, width: BULLET_INDENT }), item);
			this.tag('LBody', () => this.write(text, { x: this.left + BULLET_INDENT, y, width: this.width - BULLET_INDENT }), item);
			item.end();
			this.doc.y += 3;
		}
		list.end();
		this.doc.y += o.after ?? Math.round(this.size * 0.4);
		return this;
	}

	/**
	 * A tinted box with an accent bar on the left, for what matters most (where to go,
	 * when); one paragraph per line, kept on one page.
	 */
	box(lines: readonly { text: string; bold?: boolean; size?: number }[], o: { after?: number } = {}): this {
		const shown = lines.filter((l) => l.text.trim());
		if (!shown.length) return this;
		const pad = 12;
		const bar = 5;
		const spacing = 3;
		const inner = this.width - 2 * pad - bar;
		const heights = shown.map((l) => this.measure(l.text, { size: l.size, bold: l.bold, width: inner }));
		const total = heights.reduce((a, b) => a + b + spacing, 0) - spacing + 2 * pad;
		this.keep(total);
		const top = this.doc.y;
		this.artifact(() => {
			this.doc.save().rect(this.left, top, this.width, total).fill(COLOR.tint).rect(this.left, top, bar, total).fill(COLOR.accent).restore();
		});
		let y = top + pad;
		shown.forEach((l, i) => {
			this.tag('P', () => this.write(l.text, { size: l.size, bold: l.bold, x: this.left + bar + pad, y, width: inner }));
			y += heights[i] + spacing;
		});
		this.doc.y = top + total + (o.after ?? Math.round(this.size * 0.8));
		return this;
	}

	/**
	 * An image (PNG) on the left, paragraphs beside it, kept together; the image is a
	 * figure with its text alternative, a paragraph with `link` holds a link.
	 */
	imageBeside(png: Buffer, o: { width: number; alt: string }, paragraphs: readonly { text: string; bold?: boolean; link?: string }[]): this {
		const gutter = 16;
		const spacing = 6;
		const textWidth = this.width - o.width - gutter;
		const heights = paragraphs.map((p) => this.measure(p.text, { bold: p.bold, width: textWidth }));
		this.keep(
			Math.max(
				o.width,
				heights.reduce((a, b) => a + b + spacing, 0)
			)
		);
		const top = this.doc.y;
		this.tag('Figure', () => this.doc.image(png, this.left, top, { width: o.width }), this.root, { alt: o.alt });
		const x = this.left + o.width + gutter;
		let y = top;
		paragraphs.forEach((p, i) => {
			const draw = () => this.write(p.text, { bold: p.bold, x, y, width: textWidth, link: p.link });
			if (p.link) {
				// the Link element, inside the paragraph, owns the link annotation
				const para = this.group('P');
				this.tag('Link', draw, para);
				para.end();
			} else this.tag('P', draw);
			y += heights[i] + spacing;
		});
		this.doc.x = this.left;
		this.doc.y = Math.max(top + o.width, y) + Math.round(this.size * 0.6);
		return this;
	}

	/**
	 * A table with a header row, repeated (as decoration) at the top of each new page.
	 * A row is never split across pages.
	 */
	table(columns: readonly TableColumn[], rows: readonly (readonly string[])[], o: { after?: number } = {}): this {
		const shares = columns.reduce((a, c) => a + c.width, 0);
		const widths = columns.map((c) => (c.width / shares) * this.width);
		const xs = widths.map((_, i) => this.left + widths.slice(0, i).reduce((a, b) => a + b, 0));
		const rowHeight = (cells: readonly string[], bold: boolean) =>
			Math.max(...cells.map((c, i) => this.measure(c, { bold, width: widths[i] - 2 * TABLE_PAD.x }))) + 2 * TABLE_PAD.y;
		const headers = columns.map((c) => c.header);
		const headerHeight = rowHeight(headers, true);

		const drawRow = (cells: readonly string[], header: boolean, height: number, row: Struct | null) => {
			const top = this.doc.y;
			this.artifact(() => {
				const d = this.doc.save();
				if (header) d.rect(this.left, top, this.width, height).fill(COLOR.tint);
				d.lineWidth(header ? 1 : 0.5)
					.strokeColor(COLOR.rule)
					.moveTo(this.left, top + height)
					.lineTo(this.left + this.width, top + height)
					.stroke()
					.restore();
			});
			cells.forEach((text, i) => {
				const draw = () => this.write(text, { bold: header, x: xs[i] + TABLE_PAD.x, y: top + TABLE_PAD.y, width: widths[i] - 2 * TABLE_PAD.x });
				// pdfkit writes the Scope attribute of a header cell from this option
				if (row) this.tag(header ? 'TH' : 'TD', draw, row, header ? ({ scope: 'Column' } as StructOptions) : {});
				else this.artifact(draw);
			});
			this.doc.y = top + height;
		};

		this.keep(headerHeight + (rows.length ? rowHeight(rows[0], false) : 0));
		const table = this.group('Table');
		const head = this.group('TR', table);
		drawRow(headers, true, headerHeight, head);
		head.end();
		for (const cells of rows) {
			const h = rowHeight(cells, false);
			if (this.doc.y + h > this.bottom) {
				this.doc.addPage();
				drawRow(headers, true, headerHeight, null);
			}
			const tr = this.group('TR', table);
			drawRow(cells, false, h, tr);
			tr.end();
		}
		table.end();
		this.doc.x = this.left;
		this.doc.y += o.after ?? Math.round(this.size * 0.8);
		return this;
	}

	// --- end -------------------------------------------------------------------------

	/** Adds "Page n sur N" to the foot of every page and returns the file. */
	async finish(): Promise<Buffer> {
		if (this.pending.length) this.keep(0);
		const { start, count } = this.doc.bufferedPageRange();
		for (let i = start; i < start + count; i++) {
			this.doc.switchToPage(i);
			const page = this.doc.page;
			const bottom = page.margins.bottom;
			page.margins.bottom = 0; // writing below the margin must not open a new page
			const y = page.height - mm(15);
			const width = this.width;
			this.doc.markContent('Artifact', { type: 'Pagination' });
			this.doc
				.save()
				.lineWidth(0.75)
				.strokeColor(COLOR.rule)
				.moveTo(this.left, y - 8)
				.lineTo(this.left + width, y - 8)
				.stroke()
				.restore();
			const label = `Page ${i - start + 1} sur ${count}`;
			this.doc.font(FONT.regular).fontSize(MIN_SIZE).fillColor(COLOR.muted);
			const labelWidth = this.doc.widthOfString(label) + 2;
			this.doc.text(this.footer, this.left, y, { width: width - labelWidth - 12, height: MIN_SIZE * 1.3, lineBreak: false, ellipsis: true });
			this.doc.text(label, this.left + width - labelWidth, y, { width: labelWidth, align: 'right', lineBreak: false });
			this.doc.endMarkedContent();
			page.margins.bottom = bottom;
		}
		this.doc.end();
		return this.done;
	}
}
