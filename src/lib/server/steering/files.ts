/**
 * The steering tables as a workbook (XLSX, exceljs): one sheet per table, numbers as numbers
 * with their format, text neutralised against formulas (docs/decisions/0005-csv-formulas.md),
 * masked cells as « masqué ». The tables arrive already masked. (A table's CSV: exports.ts.)
 */
import ExcelJS from 'exceljs';
import { neutraliseFormula } from '../web/spreadsheet.ts';
import { MASKED } from '../stats/index.ts';
import { isMasked, type SteeringColumn, type SteeringTable } from './model.ts';

/** The column's heading with its unit (a spreadsheet's cell holds the bare number). */
export function headingWithUnit(column: SteeringColumn): string {
	const unit = ({ percent: '%', per10k: 'pour 10 000 habitants', km: 'km', days: 'jours', cents: '€' } as Record<string, string>)[column.kind];
	return unit && !column.label.includes(unit) ? `${column.label} (${unit})` : column.label;
}

const NUMBER_FORMAT: Record<string, string> = {
	count: '# ##0',
	persons: '# ##0',
	percent: '0.0 %',
	per10k: '0.0',
	km: '0.0 "km"',
	days: '0.0',
	cents: '# ##0 €',
	score: '0.0'
};

/** A sheet's name: at most 31 characters, none of []:*?/\, unique in the workbook. */
function sheetName(title: string, taken: Set<string>): string {
	const base =
		title
			.replace(/[[\]:*?/\\]/g, ' ')
			.replace(/\s+/g, ' ')
			.trim()
			.slice(0, 28) || 'Tableau';
	let name = base;
	for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base.slice(0, 27)} ${i}`;
	taken.add(name.toLowerCase());
	return name;
}

/** Several tables as one workbook, a sheet each: the title and scope on top, the headings, the rows, the total, the notes. */
export async function tablesXlsx(tables: readonly SteeringTable[], meta: { scope: string; instanceName: string }): Promise<Buffer> {
	const book = new ExcelJS.Workbook();
	book.creator = meta.instanceName;
	book.created = new Date();
	const taken = new Set<string>();
	for (const t of tables) {
		const sheet = book.addWorksheet(sheetName(t.title, taken));
		sheet.addRow([neutraliseFormula(t.title)]).font = { bold: true, size: 13 };
		sheet.addRow([neutraliseFormula(meta.scope)]);
		sheet.addRow([]);
		const head = sheet.addRow(t.columns.map((c) => neutraliseFormula(headingWithUnit(c))));
		head.font = { bold: true };
		const add = (cells: SteeringTable['rows'][number], bold = false) => {
			const row = sheet.addRow(
				t.columns.map((c, i) => {
					const v = cells[i] ?? null;
					if (isMasked(v)) return MASKED;
					if (typeof v === 'number') return c.kind === 'cents' ? v / 100 : v;
					return v === null ? null : neutraliseFormula(v);
				})
			);
			t.columns.forEach((c, i) => {
				if (NUMBER_FORMAT[c.kind]) row.getCell(i + 1).numFmt = NUMBER_FORMAT[c.kind];
			});
			if (bold) row.font = { bold: true };
		};
		for (const r of t.rows) add(r);
		if (t.total) add(t.total, true);
		if (t.notes?.length) {
			sheet.addRow([]);
			for (const n of t.notes) sheet.addRow([neutraliseFormula(n)]);
		}
		sheet.columns.forEach((col, i) => (col.width = Math.min(50, Math.max(12, (t.columns[i]?.label.length ?? 10) + 4))));
	}
	return Buffer.from(await book.xlsx.writeBuffer());
}
