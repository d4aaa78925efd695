import { describe, expect, it } from 'vitest';
import { MASKED, protectedBy, recomputable, shownColumn, shownNestedColumns, suppressSmallCounts } from './small-counts.ts';

/** What the attacker reads: the page's strings, back to numbers (null when masked). */
const read = (s: string): number | null => (s === MASKED ? null : Number(s.replace(/\D/g, '')));

describe('small counts: primary and secondary suppression', () => {
	it('shows 0 and counts from 5, masks 1 to 4', () => {
		expect(suppressSmallCounts([0, 12, 7]).hidden).toEqual([false, false, false]);
		expect(shownColumn([0, 12, 7])).toEqual({ cells: ['0', '12', '7'], total: '19' });
	});

	it('masks the next smallest count when one cell alone is masked (the total would give it back)', () => {
		// the attack found: 3 masked, 10 and 8 shown, total 21 → 21 − 10 − 8 = 3
		const c = shownColumn([10, 3, 8]);
		expect(c.cells).toEqual(['10', MASKED, MASKED]);
		expect(c.total).toBe('21');
	});

	it('keeps masking while the difference still tells the masked cells (1 + 1 = 2 → both 1)', () => {
		expect(suppressSmallCounts([1, 1, 9, 6]).hidden).toEqual([true, true, false, true]);
		expect(suppressSmallCounts([2, 2, 40]).hidden).toEqual([true, true, true]);
		expect(suppressSmallCounts([1, 4, 30]).hidden).toEqual([true, true, false]);
	});

	it('masks the total when no shown count is left to mask', () => {
		expect(suppressSmallCounts([3])).toEqual({ hidden: [true], totalHidden: true });
		expect(suppressSmallCounts([1, 1, 1, 1, 1, 1, 1])).toEqual({ hidden: Array(7).fill(true), totalHidden: true });
		expect(shownColumn([0, 2, 0]).total).toBe(MASKED);
	});

	it('a single masked cell is never protected; two are when their sum leaves 1 to 4 open', () => {
		expect(protectedBy([])).toBe(true);
		expect(protectedBy([4])).toBe(false);
		expect(protectedBy([1, 4])).toBe(true);
		expect(protectedBy([2, 2])).toBe(false);
	});

	it('the attack: from the shown cells and the total, no small count can be recomputed (every value 1 to 4 stays possible)', () => {
		// a deterministic pseudo-random generator: many columns, small and large counts mixed
		let seed = 12345;
		const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		for (let t = 0; t < 5000; t++) {
			const n = 1 + Math.floor(rand() * 8);
			const values = Array.from({ length: n }, () => (rand() < 0.5 ? Math.floor(rand() * 5) : Math.floor(rand() * 40)));
			const c = shownColumn(values);
			const shown = c.cells.map(read);
			const total = read(c.total);
			// nothing shown is false
			shown.forEach((v, i) => v !== null && expect(v).toBe(values[i]));
			if (total !== null) expect(total).toBe(values.reduce((a, b) => a + b, 0));
			recomputable(shown, total).forEach((range, i) => {
				if (!range) return;
				const small = values[i] > 0 && values[i] < 5;
				if (small) {
					// the attacker cannot narrow a small count: 1, 2, 3 and 4 all remain possible
					expect(range.min, `column ${values}`).toBeLessThanOrEqual(1);
					expect(range.max, `column ${values}`).toBeGreaterThanOrEqual(4);
				}
			});
		}
	});

	it('the attack on the old rule: a lone « moins de 5 » came back by difference', () => {
		// the previous page masked only the small cell: 21 − 10 − 8 gives it
		expect(recomputable([10, null, 8], 21)[1]).toEqual({ min: 3, max: 3 });
		// with the rule, two cells are masked and the difference (11) leaves each from 1 to 10
		const c = shownColumn([10, 3, 8]);
		expect(recomputable(c.cells.map(read), read(c.total))[1]).toEqual({ min: 1, max: 10 });
	});
});

