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
import { createHash } from 'node:crypto';
import { suppressFlat } from '../stats/index.ts';

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

/** What solving a year's masks gives, kept by `MaskMemo`: the masked cells and the groups to mask where published. */
interface Solved {
	hidden: Uint8Array;
	groupsHidden: Set<string>;
}

/**
 * Masks already solved, keyed by everything they are computed from (a digest of every
 * figure of the year, the cells forced and fixed, the groups): a pure function kept, so
 * that a page asked again, another period of the same year, or the level above (which
 * masks the communes' table first) does not solve them again. The same figures give the
 * same masks whatever the page, the process or the moment; figures that change (a refresh
 * of the facts) give another key, so nothing kept can be stale. The least recently used
 * are dropped beyond `budget` cells (one byte each).
 */
export class MaskMemo {
	#kept = new Map<string, Solved>();
	#cells = 0;
	hits = 0;
	misses = 0;
	constructor(readonly budget = 16_000_000) {}
	get(key: string): Solved | undefined {
		const s = this.#kept.get(key);
		if (!s) return undefined;
		// the most recently used last
		this.#kept.delete(key);
		this.#kept.set(key, s);
		return s;
	}
	set(key: string, s: Solved): void {
		if (this.#kept.has(key)) return;
		this.#kept.set(key, s);
		this.#cells += s.hidden.length;
		for (const [k, old] of this.#kept) {
			if (this.#cells <= this.budget || k === key) break;
			this.#kept.delete(k);
			this.#cells -= old.hidden.length;
		}
	}
	get size(): number {
		return this.#kept.size;
	}
	clear(): void {
		this.#kept.clear();
		this.#cells = 0;
	}
}

const KINDS = ['month', 'quarter', 'year'] as const;

/**
 * The lines of one row and column of a year, as period indices t (month j: j − 1, quarter so
 * far at j: K + j − 1, year so far at j: 2K + j − 1), in the order they are checked.
 */
function yearTemplate(K: number): { start: number[]; members: number[]; total: number[] } {
	const start: number[] = [];
	const members: number[] = [];
	const total: number[] = [];
	const M = (j: number) => j - 1;
	const Q = (j: number) => K + j - 1;
	const Y = (j: number) => 2 * K + j - 1;
	const line = (ms: number[], t: number) => {
		start.push(members.length);
		members.push(...ms);
		total.push(t);
	};
	for (let j = 1; j <= K; j++) {
		const q0 = quarterStart(j);
		// the quarter so far is its months; and the same quarter a month earlier plus this month
		line(
			Array.from({ length: j - q0 + 1 }, (_, i) => M(q0 + i)),
			Q(j)
		);
		if (j > q0) line([Q(j - 1), M(j)], Q(j));
		// the year so far is its months, its quarters (the last one so far), and last month's year plus this month
		line(
			Array.from({ length: j }, (_, i) => M(i + 1)),
			Y(j)
		);
		const quarters: number[] = [];
		for (let e = 3; e < q0; e += 3) quarters.push(Q(e));
		quarters.push(Q(j));
		line(quarters, Y(j));
		if (j > 1) line([Y(j - 1), M(j)], Y(j));
	}
	start.push(members.length);
	return { start, members, total };
}

export function maskYear(f: YearFigures, memo?: MaskMemo): MaskedYear {
	const K = f.months;
	const own = f.monthly.length;
	const R = own + (f.additive ? 1 : 0);
	const C = f.columns;
	const T = 3 * K; // period cells per row and column
	const n = R * C * T;
	const tIndex = (kind: 'month' | 'quarter' | 'year', step: number) => (kind === 'month' ? 0 : kind === 'quarter' ? K : 2 * K) + step - 1;
	const cell = (r: number, c: number, t: number) => (r * C + c) * T + t;
	const values = new Float64Array(n);
	const steps = new Int32Array(n);
	for (let r = 0; r < R; r++)
		for (let c = 0; c < C; c++) {
			let year = 0;
			let quarter = 0;
			const base = cell(r, c, 0);
			for (let j = 1; j <= K; j++) {
				let m = 0;
				if (r < own) m = f.monthly[r][c]?.[j - 1] ?? 0;
				else for (let x = 0; x < own; x++) m += f.monthly[x][c]?.[j - 1] ?? 0;
				if (j === quarterStart(j)) quarter = 0;
				quarter += m;
				year += m;
				values[base + j - 1] = m;
				values[base + K + j - 1] = quarter;
				values[base + 2 * K + j - 1] = year;
				steps[base + j - 1] = steps[base + K + j - 1] = steps[base + 2 * K + j - 1] = j;
			}
		}
	const isTotal = (r: number) => f.additive && r === R - 1;
	const forced = new Uint8Array(n);
	const fixed = f.totalHidden ? new Uint8Array(n) : undefined;
	for (let r = 0; r < R; r++)
		for (let c = 0; c < C; c++)
			for (let t = 0; t < T; t++) {
				const kind = KINDS[Math.floor(t / K)];
				const step = (t % K) + 1;
				const i = cell(r, c, t);
				if (isTotal(r) && f.totalHidden) {
					forced[i] = f.totalHidden(c, kind, step) ? 1 : 0;
					fixed![i] = forced[i] ? 0 : 1;
				} else forced[i] = f.forced?.(r < own ? r : -1, c, kind, step) ? 1 : 0;
			}
	const groups = (f.groups ?? []).map((g) => ({ key: g.key, rows: g.rows }));
	let key: string | undefined;
	if (memo) {
		const h = createHash('sha256');
		h.update(JSON.stringify({ R, C, K, additive: f.additive, fixed: !!fixed, groups }));
		h.update(new Uint8Array(values.buffer));
		h.update(forced);
		if (fixed) h.update(fixed);
		key = h.digest('base64');
	}
	let solved = key ? memo!.get(key) : undefined;
	if (memo && solved) memo.hits++;
	else if (memo) memo.misses++;
	if (!solved) {
		// the lines, flat: per row and column the year's template; then the columns' totals; then the groups
		const tpl = yearTemplate(K);
		const perCell = tpl.total.length;
		const perMembers = tpl.members.length;
		const G = groups.reduce((a, g) => a + g.rows.length, 0);
		const L = R * C * perCell + (f.additive ? C * T : 0) + groups.length * C * T;
		const size = R * C * perMembers + (f.additive ? C * T * (R - 1) : 0) + G * C * T;
		const lines = { start: new Int32Array(L + 1), members: new Int32Array(size), total: new Int32Array(L) };
		let li = 0;
		let at = 0;
		for (let r = 0; r < R; r++)
			for (let c = 0; c < C; c++) {
				const base = cell(r, c, 0);
				for (let k = 0; k < perCell; k++) {
					lines.start[li] = at;
					for (let x = tpl.start[k]; x < tpl.start[k + 1]; x++) lines.members[at++] = base + tpl.members[x];
					lines.total[li++] = base + tpl.total[k];
				}
			}
		// the rows of a column add up to the total row, in every period cell
		if (f.additive)
			for (let c = 0; c < C; c++)
				for (let t = 0; t < T; t++) {
					lines.start[li] = at;
					for (let r = 0; r < R - 1; r++) lines.members[at++] = cell(r, c, t);
					lines.total[li++] = cell(R - 1, c, t);
				}
		const groupLines: { key: string; li: number }[] = [];
		for (const g of groups)
			for (let c = 0; c < C; c++)
				for (let t = 0; t < T; t++) {
					groupLines.push({ key: `${g.key}|${c}|${KINDS[Math.floor(t / K)]}|${(t % K) + 1}`, li });
					lines.start[li] = at;
					for (const r of g.rows) lines.members[at++] = cell(r, c, t);
					lines.total[li++] = -1;
				}
		lines.start[li] = at;
		const s = suppressFlat({ values, steps, lines, forced, fixed });
		const external = new Set(s.externalHidden);
		solved = { hidden: s.hidden, groupsHidden: new Set(groupLines.filter((g) => external.has(g.li)).map((g) => g.key)) };
		if (memo && key) memo.set(key, solved);
	}
	const { hidden, groupsHidden } = solved;
	return {
		value(row, column, p) {
			if (p.step > K) throw new Error('maskYear: a period not published');
			const r = row === 'total' ? R - 1 : row;
			if (row === 'total' && !f.additive) throw new Error('maskYear: no total row for rows that do not add up');
			const i = cell(r, column, tIndex(p.kind, p.step));
			return hidden[i] ? null : values[i];
		},
		groupsHidden
	};
}

/**
 * The figures of a whole (the département, or a partner's scope) per column, masked once
 * for every table that shows them as its total: only the periods relate them.
 */
export function totalsOf(
	monthlyTotals: number[][],
	months: number,
	memo?: MaskMemo
): (column: number, kind: 'month' | 'quarter' | 'year', step: number) => boolean {
	const m = maskYear({ monthly: [monthlyTotals], months, columns: monthlyTotals.length, additive: false }, memo);
	return (column, kind, step) => m.value(0, column, { kind, step }) === null;
}
