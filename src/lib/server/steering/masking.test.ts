/**
 * The masking of the steering pages (docs/decisions/0018), played as an attacker would: every
 * figure shown on any page of the year (each month, each quarter as it grows, the year as it
 * grows, the total row, an area's figure) is known; the masked months are tried one value
 * after the other, and every masked count of 1 to 4 must stay undetermined within 1 to 4.
 */
import { describe, expect, it } from 'vitest';
import { MaskMemo, maskYear, periodCell, type MaskedYear, type PeriodCell } from './masking.ts';
import { attack, suppressLinkedCells, type Line } from '../stats/index.ts';

/** Every period cell a reader can open for a year published up to month K (each as of each step). */
function allPeriodCells(K: number): PeriodCell[] {
	const out: PeriodCell[] = [];
	for (let j = 1; j <= K; j++) for (const kind of ['month', 'quarter', 'year'] as const) out.push({ kind, step: j });
	return out;
}

/** The months a period cell adds up (1-based). */
function monthsOf(p: PeriodCell): number[] {
	const q0 = Math.floor((p.step - 1) / 3) * 3 + 1;
	const from = p.kind === 'month' ? p.step : p.kind === 'quarter' ? q0 : 1;
	return Array.from({ length: p.step - from + 1 }, (_, i) => from + i);
}

/**
 * What the reader can work out of each masked month: the range of values consistent with
 * every figure shown on every page (rows × one column), trying 0..max for each masked month.
 */
function readerRanges(monthly: number[][], K: number, m: MaskedYear, groups: number[][] = [], max = 15) {
	const cells = allPeriodCells(K);
	const unknown: [number, number][] = [];
	monthly.forEach((row, r) => {
		for (let j = 1; j <= K; j++) if (m.value(r, 0, { kind: 'month', step: j }) === null) unknown.push([r, j]);
	});
	if (unknown.length > 4) throw new Error(`too many masked months to try: ${unknown.length}`);
	const guess = monthly.map((row) => [...row]);
	const sum = (r: number | 'total', p: PeriodCell) =>
		monthsOf(p).reduce((s, j) => s + (r === 'total' ? guess.reduce((a, row) => a + row[j - 1], 0) : guess[r][j - 1]), 0);
	const lo = unknown.map(() => Infinity);
	const hi = unknown.map(() => -Infinity);
	const consistent = () =>
		cells.every(
			(p) =>
				monthly.every((_, r) => {
					const v = m.value(r, 0, p);
					return v === null || v === sum(r, p);
				}) &&
				(() => {
					let total: number | null;
					try {
						total = m.value('total', 0, p);
					} catch {
						return true;
					}
					return total === null || total === sum('total', p);
				})() &&
				// an area's figure is published on the area's page (true value) unless asked to be masked
				groups.every(
					(g, gi) =>
						m.groupsHidden.has(`g${gi}|0|${p.kind}|${p.step}`) ||
						g.reduce((s, r) => s + sum(r, p), 0) === g.reduce((s, r) => s + monthsOf(p).reduce((a, j) => a + monthly[r][j - 1], 0), 0)
				)
		);
	const walk = (k: number) => {
		if (k === unknown.length) {
			if (!consistent()) return;
			unknown.forEach(([r, j], i) => {
				lo[i] = Math.min(lo[i], guess[r][j - 1]);
				hi[i] = Math.max(hi[i], guess[r][j - 1]);
			});
			return;
		}
		for (let v = 0; v <= max; v++) {
			guess[unknown[k][0]][unknown[k][1] - 1] = v;
			walk(k + 1);
		}
	};
	walk(0);
	return unknown.map(([r, j], i) => ({ row: r, month: j, value: monthly[r][j - 1], min: lo[i], max: hi[i] }));
}

/** Every masked month of 1 to 4 may, for the reader, be anything from 1 to 4 at least. */
function expectProtected(ranges: ReturnType<typeof readerRanges>) {
	for (const x of ranges) if (x.value > 0 && x.value < 5) expect({ ...x, safe: x.min <= 1 && x.max >= 4 }).toMatchObject({ safe: true });
}