describe('two nested columns (the last 12 months within all time)', () => {
	it('masks the part when all time minus it would give a small count of older ones', () => {
		// sent: 6 in the last 12 months, 7 in all: 7 − 6 = 1 sent before; accepted: 20 and 20
		const c = shownNestedColumns([6, 20, 9], [7, 20, 30]);
		// masked by row, in both columns: a shown whole beside a masked part bounds it
		expect(c.part.cells[0]).toBe(MASKED);
		expect(c.whole.cells[0]).toBe(MASKED);
		// the part's column is protected again: a lone masked cell would come back from its total
		expect(c.part.cells.filter((x) => x === MASKED).length).toBeGreaterThanOrEqual(2);
	});

	it('the attack found on the partner page: a shown part is a lower bound of its masked whole', () => {
		// sent 5 / ?, accepted 0 / 5, declined 0 / ?, totals 5 / 11: sent ≥ 5 and sent + declined
		// = 6 gave declined = 1 (one person declined more than 12 months ago)
		const c = shownNestedColumns([5, 0, 0], [5, 5, 1]);
		for (let i = 0; i < 3; i++) expect(c.part.cells[i] === MASKED, `row ${i} masked in both columns or neither`).toBe(c.whole.cells[i] === MASKED);
		expect(c.whole.cells[2]).toBe(MASKED);
		expect(c.whole.total === MASKED || c.whole.cells.filter((x) => x === MASKED).length >= 2).toBe(true);
	});

	it('exhaustively, 3 rows with counts up to 8: no masked count nor older count is told by what is shown', () => {
		// every display an attacker can see, with every input that gives it: a masked cell (or a
		// row's difference) that is small and the same in all of them is a leak
		const D = 8;
		const pairs: [number, number][] = [];
		for (let w = 0; w <= D; w++) for (let p = 0; p <= w; p++) pairs.push([p, w]);
		const seen = new Map<string, [number, number][][]>();
		for (const a of pairs)
			for (const b of pairs)
				for (const c of pairs) {
					const rows = [a, b, c];
					const key = JSON.stringify(
						shownNestedColumns(
							rows.map((r) => r[0]),
							rows.map((r) => r[1])
						)
					);
					(seen.get(key) ?? seen.set(key, []).get(key)!).push(rows);
				}
		const leaks: string[] = [];
		for (const [key, inputs] of seen) {
			// at the domain's edge the attacker learns from the bound D itself, not from the page
			if (inputs.some((rows) => rows.some(([, w]) => w === D))) continue;
			const shown = JSON.parse(key) as ReturnType<typeof shownNestedColumns>;
			for (let i = 0; i < 3; i++) {
				const told = (f: (r: [number, number]) => number) => {
					const values = new Set(inputs.map((rows) => f(rows[i])));
					const [v] = values;
					return values.size === 1 && v > 0 && v < 5;
				};
				if (shown.part.cells[i] === MASKED && told((r) => r[0])) leaks.push(`part ${i} ${key}`);
				if (shown.whole.cells[i] === MASKED && told((r) => r[1])) leaks.push(`whole ${i} ${key}`);
				if ((shown.part.cells[i] === MASKED || shown.whole.cells[i] === MASKED) && told((r) => r[1] - r[0])) leaks.push(`before ${i} ${key}`);
			}
		}
		expect(leaks.slice(0, 5)).toEqual([]);
	});

	it('the attack: no small count in either column, nor in their difference, can be recomputed', () => {
		let seed = 777;
		const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		for (let t = 0; t < 3000; t++) {
			const n = 1 + Math.floor(rand() * 8);
			const whole = Array.from({ length: n }, () => (rand() < 0.5 ? Math.floor(rand() * 6) : Math.floor(rand() * 40)));
			const part = whole.map((w) => Math.floor(rand() * (w + 1)));
			const c = shownNestedColumns(part, whole);
			const p = c.part.cells.map(read);
			const w = c.whole.cells.map(read);
			for (const [col, raw] of [
				[c.part, part],
				[c.whole, whole]
			] as const) {
				recomputable(col.cells.map(read), read(col.total)).forEach((range, i) => {
					if (!range || raw[i] === 0 || raw[i] >= 5) return;
					expect(range.min).toBeLessThanOrEqual(1);
					expect(range.max).toBeGreaterThanOrEqual(4);
				});
			}
			// a row's difference from two shown counts is never from 1 to 4; nor the totals'
			p.forEach((v, i) => {
				if (v !== null && w[i] !== null) expect(w[i]! - v === 0 || w[i]! - v >= 5, `${part} / ${whole}`).toBe(true);
			});
			const pt = read(c.part.total);
			const wt = read(c.whole.total);
			if (pt !== null && wt !== null) expect(wt - pt === 0 || wt - pt >= 5).toBe(true);
		}
	});
});
