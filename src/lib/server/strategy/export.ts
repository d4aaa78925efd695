/**
 * The roadmap for a spreadsheet, with the page's filters: a CSV (French headers, `;`, BOM,
 * formulas neutralised by spreadsheetCell: docs/decisions/0005-csv-formulas.md) and an XLSX
 * (exceljs) whose text cells are strings (exceljs writes a formula only when given one: a
 * title « =HYPERLINK(…) » stays text), amounts as numbers in euros and due dates as dates.
 */
import ExcelJS from 'exceljs';
import { spreadsheetCell } from '../web/spreadsheet.ts';
import type { Database } from '../db/client.ts';
import type { Actor } from '../accounts/index.ts';
import { formatDate } from '../../components/format.ts';
import { parisDay } from '../../time.ts';
import { STATUS_LABELS } from './model.ts';
import { roadmap, type RoadmapRow } from './roadmap.ts';

const HEAD = [
	'Action',
	'Axe',
	'Pilote',
	'Co-partenaires',
	'Territoires',
	'Budget (€)',
	'Financements',
	'Reste à financer (€)',
	'Indicateurs suivis',
	'Échéance',
	'État',
	'Description'
];

const amount = (cents: number | null) => (cents === null ? '' : (cents / 100).toFixed(2).replace('.', ','));
const frDay = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
const target = (i: RoadmapRow['indicators'][number]) =>
	i.target === null
		? i.label
		: `${i.label}\u00a0: ${String(i.target).replace('.', ',')}${i.unit === '%' ? '\u00a0%' : ` ${i.unit}`}${i.targetDate ? ` au ${formatDate(i.targetDate)}` : ''}`;

/** One row of the file as texts (the CSV's cells, the XLSX's text columns). */
function cells(r: RoadmapRow): string[] {
	return [
		r.title,
		r.axis ?? '',
		r.pilot,
		r.partners.join(', '),
		r.areas.join(', '),
		amount(r.budgetCents),
		r.fundings.map((f) => `${f.name} (${amount(f.amountCents)} €)`).join(', '),
		amount(r.missingCents),
		r.indicators.map(target).join(' | '),
		frDay(r.dueDate),
		STATUS_LABELS[r.shownStatus],
		r.description
	];
}

export function roadmapCsv(rows: readonly RoadmapRow[]): string {
	return (
		'\ufeff' +
		[
			HEAD.join(';'),
			...rows.map((r) =>
				cells(r)
					.map((c) => spreadsheetCell(c))
					.join(';')
			)
		].join('\r\n') +
		'\r\n'
	);
}

export async function roadmapXlsx(rows: readonly RoadmapRow[], title: string): Promise<Uint8Array<ArrayBuffer>> {
	const wb = new ExcelJS.Workbook();
	wb.creator = 'maillage';
	const sheet = wb.addWorksheet('Feuille de route', { views: [{ state: 'frozen', ySplit: 1 }] });
	sheet.columns = HEAD.map((h, i) => ({ header: h, key: `c${i}`, width: [40, 24, 28, 32, 32, 12, 36, 14, 48, 12, 12, 60][i] }));
	sheet.getRow(1).font = { bold: true };
	for (const r of rows) {
		const t = cells(r);
		const row = sheet.addRow([
			t[0],
			t[1],
			t[2],
			t[3],
			t[4],
			r.budgetCents === null ? null : r.budgetCents / 100,
			t[6],
			r.missingCents === null ? null : r.missingCents / 100,
			t[8],
			new Date(`${r.dueDate}T00:00:00Z`),
			t[10],
			t[11]
		]);
		row.getCell(6).numFmt = '#,##0.00 "€"';
		row.getCell(8).numFmt = '#,##0.00 "€"';
		row.getCell(10).numFmt = 'dd/mm/yyyy';
	}
	const ind = wb.addWorksheet('Indicateurs suivis', { views: [{ state: 'frozen', ySplit: 1 }] });
	ind.columns = [
		{ header: 'Action', key: 'a', width: 40 },
		{ header: 'Indicateur', key: 'i', width: 60 },
		{ header: 'Unité', key: 'u', width: 24 },
		{ header: 'Cible', key: 't', width: 10 },
		{ header: 'Date de la cible', key: 'd', width: 14 },
		{ header: 'Clé', key: 'k', width: 28 }
	];
	ind.getRow(1).font = { bold: true };
	for (const r of rows)
		for (const i of r.indicators) {
			const row = ind.addRow([r.title, i.label, i.unit, i.target, i.targetDate ? new Date(`${i.targetDate}T00:00:00Z`) : null, i.key]);
			row.getCell(5).numFmt = 'dd/mm/yyyy';
		}
	wb.title = title;
	const buffer = await wb.xlsx.writeBuffer();
	return new Uint8Array(buffer as ArrayBuffer);
}

/** The roadmap's file for the actor, with the page's filters: its bytes, type and name. */
export async function roadmapFile(database: Database, actor: Actor, params: URLSearchParams, format: 'csv' | 'xlsx') {
	const r = await roadmap(database, actor, params);
	const name = `feuille-de-route-${r.departmentCode}-${parisDay()}${r.filtered ? '-filtree' : ''}.${format}`;
	if (format === 'csv') return { body: roadmapCsv(r.actions), type: 'text/csv; charset=utf-8', name };
	return {
		body: await roadmapXlsx(r.actions, `Feuille de route ${r.departmentCode}`),
		type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
		name
	};
}
