/**
 * « Rapport de réemploi » of a donor for a year (issue 18; décret 2023-266): the figures
 * (devices given, excluded over 10 years, proven reused, the declared stock on 1 January, the
 * ratio against the year's target), the devices by type, then one entry per device with its
 * justification. Plain tagged A4 like the other documents (pdf.ts). The equipment capability
 * computes it all.
 *
 * A donor may give 10,000 devices a year (issue 18: the report in ≤ 1 s), so the per-device
 * entries are not a measured table: each is two lines of 12 pt text of fixed height drawn
 * straight into the page (no pdfkit layout, no per-row measuring), one tagged paragraph per
 * device; a line too long for the width is wrapped at spaces on the font's metrics. The CSV has the same lines, by column.
 */
import { PdfWriter } from './pdf.ts';
import { winAnsi } from './pdf-text.ts';
import { COLOR, FONT } from './pdf-layout.ts';
import { dayLabel } from '../../components/format.ts';

export interface ReuseReportData {
	instanceName: string;
	donor: string;
	publicBody: boolean;
	figures: {
		year: number;
		given: number;
		excludedOverAge: number;
		counted: number;
		provenReused: number;
		declaredStock: number | null;
		ratio: number | null;
		target: number | null;
		met: boolean | null;
		indicative: boolean;
	};
	/** the devices given by type: given, counted (10 years or less), proven reused */
	byType?: { type: string; given: number; counted: number; provenReused: number }[];
	lines: { lot: string; device: string; serial: string; year: string; justification: string }[];
	/** the Paris day it is made */
	madeOn: string;
}

const pct = (n: number | null) => (n === null ? 'non calculable' : `${String(n).replace('.', ',')}\u00a0%`);

export async function reuseReportPdf(data: ReuseReportData): Promise<Buffer> {
	const f = data.figures;
	const title = `Rapport de réemploi ${f.year}`;
	const w = new PdfWriter({
		title: `${title} — ${data.donor}`,
		instanceName: data.instanceName,
		subject: `${title} · ${data.donor}`,
		footer: `${data.instanceName} · ${title} · ${data.donor}`
	});
	w.kicker(data.instanceName);
	w.heading(title, 1);
	w.paragraph(data.donor, { bold: true });
	w.paragraph(`Établi le ${dayLabel(data.madeOn)}.`);
	w.paragraph(
		'Décret 2023-266\u00a0: les organismes publics doivent orienter leurs équipements informatiques réformés vers le réemploi\u00a0: 25\u00a0% en 2023, 35\u00a0% en 2024, 50\u00a0% à partir de 2025. Le taux rapporte les appareils dont le réemploi est prouvé (remis à une personne) au stock d’appareils réformés au 1er janvier\u00a0; les appareils de plus de 10 ans sont exclus.'
	);
	w.heading('Chiffres de l’année', 2);
	w.keyValues([
		['Appareils donnés', String(f.given)],
		['Exclus (plus de 10 ans)', String(f.excludedOverAge)],
		['Réemploi prouvé', String(f.provenReused)],
		['Stock réformé au 1er janvier', f.declaredStock === null ? 'non déclaré' : String(f.declaredStock)],
		['Taux de réemploi', pct(f.ratio)],
		['Objectif de l’année', f.target === null ? 'aucun objectif avant 2023' : `${f.target}\u00a0%`],
		['Objectif atteint', f.met === null ? '–' : f.met ? 'oui' : 'non']
	]);
	if (f.indicative)
		w.paragraph('Le stock d’appareils réformés au 1er janvier n’a pas été déclaré\u00a0: le taux est calculé sur les appareils donnés, à titre indicatif.');
	if (!data.publicBody)
		w.paragraph('Ce donateur n’est pas un organisme public\u00a0: le décret 2023-266 ne s’applique pas à lui, le taux est donné pour information.');
	if (data.byType?.length) {
		w.heading('Par type d’appareil', 2);
		w.table(
			[
				{ header: 'Type', width: 2 },
				{ header: 'Donnés', width: 1 },
				{ header: 'Comptés', width: 1 },
				{ header: 'Réemploi prouvé', width: 1.4 }
			],
			data.byType.map((t) => [t.type, String(t.given), String(t.counted), String(t.provenReused)])
		);
	}
	w.heading('Justification par appareil', 2);
	if (!data.lines.length) w.paragraph('Aucun appareil donné cette année.');
	else {
		w.paragraph(
			`${data.lines.length} appareil${data.lines.length > 1 ? 's' : ''}, dans l’ordre des lots reçus. Pour chacun : numéro de série, appareil, année de fabrication et lot, puis la justification. Le fichier CSV du rapport donne les mêmes lignes, colonne par colonne.`
		);
		deviceLines(w, data.lines);
	}
	return w.finish();
}

/** Unicode → WinAnsi (the standard fonts' encoding) for the characters outside Latin-1 that winAnsi() keeps. */
const WIN_ANSI_HIGH = new Map<number, number>([
	[0x20ac, 0x80],
	[0x201a, 0x82],
	[0x192, 0x83],
	[0x201e, 0x84],
	[0x2026, 0x85],
	[0x2020, 0x86],
	[0x2021, 0x87],
	[0x2c6, 0x88],
	[0x2030, 0x89],
	[0x160, 0x8a],
	[0x2039, 0x8b],
	[0x152, 0x8c],
	[0x17d, 0x8e],
	[0x2018, 0x91],
	[0x2019, 0x92],
	[0x201c, 0x93],
	[0x201d, 0x94],
	[0x2022, 0x95],
	[0x2013, 0x96],
	[0x2014, 0x97],
	[0x2dc, 0x98],
	[0x2122, 0x99],
	[0x161, 0x9a],
	[0x203a, 0x9b],
	[0x153, 0x9c],
	[0x17e, 0x9e],
	[0x178, 0x9f]
]);