describe('the linked cells (one relation after another)', () => {
	it('a single masked cell of a column is protected by the next smallest, and the attacker finds 1 to 4 possible', () => {
		const values = [10, 3, 7, 20, 40]; // 4 rows, total 40
		const lines: Line[] = [{ members: [0, 1, 2, 3], total: 4 }];
		const s = suppressLinkedCells({ values, lines });
		expect(s.hidden).toEqual([false, true, true, false, false]);
		const r = attack(values, s, lines, 12);
		expect(r[1]).toEqual({ min: 0, max: 10 });
	});

	it('masks the total when the small counts are spread so that nothing else protects them', () => {
		const values = [1, 1, 1, 3];
		const lines: Line[] = [{ members: [0, 1, 2], total: 3 }];
		expect(suppressLinkedCells({ values, lines }).hidden).toEqual([true, true, true, true]);
	});

	it('never uses a figure published at an earlier step to protect a new one: the new total is masked instead', () => {
		// step 1: January 10 (shown, and the quarter so far); step 2: February 3, the quarter so far 13
		const values = [10, 10, 3, 13];
		const steps = [1, 1, 2, 2];
		const lines: Line[] = [
			{ members: [0], total: 1 },
			{ members: [0, 2], total: 3 },
			{ members: [1, 2], total: 3 }
		];
		const s = suppressLinkedCells({ values, steps, lines });
		expect(s.hidden).toEqual([false, false, true, true]);
	});

	it('reports an external total (an area on its own page) it could not protect', () => {
		const values = [3, 0, 50];
		const lines: Line[] = [{ members: [0, 1], total: null }];
		expect(suppressLinkedCells({ values, lines }).externalHidden).toEqual([0]);
	});
});

describe('a year of a steering table, every period at once', () => {
	it('a quarter minus two of its months does not give the third (month vs quarter vs year)', () => {
		// one row (rows that do not add up: a theme), January 10, February 10, March 3, April 12
		const monthly = [[10, 10, 3, 12]];
		const m = maskYear({ monthly: monthly.map((r) => r.map((v) => [v])).map((r) => [r.map((x) => x[0])]), months: 4, columns: 1, additive: false });
		expect(m.value(0, 0, { kind: 'month', step: 3 })).toBeNull();
		// the first quarter and the year so far are masked too, and January (unpublished alongside March? no: published at step 1) stays
		expect(m.value(0, 0, { kind: 'quarter', step: 3 })).toBeNull();
		expect(m.value(0, 0, { kind: 'month', step: 1 })).toBe(10);
		expectProtected(readerRanges(monthly, 4, m));
	});

	it('the period under way, month after month: this month’s year-to-date minus last month’s never tells a small month', () => {
		const monthly = [[7, 2, 6, 3]];
		const m = maskYear({ monthly: [monthly[0].map((v) => v)].map((r) => [r]), months: 4, columns: 1, additive: false });
		for (let j = 2; j <= 4; j++) {
			const before = m.value(0, 0, { kind: 'year', step: j - 1 });
			const now = m.value(0, 0, { kind: 'year', step: j });
			if (before !== null && now !== null && now - before > 0) expect(now - before).toBeGreaterThanOrEqual(5);
		}
		expectProtected(readerRanges(monthly, 4, m));
	});

	it('the cells of a table vs its total, in every period', () => {
		// three communes, a total row: commune B has 2 in February
		const monthly = [
			[8, 9, 7],
			[6, 2, 6],
			[15, 12, 20]
		];
		const m = maskYear({ monthly: monthly.map((r) => [r]), months: 3, columns: 1, additive: true });
		expect(m.value(1, 0, { kind: 'month', step: 2 })).toBeNull();
		expect(m.value('total', 0, { kind: 'month', step: 2 })).not.toBeNull();
		expectProtected(readerRanges(monthly, 3, m));
	});

	it('an area vs its communes: the area’s figure, published on its own page, never tells a masked commune', () => {
		// communes 0 and 1 form area g0; the other two are elsewhere
		const monthly = [[3], [8], [30], [40]];
		const m = maskYear({ monthly: monthly.map((r) => [r]), months: 1, columns: 1, additive: true, groups: [{ key: 'g0', rows: [0, 1] }] });
		expect(m.value(0, 0, { kind: 'month', step: 1 })).toBeNull();
		// commune 1 is masked as well (the area's sum would give commune 0 otherwise)
		expect(m.value(1, 0, { kind: 'month', step: 1 })).toBeNull();
		expectProtected(readerRanges(monthly, 1, m, [[0, 1]]));
	});

	it('an area of one commune with a small count: the area is reported, to be masked on its own page', () => {
		const m = maskYear({ monthly: [[[3]], [[30]], [[40]]], months: 1, columns: 1, additive: true, groups: [{ key: 'solo', rows: [0] }] });
		expect(m.groupsHidden.has('solo|0|month|1')).toBe(true);
		expect(m.groupsHidden.has('solo|0|year|1')).toBe(true);
	});

	it('shows everything when nothing is small', () => {
		const m = maskYear({ monthly: [[[10, 20]], [[5, 6]]], months: 2, columns: 1, additive: true });
		expect(m.value('total', 0, { kind: 'year', step: 2 })).toBe(41);
		expect(m.value(1, 0, { kind: 'quarter', step: 2 })).toBe(11);
	});

	it('reads a period from its published months', () => {
		expect(periodCell('quarter', [1, 2, 3], 2)).toEqual({ kind: 'quarter', step: 2 });
		expect(periodCell('month', [4], 3)).toBeNull();
		expect(periodCell('year', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 11)).toEqual({ kind: 'year', step: 11 });
	});
});

