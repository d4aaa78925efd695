/**
 * A table month by month (issue 16, item 7: the line charts), pure: chosen rows of another
 * table, one line per published month of the period. Each month is read from that table's
 * own masking (masking.ts masks every month, quarter and year of the year at once), so that
 * the months shown here, the period's figure on the same page and any other period's page
 * never tell a masked count by difference.
 */
import { monthLabel } from '../../components/format.ts';
import { addDays } from '../../time.ts';
import { buildTable, type FactRow, type TableSpec, type YearFacts } from './figures.ts';
import { MASKED_CELL, parsePeriod, type Period, type SteeringCell, type SteeringTable } from './model.ts';

export interface MonthlyTable {
	table: SteeringTable;
	/** the rows' months (YYYY-MM-01), for a line chart */
	months: string[];
}

/**
 * The rows `rows` (keys of `spec`'s rows) of `spec`'s column `column`, for each published
 * month of `period`: a column per row, a line per month. No total: the period's is the other
 * table's.
 */
export function monthlyTable(
	spec: TableSpec,
	facts: YearFacts,
	period: Period,
	out: { id: string; title: string; rows: { key: string; label: string }[]; column?: number; notes?: string[] }
): MonthlyTable {
	const column = out.column ?? 0;
	const today = addDays(period.end, -1);
	const months = period.months.filter((m) => Number(m.slice(0, 4)) === facts.year && Number(m.slice(5, 7)) <= facts.published);
	const summed = collapse(spec, facts);
	const rows: SteeringCell[][] = months.map((m) => {
		const cells = buildTable(summed.spec, summed.facts, parsePeriod(m.slice(0, 7), today)!).cells;
		return [monthLabel(m), ...out.rows.map((r) => cellOf(cells.get(r.key)?.[column]))];
	});
	const kind = spec.columns[column].kind;
	return {
		table: {
			id: out.id,
			title: out.title,
			columns: [{ key: 'mois', label: 'Mois', kind: 'text' }, ...out.rows.map((r) => ({ key: r.key, label: r.label, kind }))],
			rows,
			notes: out.notes
		},
		months
	};
}

/**
 * The same table from its facts summed by row and month (one fact per row, month and
 * column's sum): buildTable masks sums, so the figures and the masks are the same, and
 * reading it once per month costs a few rows, not the year's facts each time.
 */
function collapse(spec: TableSpec, facts: YearFacts): { spec: TableSpec; facts: YearFacts } {
	const sums = new Map<string, { fact: FactRow; values: number[] }>();
	for (const f of facts.rows) {
		const key = spec.rowOf(f);
		if (key === null) continue;
		const id = `${key}|${f.month}`;
		let s = sums.get(id);
		if (!s) {
			s = { fact: { ...f, kind: key, a: id, b: '', n: 0, persons: 0, amount: 0 }, values: spec.columns.map(() => 0) };
			sums.set(id, s);
		}
		spec.columns.forEach((c, i) => (s.values[i] += c.of(f)));
	}
	return {
		// the sums' kind is their row's key: every one of them is read (not the spec's kinds of facts)
		spec: { ...spec, kinds: undefined, rowOf: (f) => f.kind, columns: spec.columns.map((c, i) => ({ ...c, of: (f: FactRow) => sums.get(f.a)!.values[i] })) },
		facts: { ...facts, rows: [...sums.values()].map((s) => s.fact) }
	};
}

const cellOf = (v: number | null | undefined): SteeringCell => (v === undefined ? 0 : v === null ? MASKED_CELL : v);
