/**
 * Small counts on aggregate pages (DOMAIN.md, steering: counts under 5 persons are never
 * shown). One rule for every page that shows counts to someone who must not read personal
 * data (a partner, a funder):
 *
 * 1. primary suppression: a count from 1 to 4 is masked (0 is shown: nothing to hide);
 * 2. secondary (complementary) suppression: a column whose total is known (shown beside it,
 *    or elsewhere) gives the sum of its masked cells by difference. So masked cells are
 *    added, smallest shown count first, until that sum no longer tells any masked cell:
 *    each masked cell is at least 1, so a masked cell lies between 1 and
 *    `sum − (masked − 1)`; the column is safe when that upper bound reaches 4, i.e. the
 *    difference is compatible with every value from 1 to 4 in every masked cell. A single
 *    masked cell is never safe (it equals the difference);
 * 3. when no shown count is left to mask and the column is still not safe (a few counts
 *    spread over many rows, or a small total), the total is masked too.
 *
 * Masked cells all read the same (« masqué »), whatever the reason, so that nobody can tell
 * a small count from a count masked to protect it.
 */

/** Counts under this (and above 0) are never shown. */
export const SMALL_COUNT = 5;

/** What a masked count reads on the pages and in the CSV files. */
export const MASKED = 'masqué';

export interface Suppression {
	/** for each count, whether it is masked */
	hidden: boolean[];
	/** whether the total must be masked too (small, or the only way to protect the cells) */
	totalHidden: boolean;
}

/** Whether masked cells of these values, with the total known, keep every one of them from 1 to threshold − 1 possible. */
export function protectedBy(hiddenValues: readonly number[], threshold = SMALL_COUNT): boolean {
	const k = hiddenValues.length;
	if (!k) return true;
	if (k === 1) return false;
	const sum = hiddenValues.reduce((a, b) => a + b, 0);
	return sum - (k - 1) >= threshold - 1;
}

/**
 * Which of `values` (one column of counts that add up to a total) are masked, and whether the
 * total is: the rule above. Pure; the caller shows `MASKED` for the masked ones.
 * `alsoHidden`: cells masked for another reason (see `shownNestedColumns`), protected alike.
 */
export function suppressSmallCounts(values: readonly number[], threshold = SMALL_COUNT, alsoHidden: readonly boolean[] = []): Suppression {
	const hidden = values.map((v, i) => (v > 0 && v < threshold) || !!alsoHidden[i]);
	const total = values.reduce((a, b) => a + b, 0);
	const masked = () => values.filter((_, i) => hidden[i]);
	while (!protectedBy(masked(), threshold)) {
		// the smallest count still shown (not 0: a 0 says nothing about the others); the first one on a tie
		let next = -1;
		values.forEach((v, i) => {
			if (!hidden[i] && v > 0 && (next < 0 || v < values[next])) next = i;
		});
		if (next < 0) return { hidden, totalHidden: true };
		hidden[next] = true;
	}
	return { hidden, totalHidden: total > 0 && total < threshold };
}

/** The count as shown: `MASKED` when masked, else the number in French ("1 234"). */
export function shownCount(n: number, hidden: boolean): string {
	return hidden ? MASKED : new Intl.NumberFormat('fr-FR').format(n);
}

/**
 * A column as shown: its cells and its total, each a French number or `MASKED`
 * (`suppressSmallCounts` applied).
 */
export function shownColumn(values: readonly number[], threshold = SMALL_COUNT): { cells: string[]; total: string } {
	const s = suppressSmallCounts(values, threshold);
	return {
		cells: values.map((v, i) => shownCount(v, s.hidden[i])),
		total: shownCount(
			values.reduce((a, b) => a + b, 0),
			s.totalHidden
		)
	};
}

/**
 * What an attacker recomputes from a shown column: for each masked cell, the values it can
 * take given the total (every masked cell at least 1). Used by the tests to play the attack.
 */
export function recomputable(shown: readonly (number | null)[], total: number | null): ({ min: number; max: number } | null)[] {
	if (total === null) return shown.map((v) => (v === null ? { min: 1, max: Infinity } : null));
	const known = shown.reduce<number>((a, v) => a + (v ?? 0), 0);
	const k = shown.filter((v) => v === null).length;
	const rest = total - known;
	return shown.map((v) => (v === null ? { min: k === 1 ? rest : 1, max: rest - (k - 1) } : null));
}

/**
 * Two columns where the first counts part of the second (the last 12 months within all
 * time). A reader gets a third column by difference (all time minus the last 12 months,
 * "before") and knows that a part never exceeds its whole, so the two are masked by row:
 * a row is masked in both columns at once when its part, its whole or its difference is
 * small (1 to 4); then, while one of the three columns' masked cells would be told by its
 * total (`protectedBy`), the row with the smallest shown whole is masked too; when no row is
 * left, both totals are masked. Masked parts may be 0: that only widens what a reader can
 * guess.
 */
export function shownNestedColumns(
	part: readonly number[],
	whole: readonly number[],
	threshold = SMALL_COUNT
): { part: { cells: string[]; total: string }; whole: { cells: string[]; total: string } } {
	const small = (n: number) => n > 0 && n < threshold;
	const before = whole.map((w, i) => w - part[i]);
	const hidden = whole.map((w, i) => small(part[i]) || small(w) || small(before[i]));
	const partTotal = part.reduce((a, b) => a + b, 0);
	const wholeTotal = whole.reduce((a, b) => a + b, 0);
	const of = (col: readonly number[]) => col.filter((_, i) => hidden[i]);
	let totalsHidden = small(partTotal) || small(wholeTotal) || small(wholeTotal - partTotal);
	// every column protected, the differences too, even when all of them are 0: a reader who
	// knows this rule learns from which rows are masked (the exhaustive test found leaks with
	// any exemption)
	while (!totalsHidden && ![part, whole, before].every((col) => protectedBy(of(col), threshold))) {
		let next = -1;
		whole.forEach((w, i) => {
			if (!hidden[i] && w > 0 && (next < 0 || w < whole[next])) next = i;
		});
		if (next < 0) totalsHidden = true;
		else hidden[next] = true;
	}
	return {
		part: { cells: part.map((v, i) => shownCount(v, hidden[i])), total: shownCount(partTotal, totalsHidden) },
		whole: { cells: whole.map((v, i) => shownCount(v, hidden[i])), total: shownCount(wholeTotal, totalsHidden) }
	};
}
