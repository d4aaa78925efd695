/**
 * The steering pages' masking (issue 16, item 8; docs/decisions/0018), pure: one table's
 * figures for every published month of a calendar year, masked at once for every period a
 * reader may ask (each month, each quarter as it grows month by month, the year as it
 * grows), so that a quarter minus two of its months, a year minus its quarters, this
 * month's page minus last month's, or an area minus its communes never tells a count of
 * 1 to 4. The relations are the lines of ../stats (suppressLinkedCells).
 *
 * Cells: for each row (and the total row when the rows add up), each column, and each step
 * j (the j-th month of the year, published at step j): the month, the quarter so far (its
 * months up to j) and the year so far (its months up to j).
 */
import { suppressLinkedCells, type Line } from '../stats/index.ts';

export interface YearFigures {
	/** rows × columns × months (index 0 = January); only the published months (K of them, from January) */
	monthly: number[][][];
	/** the number of published months of the year (1 to 12) */
	months: number;
	columns: number;
	/** the rows add up to a published total (a partition): the total row is a cell too */
	additive: boolean;
	/** sets of rows whose sum is published on another page (an area's communes): protected here, reported when they cannot be */
	groups?: { key: string; rows: number[] }[];
	/** cells to mask whatever their value: (row, column, month index of the period's end, period kind) */
	forced?: (row: number, column: number, kind: 'month' | 'quarter' | 'year', step: number) => boolean;
	/**
	 * The total row as masked once for every table of the same figures (`totalsOf`): masked
	 * where it says, shown and never used to protect anything elsewhere. Without it, the
	 * total row is masked like any other row.
	 */
	totalHidden?: (column: number, kind: 'month' | 'quarter' | 'year', step: number) => boolean;
}

export type PeriodCell = { kind: 'month' | 'quarter' | 'year'; step: number };

export interface MaskedYear {
	/** the figure of a row (or `'total'`) and a column for a period cell; null: masked */
	value(row: number | 'total', column: number, p: PeriodCell): number | null;
	/** `${groupKey}|${column}|${kind}|${step}` of the groups whose sum must be masked where it is published */
	groupsHidden: Set<string>;
}

const quarterStart = (j: number) => Math.floor((j - 1) / 3) * 3 + 1;

/** The period cell a steering period is read from, given its months (1–12) and how many are published. */
export function periodCell(kind: 'month' | 'quarter' | 'year', months: number[], published: number): PeriodCell | null {
	const shown = months.filter((m) => m <= published);
	if (!shown.length) return null;
	return { kind, step: kind === 'year' ? published : shown[shown.length - 1] };
}

