/**
 * Small counts masked across linked tables (issue 16, item 8; docs/decisions/0018): the rule
 * of small-counts.ts (primary suppression of 1 to 4, complementary suppression so that a
 * known total never tells a masked cell) applied to every relation a reader can use to
 * subtract one published figure from another, not to one column only.
 *
 * The figures are cells; a `Line` says that the sum of some cells (`members`) is published
 * as another cell (`total`): the rows of a column and the column's total, the months of a
 * quarter and the quarter, a quarter so far and the same quarter a month later, the communes
 * of an area and the area. A line whose total is `null` has a total published elsewhere (an
 * area's figure, on the area level's page): it is assumed known, and when it cannot be
 * protected here it is reported (`externalHidden`) so that the other page masks it.
 *
 * The rule, per line whose total is shown: its masked members must keep every one of them
 * possibly anywhere from 1 to 4 (`protectedBy`); else the smallest count still shown and not
 * already published is masked too; else the total, if not published already; else the zeros
 * not yet published are masked with them (each masked figure may then be 0: their sum must
 * leave room for 4); else, for a total published on another page, it is reported. Repeated
 * until every line holds.
 *
 * Publication in steps: cells carry the step (the month) they are published at; a cell shown
 * at an earlier step is known for good and is never chosen to protect another (masking it
 * now would hide nothing), so what a reader saw last month and sees today never tell more
 * than each page alone. Pure: no I/O.
 */
import { SMALL_COUNT } from './small-counts.ts';

export interface Line {
	members: number[];
	/** the cell publishing the sum; null: known from another page (see `externalHidden`) */
	total: number | null;
}

export interface LinkedCells {
	values: readonly number[];
	/** the step each cell is first published at (1, 2, …); all 1 when the cells are published at once */
	steps?: readonly number[];
	lines: readonly Line[];
	/** cells masked whatever their value (e.g. an area's figure masked because its communes' page asked for it) */
	forced?: readonly boolean[];
	/** cells published elsewhere whatever happens here (a total every page shows): never masked here, never chosen */
	fixed?: readonly boolean[];
	threshold?: number;
}

export interface LinkedSuppression {
	hidden: boolean[];
	/** the lines (indices) with an external total that could not be protected here: mask that total where it is published */
	externalHidden: number[];
}

export function suppressLinkedCells(input: LinkedCells): LinkedSuppression {
	const { lines } = input;
	let size = 0;
	for (const l of lines) size += l.members.length;
	const flat: FlatLines = { start: new Int32Array(lines.length + 1), members: new Int32Array(size), total: new Int32Array(lines.length) };
	let at = 0;
	lines.forEach((l, li) => {
		flat.start[li] = at;
		for (const m of l.members) flat.members[at++] = m;
		flat.total[li] = l.total ?? -1;
	});
	flat.start[lines.length] = at;
	const s = suppressFlat({ ...input, lines: flat });
	return { hidden: Array.from(s.hidden, (h) => h === 1), externalHidden: s.externalHidden };
}

/**
 * The lines in flat arrays (what `maskYear` builds for tens of thousands of lines): line `li`
 * has the members `members[start[li]]` to `members[start[li + 1] - 1]` and the total
 * `total[li]` (−1: published elsewhere).
 */
export interface FlatLines {
	start: Int32Array;
	members: Int32Array;
	total: Int32Array;
}

export interface FlatCells {
	values: ArrayLike<number>;
	/** the step each cell is first published at (all 1 when absent) */
	steps?: ArrayLike<number>;
	lines: FlatLines;
	forced?: ArrayLike<boolean | number>;
	fixed?: ArrayLike<boolean | number>;
	threshold?: number;
}

