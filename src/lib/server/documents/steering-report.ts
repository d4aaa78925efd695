/**
 * « Rapport annuel — Bassin de vie de … — 2026 »: what a coordinator takes to a steering
 * committee or sends to a partner: the area's figures, section by section (offer, fragility,
 * demand, outcomes, partners, the roadmap), each with its text summary and its tables,
 * already masked and written in French by the steering capability. Plain tagged A4 like the
 * other documents (pdf.ts): headings, paragraphs, tables with their header repeated.
 */
import { PdfWriter } from './pdf.ts';
import { frenchDateTime } from './pdf-text.ts';

export interface SteeringReportTable {
	title: string;
	headers: string[];
	/** the cells as read (« 1 234 », « 12,5 % », « masqué »); the first column is the row's name */
	rows: string[][];
	notes?: string[];
	/** why the table is not printed (too wide for a page): said instead */
	omitted?: string;
}

export interface SteeringReportData {
	instanceName: string;
	/** « Rapport annuel 2026 » */
	title: string;
	/** « Bassin de vie du Marmandais (Lot-et-Garonne) » */
	scope: string;
	/** what the whole report says in a few sentences */
	summary: string[];
	sections: { heading: string; summary: string[]; tables: SteeringReportTable[] }[];
	madeAt?: Date;
}

/** Column widths: the name column wider, the figures even. */
const widths = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? 2.2 : 1));

export async function steeringReportPdf(data: SteeringReportData): Promise<Buffer> {
	const w = new PdfWriter({
		title: `${data.title} — ${data.scope}`,
		instanceName: data.instanceName,
		subject: `${data.title} · ${data.scope}`,
		footer: `${data.instanceName} · ${data.title} · ${data.scope}`,
		compact: true
	});
	w.kicker(data.instanceName);
	w.heading(data.title, 1);
	w.paragraph(data.scope, { bold: true });
	w.paragraph(
		`Établi le ${frenchDateTime(data.madeAt ?? new Date())}. Les nombres de 1 à 4 personnes, et ceux qui permettraient de les retrouver, sont masqués.`
	);
	for (const s of data.summary) w.paragraph(s);
	for (const section of data.sections) {
		w.heading(section.heading, 2);
		for (const s of section.summary) w.paragraph(s, { withNext: true });
		for (const t of section.tables) {
			w.heading(t.title, 3);
			if (t.omitted) {
				w.paragraph(t.omitted);
				continue;
			}
			if (!t.rows.length) {
				w.paragraph('Aucune donnée pour cette période.');
				continue;
			}
			const cols = widths(t.headers.length);
			w.table(
				t.headers.map((header, i) => ({ header, width: cols[i] })),
				t.rows
			);
			for (const n of t.notes ?? []) w.paragraph(n, { size: 12 });
		}
	}
	return w.finish();
}
