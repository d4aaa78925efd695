import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { steeringReportPdf } from '../documents/index.ts';
import { MASKED_CELL, type SteeringTable } from './model.ts';
import { cellText } from '../../components/steering-cells.ts';
import { tablesXlsx } from './files.ts';

const table: SteeringTable = {
	id: 'offre-services',
	title: 'Lieux pour 10 000 habitants, par service',
	columns: [
		{ key: 'unit', label: 'Intercommunalité', kind: 'text' },
		{ key: 'places', label: 'Lieux', kind: 'count' },
		{ key: 'rate', label: 'Lieux pour 10 000 habitants', kind: 'per10k' },
		{ key: 'share', label: 'Part à jour', kind: 'percent' },
		{ key: 'persons', label: 'Personnes orientées', kind: 'persons' },
		{ key: 'paid', label: 'Payé par le fonds', kind: 'cents' }
	],
	rows: [
		['=HYPERLINK("http://x")', 12, 3.456, 0.125, MASKED_CELL, 120000],
		['Albret Communauté', 1234, 10, 1, 27, null]
	],
	total: ['Total', 1246, 4.2, 0.5, 31, 120000],
	notes: ['Distances à vol d’oiseau.']
};

describe('the steering tables as files', () => {
	it('as a workbook: a sheet per table, numbers as numbers, text neutralised', async () => {
		const book = new ExcelJS.Workbook();
		await book.xlsx.load(
			(await tablesXlsx([table, { ...table, id: 'b' }], { scope: 'Lot-et-Garonne, 2026', instanceName: 'maillage 47' })) as unknown as ArrayBuffer
		);
		expect(book.worksheets.map((s) => s.name)).toEqual(['Lieux pour 10 000 habitants,', 'Lieux pour 10 000 habitants 2']);
		const s = book.worksheets[0];
		expect(s.getRow(5).values).toEqual([undefined, `'=HYPERLINK("http://x")`, 12, 3.456, 0.125, 'masqué', 1200]);
		expect(s.getRow(7).getCell(2).value).toBe(1246);
		expect(s.getRow(9).getCell(1).value).toBe('Distances à vol d’oiseau.');
	});

	it('as the annual report: a PDF whose text has the scope, the headings and the cells', async () => {
		const pdf = await steeringReportPdf({
			instanceName: 'maillage 47',
			title: 'Rapport annuel 2026',
			scope: 'Bassin de vie du Marmandais (Lot-et-Garonne)',
			summary: ['12 lieux, 3 communes sans lieu à moins de 15 km.'],
			sections: [
				{
					heading: 'Offre',
					summary: ['Plus de lieux qu’en 2025.'],
					tables: [
						{
							title: table.title,
							headers: table.columns.map((c) => c.label),
							rows: table.rows.map((r) => table.columns.map((c, i) => cellText(r[i], c.kind) ?? '—'))
						}
					]
				}
			]
		});
		expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
		let text: string;
		try {
			const dir = mkdtempSync(join(tmpdir(), 'steering-pdf-'));
			writeFileSync(join(dir, 'r.pdf'), pdf);
			text = execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
			rmSync(dir, { recursive: true, force: true });
		} catch {
			return; // poppler absent: the PDF was made, its text is not read here
		}
		expect(text).toContain('Bassin de vie du Marmandais (Lot-et-Garonne)');
		expect(text).toContain('Albret Communauté');
		expect(text).toContain('masqué');
	});
});
