/**
 * Steering (issue 16), pure: what a section page shows for each table — the table (the one
 * shape every export writes), a sentence or two that say what it shows, and, for tables by
 * unit, the values a map is fed — and the French numbers those sentences use.
 */
import type { SteeringCell, SteeringTable } from './model.ts';
import type { UnitFigure } from './units.ts';

export interface SteeringMap {
	/** the table it is drawn beside */
	tableId: string;
	title: string;
	/** the level's key (`commune`, `epci`, `bassin_de_vie`…, `departement`): how `code` reads */
	level: string;
	/** the kind of value, as the table's columns (`per10k`, `percent`, `score`, `count`…) */
	kind: 'count' | 'persons' | 'percent' | 'per10k' | 'km' | 'score';
	figures: UnitFigure[];
}

export interface SteeringBlock {
	table: SteeringTable;
	/** one or two sentences saying what the table shows (the text summary beside a map) */
	summary: string;
	map?: SteeringMap;
}

const nf0 = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const nf1 = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** 8400 → « 8 400 » (narrow no-break space). */
export const int = (n: number) => nf0.format(n);
/** 12.34 → « 12,3 » */
export const dec = (n: number) => nf1.format(n);
/** 0.423 → « 42,3 % » */
export const pct = (ratio: number) => `${nf1.format(ratio * 100)}\u00a0%`;
/** 1 → « 1 commune », 12 → « 12 communes » */
export const count = (n: number, one: string, many: string) => `${int(n)} ${n > 1 ? many : one}`;

/** A share (0–1), null when the whole is 0. */
export const share = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
/** Per 10,000 inhabitants, null when there is nobody. */
export const per10k = (n: number, population: number): number | null => (population > 0 ? (n * 10_000) / population : null);
/** Rounded for a table (1 decimal for rates, 3 for ratios): what the page and the CSV show. */
export const round = (x: number | null, digits = 1): number | null => (x == null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

/** One unit's row and the value its map shows, sorted together. */
export interface UnitRow {
	unit: { code: string; name: string; communes: string[] };
	cells: SteeringCell[];
	value: number | null;
}

/** The table's rows and the map's figures from the same sorted rows. */
export function rowsAndFigures(rows: UnitRow[]): { rows: SteeringCell[][]; figures: UnitFigure[] } {
	return {
		rows: rows.map((r) => r.cells),
		figures: rows.map((r) => ({ code: r.unit.code, name: r.unit.name, communes: r.unit.communes, value: r.value, masked: false }))
	};
}