/** pdfkit's font object, reached for its resource name and metrics (the same ones `doc.text` uses). */
interface KitFont {
	id: string;
	ascender: number;
	ref(): unknown;
	widthOfString(s: string, size: number): number;
}

/**
 * A one-line text drawer for the standard fonts: the text's WinAnsi bytes straight into the
 * page's content, one write per paragraph (what `doc.text` writes, without its per-call option handling, wrapping and
 * kerning, which cost ~0.1 ms a call: 2 s for 10,000 devices), and a plain word wrap on
 * the font's metrics (per character, cached).
 */
function lineDrawer(doc: PDFKit.PDFDocument, size: number) {
	const fonts = new Map<string, { font: KitFont; widths: Map<string, number> }>();
	const use = (name: string) => {
		let f = fonts.get(name);
		if (!f) {
			doc.font(name);
			f = { font: (doc as unknown as { _font: KitFont })._font, widths: new Map() };
			fonts.set(name, f);
		}
		return f;
	};
	return {
		width(name: string, text: string): number {
			const f = use(name);
			let w = 0;
			for (const ch of text) {
				let cw = f.widths.get(ch);
				if (cw === undefined) f.widths.set(ch, (cw = f.font.widthOfString(ch, size)));
				w += cw;
			}
			return w;
		},
		/** The text broken into lines of at most `max` points, at spaces (a word longer than a line stays whole). */
		wrap(name: string, text: string, max: number): string[] {
			if (this.width(name, text) <= max) return [text];
			const space = this.width(name, ' ');
			const out: string[] = [];
			let line = '';
			let lineWidth = 0;
			for (const word of text.split(' ')) {
				const ww = this.width(name, word);
				if (line && lineWidth + space + ww > max) {
					out.push(line);
					line = word;
					lineWidth = ww;
				} else {
					line = line ? `${line} ${word}` : word;
					lineWidth = line === word ? ww : lineWidth + space + ww;
				}
			}
			if (line) out.push(line);
			return out;
		},
		/** The operators that draw the text on one line at (x, y), top-left origin: a string of WinAnsi bytes (one char each). */
		ops(name: string, text: string, x: number, y: number): string {
			const { font } = use(name);
			const page = doc.page as unknown as { height: number; fonts: Record<string, unknown> };
			page.fonts[font.id] ??= font.ref();
			let bytes = '';
			for (let i = 0; i < text.length; i++) {
				const c = text.charCodeAt(i);
				const b = c < 0x80 || (c >= 0xa0 && c <= 0xff) ? c : (WIN_ANSI_HIGH.get(c) ?? 0x3f);
				bytes += b === 0x28 || b === 0x29 || b === 0x5c ? '\\' + String.fromCharCode(b) : String.fromCharCode(b);
			}
			const baseline = page.height - y - (font.ascender / 1000) * size;
			return `BT 1 0 0 1 ${x.toFixed(2)} ${baseline.toFixed(2)} Tm /${font.id} ${size} Tf (${bytes}) Tj ET `;
		},
		/** Writes operators into the page in one go, in the top-left coordinates pdfkit's text uses. */
		write(ops: string): void {
			const height = (doc.page as unknown as { height: number }).height;
			// bytes already (latin1: one char one byte), so pdfkit does not convert them char by char
			doc.addContent(Buffer.from(`q 1 0 0 -1 0 ${height} cm ${ops}Q\n`, 'latin1') as unknown as string);
		}
	};
}

/** One tagged paragraph of two fixed-height lines per device, drawn without layout measuring. */
function deviceLines(w: PdfWriter, lines: ReuseReportData['lines']): void {
	const doc = w.doc;
	const size = w.size;
	const lineHeight = doc.font(FONT.regular).fontSize(size).currentLineHeight(true) + 2;
	const gap = Math.round(size * 0.45);
	const left = w.left;
	const width = w.width;
	const bottom = () => doc.page.height - doc.page.margins.bottom;
	const kit = lineDrawer(doc, size);
	const color = [1, 3, 5].map((i) => (parseInt(COLOR.text.slice(i, i + 2), 16) / 255).toFixed(3)).join(' ');
	const cached = new Map<string, string>();
	const plain = (text: string) => {
		let v = cached.get(text);
		if (v === undefined) cached.set(text, (v = winAnsi(text)));
		return v;
	};
	// serials are plain ASCII but for a few: only those go through winAnsi
	const clean = (text: string) => (/^[\x20-\x7e]*$/.test(text) ? text.trim() : winAnsi(text));
	for (const l of lines) {
		const head = kit.wrap(
			FONT.bold,
			[l.serial ? clean(l.serial) : 'sans numéro de série', plain(l.device), l.year, `lot ${plain(l.lot)}`].filter(Boolean).join(' · '),
			width
		);
		const why = kit.wrap(FONT.regular, plain(l.justification), width);
		const headHeight = head.length * lineHeight;
		const whyHeight = why.length * lineHeight;
		if (doc.y + headHeight + whyHeight > bottom()) doc.addPage();
		const y = doc.y;
		let ops = `${color} rg `;
		head.forEach((t, i) => (ops += kit.ops(FONT.bold, t, left, y + i * lineHeight)));
		why.forEach((t, i) => (ops += kit.ops(FONT.regular, t, left, y + headHeight + i * lineHeight)));
		w.tag('P', () => kit.write(ops));
		doc.x = left;
		doc.y = y + headHeight + whyHeight + gap;
	}
}