describe('the masks kept (MaskMemo)', () => {
	const figures = (nerac: number) => ({
		// Agen, Nérac and Marmande over two months, rows adding up to the total
		monthly: [[[8, 9]], [[nerac, 6]], [[15, 12]]],
		months: 2,
		columns: 1,
		additive: true,
		groups: [{ key: 'bassin', rows: [0, 1] }]
	});
	const read = (m: MaskedYear) => [0, 1, 2, 'total' as const].map((r) => allPeriodCells(2).map((p) => m.value(r, 0, p)));

	it('gives the masks of the same figures again without solving them, the same as solved afresh', () => {
		const memo = new MaskMemo();
		const first = maskYear(figures(2), memo);
		const again = maskYear(figures(2), memo);
		expect(memo.misses).toBe(1);
		expect(memo.hits).toBe(1);
		expect(read(again)).toEqual(read(first));
		expect(read(again)).toEqual(read(maskYear(figures(2))));
		expect([...again.groupsHidden]).toEqual([...maskYear(figures(2)).groupsHidden]);
		expect(again.value(1, 0, { kind: 'month', step: 1 })).toBeNull();
	});

	it('solves them again when a figure changes (a refresh of the facts): other figures, other masks', () => {
		const memo = new MaskMemo();
		maskYear(figures(2), memo);
		const changed = maskYear(figures(5), memo);
		expect(memo.misses).toBe(2);
		expect(memo.hits).toBe(0);
		// Nérac's 5 in January is shown now, and Agen's 8 with it
		expect(changed.value(1, 0, { kind: 'month', step: 1 })).toBe(5);
		expect(changed.value(0, 0, { kind: 'month', step: 1 })).toBe(8);
		expect(read(changed)).toEqual(read(maskYear(figures(5))));
	});

	it('tells apart what else the masks depend on: the cells forced, the total masked elsewhere, the groups', () => {
		const memo = new MaskMemo();
		const plain = maskYear(figures(7), memo);
		const forced = maskYear({ ...figures(7), forced: (r, _c, kind, step) => r === 2 && kind === 'month' && step === 2 }, memo);
		const total = maskYear({ ...figures(7), totalHidden: (_c, kind) => kind === 'month' }, memo);
		const ungrouped = maskYear({ ...figures(7), groups: [] }, memo);
		expect(memo.misses).toBe(4);
		expect(plain.value(2, 0, { kind: 'month', step: 2 })).toBe(12);
		expect(forced.value(2, 0, { kind: 'month', step: 2 })).toBeNull();
		expect(total.value('total', 0, { kind: 'month', step: 1 })).toBeNull();
		expect(ungrouped.groupsHidden.size).toBe(0);
	});

	it('drops the least recently used beyond its budget of cells', () => {
		// one table of 4 rows × 1 column × 6 period cells: 24 cells; room for two
		const memo = new MaskMemo(50);
		maskYear(figures(1), memo);
		maskYear(figures(2), memo);
		maskYear(figures(1), memo); // used again: kept
		maskYear(figures(3), memo); // the third: figures(2) goes
		expect(memo.size).toBe(2);
		maskYear(figures(1), memo);
		expect(memo.hits).toBe(2);
		maskYear(figures(2), memo);
		expect(memo.misses).toBe(4);
	});
});
