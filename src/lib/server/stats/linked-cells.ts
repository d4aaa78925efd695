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
import { protectedBy, SMALL_COUNT } from './small-counts.ts';

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
	const { values, lines } = input;
	const threshold = input.threshold ?? SMALL_COUNT;
	const steps = input.steps ?? values.map(() => 1);
	const hidden = values.map((v, i) => (v > 0 && v < threshold) || !!input.forced?.[i]);
	const externalHidden = new Set<number>();
	// the lines each cell is in; the step a line is checked at (when its last cell is published)
	const linesOf: number[][] = values.map(() => []);
	const lineStep = lines.map((l, li) => {
		let s = l.total === null ? 0 : steps[l.total];
		for (const m of l.members) {
			linesOf[m].push(li);
			if (steps[m] > s) s = steps[m];
		}
		if (l.total !== null) linesOf[l.total].push(li);
		return s;
	});
	const maxStep = steps.reduce((a, b) => Math.max(a, b), 0);
	/**
	 * Masked members that keep each of them undetermined within 1 to 4: the rule of
	 * small-counts.ts when each is at least 1; when a 0 is masked among them, each may be 0,
	 * and their sum alone must leave room for 4.
	 */
	const safe = (masked: number[]) =>
		masked.some((m) => values[m] === 0)
			? masked.reduce((a, m) => a + values[m], 0) >= threshold - 1
			: protectedBy(
					masked.map((m) => values[m]),
					threshold
				);
	for (let step = 1; step <= maxStep; step++) {
		// published before this step and shown: known for good
		const known = (i: number) => (!!input.fixed?.[i] && !hidden[i]) || (steps[i] < step && !hidden[i]);
		const queue: number[] = [];
		const queued = new Set<number>();
		const push = (li: number) => {
			if (lineStep[li] <= step && !queued.has(li)) {
				queued.add(li);
				queue.push(li);
			}
		};
		lines.forEach((_, li) => {
			if (lineStep[li] === step) push(li);
		});
		const hide = (i: number) => {
			hidden[i] = true;
			for (const li of linesOf[i]) push(li);
		};
		for (let head = 0; head < queue.length; head++) {
			const li = queue[head];
			queued.delete(li);
			const line = lines[li];
			if (line.total !== null ? hidden[line.total] : externalHidden.has(li)) continue;
			const masked = line.members.filter((m) => hidden[m]);
			if (!masked.length || safe(masked)) continue;
			// the smallest member still shown (not 0, not already published); the first on a tie
			let next = -1;
			for (const m of line.members) if (!hidden[m] && values[m] > 0 && !known(m) && (next < 0 || values[m] < values[next])) next = m;
			if (next >= 0) {
				hide(next);
				continue;
			}
			// no count left: the total, when it is not out already
			if (line.total !== null && !known(line.total)) {
				hide(line.total);
				continue;
			}
			// else the zeros not yet published are masked too, so that none can be told from the
			// others (each may then be anything from 0 to what the total leaves)
			const zeros = line.members.filter((m) => !hidden[m] && !known(m));
			for (const m of zeros) hide(m);
			if (zeros.length && safe(line.members.filter((m) => hidden[m]))) continue;
			if (line.total === null) externalHidden.add(li);
		}
	}
	return { hidden, externalHidden: [...externalHidden].sort((a, b) => a - b) };
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
