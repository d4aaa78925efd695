/**
 * The table month by month (monthly.ts), pure: each month read from the other table's own
 * masking, so that with the period's figure shown beside it no masked month can be told.
 */
import { describe, expect, it } from 'vitest';
import { buildTable, type FactRow, type TableSpec, type YearFacts } from './figures.ts';
import { MASKED_CELL, parsePeriod } from './model.ts';
import { monthlyTable } from './monthly.ts';

const TODAY = '2026-12-07';
const fact = (month: number, kind: string, n: number): FactRow => ({
	month: `2026-${String(month).padStart(2, '0')}-01`,
	m: month - 1,
	kind,
	commune: '47001',
	org: '',
	a: '',
	b: '',
	n,
	persons: n,
	amount: 0
});
const spec: TableSpec = {
	id: 'entonnoir',
	title: 'Parcours',
	rowHeading: 'Étape',
	rows: [
		{ key: 'sent', label: 'Envoyées' },
		{ key: 'honoured', label: 'Honorées' }
	],
	rowOf: (f) => f.kind,
	columns: [{ key: 'n', label: 'Orientations', kind: 'persons', of: (f) => f.n }],
	additive: false
};
const out = {
	id: 'mois',
	title: 'Par mois',
	rows: [
		{ key: 'sent', label: 'Envoyées' },
		{ key: 'honoured', label: 'Honorées' }
	]
};

describe('a table month by month', () => {
	// sent: 10 in January, 3 in February (masked), 12 in March; honoured: 6, 0, 7
	const facts: YearFacts = {
		year: 2026,
		published: 11,
		rows: [fact(1, 'sent', 10), fact(2, 'sent', 3), fact(3, 'sent', 12), fact(1, 'honoured', 6), fact(3, 'honoured', 7)]
	};

	it('a line per published month of the period, a column per row; a small month masked, and what would tell it', () => {
		const q1 = parsePeriod('2026-T1', TODAY)!;
		const { table, months } = monthlyTable(spec, facts, q1, out);
		expect(months).toEqual(['2026-01-01', '2026-02-01', '2026-03-01']);
		expect(table.columns.map((c) => c.label)).toEqual(['Mois', 'Envoyées', 'Honorées']);
		expect(table.rows.map((r) => r[0])).toEqual(['janvier 2026', 'février 2026', 'mars 2026']);
		expect(table.rows.map((r) => r[2])).toEqual([6, 0, 7]);
		expect(table.rows[1][1]).toEqual(MASKED_CELL);
		// the quarter's figure, on the same page: with it, a single masked month would be a difference
		const quarter = buildTable(spec, facts, q1).table.rows[0][1];
		const masked = table.rows.filter((r) => r[1] === MASKED_CELL).length;
		expect(masked >= 2 || quarter === MASKED_CELL).toBe(true);
		// each month as the other table's page of that month shows it
		months.forEach((m, i) => {
			const page = buildTable(spec, facts, parsePeriod(m.slice(0, 7), TODAY)!).table.rows;
			expect(table.rows[i].slice(1)).toEqual(page.map((r) => r[1]));
		});
	});

	it('the year: only the published months; none published, no line', () => {
		const year = parsePeriod('2026', TODAY)!;
		expect(monthlyTable(spec, { ...facts, published: 2 }, year, out).months).toEqual(['2026-01-01', '2026-02-01']);
		expect(monthlyTable(spec, { ...facts, published: 0 }, year, out).table.rows).toEqual([]);
	});
});