export function maskYear(f: YearFigures): MaskedYear {
	const K = f.months;
	const R = f.monthly.length + (f.additive ? 1 : 0);
	const C = f.columns;
	const T = 3 * K; // period cells per row and column
	const tIndex = (kind: 'month' | 'quarter' | 'year', step: number) => (kind === 'month' ? 0 : kind === 'quarter' ? K : 2 * K) + step - 1;
	const cell = (r: number, c: number, t: number) => (r * C + c) * T + t;
	const values = new Array<number>(R * C * T).fill(0);
	const steps = new Array<number>(R * C * T).fill(1);
	const month = (r: number, c: number, j: number) =>
		r < f.monthly.length ? (f.monthly[r][c]?.[j - 1] ?? 0) : f.monthly.reduce((s, row) => s + (row[c]?.[j - 1] ?? 0), 0);
	const lines: Line[] = [];
	for (let r = 0; r < R; r++)
		for (let c = 0; c < C; c++) {
			let year = 0;
			let quarter = 0;
			for (let j = 1; j <= K; j++) {
				const m = month(r, c, j);
				if (j === quarterStart(j)) quarter = 0;
				quarter += m;
				year += m;
				for (const [kind, v] of [
					['month', m],
					['quarter', quarter],
					['year', year]
				] as const) {
					values[cell(r, c, tIndex(kind, j))] = v;
					steps[cell(r, c, tIndex(kind, j))] = j;
				}
				const M = cell(r, c, tIndex('month', j));
				const Q = cell(r, c, tIndex('quarter', j));
				const Y = cell(r, c, tIndex('year', j));
				const q0 = quarterStart(j);
				// the quarter so far is its months; and the same quarter a month earlier plus this month
				lines.push({ members: Array.from({ length: j - q0 + 1 }, (_, i) => cell(r, c, tIndex('month', q0 + i))), total: Q });
				if (j > q0) lines.push({ members: [cell(r, c, tIndex('quarter', j - 1)), M], total: Q });
				// the year so far is its months, its quarters (the last one so far), and last month's year plus this month
				lines.push({ members: Array.from({ length: j }, (_, i) => cell(r, c, tIndex('month', i + 1))), total: Y });
				const quarters: number[] = [];
				for (let e = 3; e < q0; e += 3) quarters.push(cell(r, c, tIndex('quarter', e)));
				quarters.push(Q);
				lines.push({ members: quarters, total: Y });
				if (j > 1) lines.push({ members: [cell(r, c, tIndex('year', j - 1)), M], total: Y });
			}
		}
	// the rows of a column add up to the total row, in every period cell
	if (f.additive)
		for (let c = 0; c < C; c++)
			for (let t = 0; t < T; t++) lines.push({ members: Array.from({ length: R - 1 }, (_, r) => cell(r, c, t)), total: cell(R - 1, c, t) });
	const groupLines: { key: string; li: number }[] = [];
	for (const g of f.groups ?? [])
		for (let c = 0; c < C; c++)
			for (let t = 0; t < T; t++) {
				const kind = t < K ? 'month' : t < 2 * K ? 'quarter' : 'year';
				groupLines.push({ key: `${g.key}|${c}|${kind}|${(t % K) + 1}`, li: lines.length });
				lines.push({ members: g.rows.map((r) => cell(r, c, t)), total: null });
			}
	const where = (i: number) => {
		const t = i % T;
		const rc = (i - t) / T;
		const c = rc % C;
		const r = (rc - c) / C;
		return { r, c, kind: (t < K ? 'month' : t < 2 * K ? 'quarter' : 'year') as 'month' | 'quarter' | 'year', step: (t % K) + 1 };
	};
	const isTotal = (r: number) => f.additive && r === R - 1;
	const forced = values.map((_, i) => {
		const x = where(i);
		if (isTotal(x.r) && f.totalHidden) return f.totalHidden(x.c, x.kind, x.step);
		return f.forced ? f.forced(x.r < f.monthly.length ? x.r : -1, x.c, x.kind, x.step) : false;
	});
	const fixed = f.totalHidden
		? values.map((_, i) => {
				const x = where(i);
				return isTotal(x.r) && !forced[i];
			})
		: undefined;
	const s = suppressLinkedCells({ values, steps, lines, forced, fixed });
	const external = new Set(s.externalHidden);
	return {
		value(row, column, p) {
			if (p.step > K) throw new Error('maskYear: a period not published');
			const r = row === 'total' ? R - 1 : row;
			if (row === 'total' && !f.additive) throw new Error('maskYear: no total row for rows that do not add up');
			const i = cell(r, column, tIndex(p.kind, p.step));
			return s.hidden[i] ? null : values[i];
		},
		groupsHidden: new Set(groupLines.filter((g) => external.has(g.li)).map((g) => g.key))
	};
}

/**
 * The figures of a whole (the département, or a partner's scope) per column, masked once
 * for every table that shows them as its total: only the periods relate them.
 */
export function totalsOf(monthlyTotals: number[][], months: number): (column: number, kind: 'month' | 'quarter' | 'year', step: number) => boolean {
	const m = maskYear({ monthly: [monthlyTotals], months, columns: monthlyTotals.length, additive: false });
	return (column, kind, step) => m.value(0, column, { kind, step }) === null;
}