/** `suppressLinkedCells` on flat arrays: the same rule, the same choices, in the same order. `hidden[i]` is 1 when masked. */
export function suppressFlat(input: FlatCells): { hidden: Uint8Array; externalHidden: number[] } {
	const { values, lines } = input;
	const { start, members, total } = lines;
	const n = values.length;
	const L = total.length;
	const threshold = input.threshold ?? SMALL_COUNT;
	const steps = input.steps ?? new Int32Array(n).fill(1);
	const hidden = new Uint8Array(n);
	const fixed = new Uint8Array(n);
	for (let i = 0; i < n; i++) {
		const v = values[i];
		hidden[i] = (v > 0 && v < threshold) || input.forced?.[i] ? 1 : 0;
		fixed[i] = input.fixed?.[i] ? 1 : 0;
	}
	const external = new Uint8Array(L);
	// the lines each cell is in (flat), and the step a line is checked at (when its last cell is published)
	const count = new Int32Array(n + 1);
	const lineStep = new Int32Array(L);
	let maxStep = 0;
	for (let li = 0; li < L; li++) {
		let s = total[li] < 0 ? 0 : steps[total[li]];
		for (let k = start[li]; k < start[li + 1]; k++) {
			count[members[k]]++;
			if (steps[members[k]] > s) s = steps[members[k]];
		}
		if (total[li] >= 0) count[total[li]]++;
		lineStep[li] = s;
		if (s > maxStep) maxStep = s;
	}
	const linesAt = new Int32Array(n + 1);
	for (let i = 0; i < n; i++) linesAt[i + 1] = linesAt[i] + count[i];
	const linesOf = new Int32Array(linesAt[n]);
	const fill = linesAt.slice(0, n);
	for (let li = 0; li < L; li++) {
		for (let k = start[li]; k < start[li + 1]; k++) linesOf[fill[members[k]]++] = li;
		if (total[li] >= 0) linesOf[fill[total[li]]++] = li;
	}
	// the lines of each step, in order
	const stepAt = new Int32Array(maxStep + 2);
	for (let li = 0; li < L; li++) stepAt[lineStep[li] + 1]++;
	for (let s = 0; s <= maxStep; s++) stepAt[s + 1] += stepAt[s];
	const byStep = new Int32Array(L);
	const fillStep = stepAt.slice(0, maxStep + 1);
	for (let li = 0; li < L; li++) byStep[fillStep[lineStep[li]]++] = li;
	const queued = new Uint8Array(L);
	// a ring: a line is in it at most once at a time
	const queue = new Int32Array(L + 1);
	const least = threshold - 1;
	for (let step = 1; step <= maxStep; step++) {
		// published before this step (or elsewhere) and shown: known for good, never chosen
		const known = (i: number) => hidden[i] === 0 && (fixed[i] === 1 || steps[i] < step);
		let head = 0;
		let tail = 0;
		const push = (li: number) => {
			if (lineStep[li] <= step && queued[li] === 0) {
				queued[li] = 1;
				queue[tail] = li;
				tail = tail === L ? 0 : tail + 1;
			}
		};
		for (let k = stepAt[step]; k < stepAt[step + 1]; k++) push(byStep[k]);
		const hide = (i: number) => {
			hidden[i] = 1;
			for (let k = linesAt[i]; k < linesAt[i + 1]; k++) push(linesOf[k]);
		};
		while (head !== tail) {
			const li = queue[head];
			head = head === L ? 0 : head + 1;
			queued[li] = 0;
			const t = total[li];
			if (t >= 0 ? hidden[t] === 1 : external[li] === 1) continue;
			// the masked members (how many, their sum, whether a 0 is among them), and the smallest
			// member still shown (not 0, not already published; the first on a tie)
			let k = 0;
			let sum = 0;
			let zero = false;
			let next = -1;
			for (let x = start[li]; x < start[li + 1]; x++) {
				const m = members[x];
				const v = values[m];
				if (hidden[m] === 1) {
					k++;
					sum += v;
					if (v === 0) zero = true;
				} else if (v > 0 && fixed[m] === 0 && steps[m] >= step && (next < 0 || v < values[next])) next = m;
			}
			// masked members that keep each of them undetermined within 1 to 4 (small-counts.ts
			// `protectedBy`); when a 0 is masked among them, their sum alone must leave room for 4
			if (!k || (zero ? sum >= least : k > 1 && sum - (k - 1) >= least)) continue;
			if (next >= 0) {
				hide(next);
				continue;
			}
			// no count left: the total, when it is not out already
			if (t >= 0 && !known(t)) {
				hide(t);
				continue;
			}
			// else the zeros not yet published are masked too, so that none can be told from the
			// others (each may then be anything from 0 to what the total leaves)
			let zeros = 0;
			for (let x = start[li]; x < start[li + 1]; x++) {
				const m = members[x];
				if (hidden[m] === 0 && !known(m)) {
					hide(m);
					zeros++;
				}
			}
			if (zeros) {
				let k2 = 0;
				let sum2 = 0;
				let zero2 = false;
				for (let x = start[li]; x < start[li + 1]; x++) {
					const m = members[x];
					if (hidden[m] === 1) {
						k2++;
						sum2 += values[m];
						if (values[m] === 0) zero2 = true;
					}
				}
				if (zero2 ? sum2 >= least : k2 > 1 && sum2 - (k2 - 1) >= least) continue;
			}
			if (t < 0) external[li] = 1;
		}
	}
	const externalHidden: number[] = [];
	for (let li = 0; li < L; li++) if (external[li]) externalHidden.push(li);
	return { hidden, externalHidden };
}

/**
 * What a reader can work out, for the tests: for each masked cell, the smallest and largest
 * value it may take given every line (values bounded by `max`), by trying them all. Only for
 * small worlds (a few masked cells).
 */
export function attack(values: readonly number[], s: LinkedSuppression, lines: readonly Line[], max = 9): ({ min: number; max: number } | null)[] {
	const hidden = s.hidden;
	const unknown = values.map((_, i) => i).filter((i) => hidden[i]);
	if (unknown.length > 6) throw new Error('attack: too many masked cells to try them all');
	const lo = unknown.map(() => Infinity);
	const hi = unknown.map(() => -Infinity);
	const guess = [...values];
	const consistent = () =>
		lines.every((l) => l.total === null || guess[l.total] === l.members.reduce((s, m) => s + guess[m], 0)) &&
		// a published external total: the lines with a null total are those of another page, as shown there (true values)
		lines.every(
			(l, li) =>
				l.total !== null || s.externalHidden.includes(li) || l.members.reduce((s, m) => s + guess[m], 0) === l.members.reduce((s, m) => s + values[m], 0)
		);
	const walk = (k: number) => {
		if (k === unknown.length) {
			if (!consistent()) return;
			unknown.forEach((c, j) => {
				lo[j] = Math.min(lo[j], guess[c]);
				hi[j] = Math.max(hi[j], guess[c]);
			});
			return;
		}
		for (let v = 0; v <= max; v++) {
			guess[unknown[k]] = v;
			walk(k + 1);
		}
	};
	walk(0);
	return values.map((_, i) => {
		const j = unknown.indexOf(i);
		return j < 0 ? null : { min: lo[j], max: hi[j] };
	});
}
