/**
 * What an import did with each value it read, per field of the file: kept as it was,
 * mapped to the standard v1.0.2 (old vocabularies, other spellings, other columns), or
 * dropped, and which values. The import report shows it as a table, so that a coordinator
 * sees at a glance that nothing official was lost (issue 14).
 */

export interface FidelityConversion {
	/** the value as read */
	from: string;
	/** what it became, e.g. "modalites_accompagnement : En autonomie" */
	to: string;
	count: number;
}

export interface FidelityDrop {
	/** the value (vocabulary fields) or why it was dropped (free fields: their values may be personal) */
	value: string;
	reason: string;
	count: number;
}

export interface FidelityRow {
	/** the field as named in the file */
	field: string;
	read: number;
	kept: number;
	mapped: number;
	dropped: number;
	conversions: FidelityConversion[];
	drops: FidelityDrop[];
}

interface Accumulator {
	read: number;
	kept: number;
	mapped: number;
	dropped: number;
	conversions: Map<string, FidelityConversion>;
	drops: Map<string, FidelityDrop>;
}

/** Distinct values listed per field (counts stay exact beyond). */
const MAX_LISTED = 200;

export class Fidelity {
	readonly #rows = new Map<string, Accumulator>();

	#row(field: string): Accumulator {
		let r = this.#rows.get(field);
		if (!r) this.#rows.set(field, (r = { read: 0, kept: 0, mapped: 0, dropped: 0, conversions: new Map(), drops: new Map() }));
		return r;
	}

	/** A value kept as it was read. */
	kept(field: string, n = 1): void {
		const r = this.#row(field);
		r.read += n;
		r.kept += n;
	}

	/** A value turned into one or more values of the standard (`to`: "field : value", joined). */
	mapped(field: string, from: string, to: string): void {
		const r = this.#row(field);
		r.read++;
		r.mapped++;
		this.#convert(r, from, to);
	}

	#convert(r: Accumulator, from: string, to: string): void {
		const key = from + '\u0000' + to;
		const c = r.conversions.get(key);
		if (c) c.count++;
		else if (r.conversions.size < MAX_LISTED) r.conversions.set(key, { from, to, count: 1 });
	}

	/**
	 * A value counted as kept when the file was read, then replaced by the validator (an
	 * unknown date_maj by the file's date, opening hours corrected): mapped, with what it became.
	 */
	mappedAfter(field: string, from: string, to: string): void {
		const r = this.#row(field);
		if (r.kept > 0) {
			r.kept--;
			r.mapped++;
		} else if (r.mapped === 0) {
			// not counted when read: counted now
			r.read++;
			r.mapped++;
		} // else already counted as mapped (a renamed column): only what it became is added
		this.#convert(r, from, to);
	}

	/** Values a producer's own format gave to a field of the standard (its adapter maps column by column). */
	mappedCount(field: string, n: number): void {
		const r = this.#row(field);
		r.read += n;
		r.mapped += n;
	}

	/** A value read and not carried into the place. */
	dropped(field: string, value: string, reason: string): void {
		const r = this.#row(field);
		r.read++;
		this.#drop(r, value, reason);
	}

	/**
	 * A value counted as kept when the file was read, then dropped by the validator (an
	 * invalid phone number, a value outside the vocabulary in a v1 file).
	 */
	droppedAfter(field: string, value: string, reason: string): void {
		const r = this.#row(field);
		if (r.kept > 0) r.kept--;
		else if (r.mapped > 0) r.mapped--;
		else r.read++;
		this.#drop(r, value, reason);
	}

	#drop(r: Accumulator, value: string, reason: string): void {
		r.dropped++;
		const key = value + '\u0000' + reason;
		const d = r.drops.get(key);
		if (d) d.count++;
		else if (r.drops.size < MAX_LISTED) r.drops.set(key, { value, reason, count: 1 });
	}

	/** Whether anything was recorded. */
	get empty(): boolean {
		return this.#rows.size === 0;
	}

	/** The table, fields in the order they were first met; conversions and drops most frequent first. */
	table(): FidelityRow[] {
		const byCount = (a: { count: number }, b: { count: number }) => b.count - a.count;
		return [...this.#rows].map(([field, r]) => ({
			field,
			read: r.read,
			kept: r.kept,
			mapped: r.mapped,
			dropped: r.dropped,
			conversions: [...r.conversions.values()].sort(byCount),
			drops: [...r.drops.values()].sort(byCount)
		}));
	}
}

/** The total of values dropped, all fields together. */
export function droppedCount(table: FidelityRow[]): number {
	return table.reduce((n, r) => n + r.dropped, 0);
}
