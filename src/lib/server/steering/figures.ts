/**
 * From the pre-aggregated facts to a masked `SteeringTable`: the units of a level (communes,
 * EPCI, areas of a kind, the département), the facts of a year read once, and one builder
 * that masks a table for every period of the year at once (masking.ts) before it reads the
 * period asked. No unmasked figure leaves this file but the totals' masks.
 */
import { sql } from 'drizzle-orm';
import { departmentUnits, type AreaKind } from '../territory/index.ts';
import type { Database } from '../db/client.ts';
import { levelKey, MASKED_CELL, type Level, type Period, type SteeringCell, type SteeringColumn, type SteeringTable } from './model.ts';
import { MaskMemo, maskYear, periodCell, totalsOf, type PeriodCell } from './masking.ts';
import type { FactKind } from './facts.ts';
import { lastPublishedMonth } from './publication.ts';
import { TRAINING_FACT_DIMENSIONS } from './training-facts.ts';

export interface FactRow {
	month: string;
	/** the month's index in its year (0: January) */
	m: number;
	kind: string;
	commune: string;
	org: string;
	a: string;
	b: string;
	n: number;
	persons: number;
	amount: number;
}

/** The key of the row of communes outside the département, outside every area of a kind, or not known. */
export const ELSEWHERE = '-';

/** At the commune level, the key of the group of rows that is the row « elsewhere » of another level. */
export const elsewhereOf = (level: Level) => `${ELSEWHERE}${levelKey(level)}`;

export interface Units {
	rows: { key: string; label: string }[];
	/** the unit of a commune (ELSEWHERE when none) */
	unitOf(commune: string): string;
	/** at the commune level: the communes of each EPCI, area and the département (their sums are published at the other levels) */
	groups: { key: string; rows: string[] }[];
}

/** The units of a level in a département, in French order, the row « elsewhere » last. */
export async function levelUnits(database: Database, dept: string, level: Level, deptName: string): Promise<Units> {
	const { communes: rawCommunes, areas } = await departmentUnits(database.db, dept);
	const communes = rawCommunes.map((c) => ({ ...c, epci_name: c.epciName }));
	const elsewhere = { key: ELSEWHERE, label: 'Hors du territoire découpé ou commune non renseignée' };
	const inDept = new Set(communes.map((c) => c.code));
	if (level.kind === 'commune') {
		const groups = new Map<string, string[]>();
		const add = (k: string, c: string) => (groups.get(k) ?? groups.set(k, []).get(k)!).push(c);
		for (const c of communes) if (c.epci) add(`epci:${c.epci}`, c.code);
		for (const a of areas) add(`area:${a.id}`, a.code);
		groups.set(`dept:${dept}`, [...inDept]);
		// the row « elsewhere » of each other level is a sum of rows here too: those outside the
		// département, and at the EPCI or an areas' level the communes of no EPCI or no such area
		groups.set(elsewhereOf({ kind: 'departement' }), [ELSEWHERE]);
		groups.set(elsewhereOf({ kind: 'epci' }), [ELSEWHERE, ...communes.filter((c) => !c.epci).map((c) => c.code)]);
		for (const kind of new Set(areas.map((a) => a.kind))) {
			const inArea = new Set(areas.filter((a) => a.kind === kind).map((a) => a.code));
			groups.set(elsewhereOf({ kind: 'area', areaKind: kind as AreaKind }), [ELSEWHERE, ...communes.filter((c) => !inArea.has(c.code)).map((c) => c.code)]);
		}
		return {
			rows: [...communes.map((c) => ({ key: c.code, label: c.name })), elsewhere],
			unitOf: (c) => (inDept.has(c) ? c : ELSEWHERE),
			groups: [...groups].map(([key, rows]) => ({ key, rows }))
		};
	}
	if (level.kind === 'departement')
		return { rows: [{ key: `dept:${dept}`, label: deptName }, elsewhere], unitOf: (c) => (inDept.has(c) ? `dept:${dept}` : ELSEWHERE), groups: [] };
	const map = new Map<string, string>();
	const labels = new Map<string, string>();
	if (level.kind === 'epci')
		for (const c of communes)
			if (c.epci) {
				map.set(c.code, `epci:${c.epci}`);
				labels.set(`epci:${c.epci}`, c.epci_name ?? c.epci);
			}
	if (level.kind === 'area')
		for (const a of areas.filter((x) => x.kind === level.areaKind)) {
			if (!map.has(a.code) && inDept.has(a.code)) map.set(a.code, `area:${a.id}`);
			labels.set(`area:${a.id}`, a.name);
		}
	const rows = [...labels].map(([key, label]) => ({ key, label })).sort((x, y) => x.label.localeCompare(y.label, 'fr'));
	return { rows: [...rows, elsewhere], unitOf: (c) => map.get(c) ?? ELSEWHERE, groups: [] };
}

export interface YearFacts {
	year: number;
	/** published months of the year (1–12 from January); 0: none yet */
	published: number;
	rows: FactRow[];
}

/**
 * What the pages read of each kind of fact: the other dimensions are added up in SQL (a
 * department's year is read as a few thousand rows, not the hundreds of thousands the
 * refresh writes at national scale), and a kind not read by commune is read from the facts
 * summed over the communes (`steering_facts_summed`). A table that reads another dimension
 * of a kind adds it here; a dimension left out reads ''.
 */
export type FactDimension = 'commune' | 'org' | 'a' | 'b';
export const FACT_DIMENSIONS: Record<FactKind, readonly FactDimension[]> = {
	assessment: ['commune'],
	assessment_axis: ['a', 'b'],
	assessment_need: ['a'],
	referral_sent: ['commune', 'org'],
	referral_need: ['a'],
	referral_event: ['commune', 'org', 'a', 'b'],
	referral_place: ['a', 'b'],
	referral_delay: ['a'],
	accompaniment: ['commune', 'a'],
	accompaniment_theme: ['a'],
	accompaniment_procedure: ['a'],
	accompaniment_autonomy: ['a'],
	accompaniment_profile: ['a', 'b'],
	voucher: ['a'],
	voucher_funder: ['org', 'a'],
	contribution: ['org'],
	...TRAINING_FACT_DIMENSIONS
};

/**
 * The facts read, kept per département, year, published months, kinds and scope, and the
 * last refresh that wrote figures a page may show (`steering_refresh.figures_changed_at`,
 * written by a refresh after its months: a published month, or a full refresh; the cycle of
 * every ten minutes rewrites the month under way only, which no page reads). A committee
 * clicking through periods, levels and pages reads them once, and again when a month is
 * published. A few entries per database.
 */
const KEPT_FACTS = 48;
/**
 * Kept per owner's database (`database.privileged`): a server's request pool and the owner's
 * pool beside it share them, so that what the refresh job reads in advance as the owner
 * (warm.ts) is what the first reader finds. The key holds the département and the scope, and
 * a use case reads the facts only after `can()` for that département.
 */
const keptFacts = new WeakMap<Database, Map<string, YearFacts>>();
const keptOf = (database: Database) => database.privileged ?? database;

/** The facts kept for a database (tests, benchmarks): how many entries, and forgetting them all. */
export const keptYearFacts = {
	size: (database: Database) => keptFacts.get(keptOf(database))?.size ?? 0,
	clear: (database: Database) => keptFacts.delete(keptOf(database))
};

const byKind = new WeakMap<YearFacts, Map<string, FactRow[]>>();
/** The facts of one kind (indexed once per year's facts). */
export function factsOfKind(facts: YearFacts, kind: string): FactRow[] {
	let index = byKind.get(facts);
	if (!index) {
		byKind.set(facts, (index = new Map()));
		for (const f of facts.rows) (index.get(f.kind) ?? index.set(f.kind, []).get(f.kind)!).push(f);
	}
	return index.get(kind) ?? [];
}

/**
 * The facts of `kinds` for the year of the period, its published months only; `orgs`: a
 * partner's scope; `dims`: what a page reads of a kind when less than `FACT_DIMENSIONS` says
 * (the outcomes count the referrals sent by month only: 11 rows, not thousands).
 */
export async function yearFacts(
	database: Database,
	dept: string,
	period: Period,
	kinds: string[],
	orgs: string[] | null,
	now = new Date(),
	dims: Partial<Record<FactKind, readonly FactDimension[]>> = {}
): Promise<YearFacts> {
	const year = Number(period.start.slice(0, 4));
	// a month is shown once published and refreshed after its publication (the records of its last minutes are in)
	const [state] = await database.query<{ at: string; changed: string }>(
		sql`select refreshed_at::text as at, figures_changed_at::text as changed from steering_refresh where department_code = ${dept}`
	);
	if (!state) return { year, published: 0, rows: [] };
	const refreshed = new Date(state.at);
	const last = lastPublishedMonth(refreshed < now ? refreshed : now);
	const published = Number(last.slice(0, 4)) > year ? 12 : Number(last.slice(0, 4)) < year ? 0 : Number(last.slice(5, 7));
	if (!published) return { year, published, rows: [] };
	const known = [...new Set(kinds)].filter((k): k is FactKind => k in FACT_DIMENSIONS).sort();
	const scope = orgs ? [...new Set(orgs)].sort() : null;
	const dimsOf = (k: FactKind) => dims[k] ?? FACT_DIMENSIONS[k];
	const key = JSON.stringify([dept, year, published, known.map((k) => [k, dimsOf(k)]), scope, state.changed]);
	let kept = keptFacts.get(keptOf(database));
	if (!kept) keptFacts.set(keptOf(database), (kept = new Map()));
	const hit = kept.get(key);
	if (hit) {
		// the most recently used last (the least recently used is dropped first)
		kept.delete(key);
		kept.set(key, hit);
		return hit;
	}
	const list = (xs: readonly string[]) => sql.raw(`(${xs.length ? xs.map((x) => `'${x.replace(/[^a-z0-9_-]/gi, '')}'`).join(', ') : "''"})`);
	// the kinds drawn by commune from the facts, the others from the facts summed over the communes
	const byCommune = known.filter((k) => dimsOf(k).includes('commune'));
	const summed = known.filter((k) => !dimsOf(k).includes('commune'));
	const read = (of: FactKind[], dim: 'commune' | 'org' | 'a' | 'b', column: string) =>
		sql.raw(
			`case when kind in (${
				of
					.filter((k) => dimsOf(k).includes(dim))
					.map((k) => `'${k}'`)
					.join(', ') || "''"
			}) then ${column} else '' end`
		);
	const where = (of: FactKind[]) => sql`department_code = ${dept} and kind in ${list(of)}
		and month >= ${`${year}-01-01`}::date and month <= ${last}::date and month < ${`${year + 1}-01-01`}::date
		${scope ? sql`and organisation_id in ${list(scope)}` : sql``}`;
	const sums = sql`sum(n)::int as n, sum(persons)::int as persons, sum(amount_cents)::text as amount`;
	const rows = await database.query<{
		month: string;
		kind: string;
		commune: string;
		org: string;
		a: string;
		b: string;
		n: number;
		persons: number;
		amount: string;
	}>(sql`
		select to_char(month, 'YYYY-MM-DD') as month, kind, ${read(byCommune, 'commune', 'commune_code')} as commune, ${read(byCommune, 'org', 'organisation_id')} as org,
			${read(byCommune, 'a', 'dim_a')} as a, ${read(byCommune, 'b', 'dim_b')} as b, ${sums}
		from steering_facts where ${where(byCommune)} group by 1, 2, 3, 4, 5, 6
		union all
		select to_char(month, 'YYYY-MM-DD') as month, kind, '' as commune, ${read(summed, 'org', 'organisation_id')} as org,
			${read(summed, 'a', 'dim_a')} as a, ${read(summed, 'b', 'dim_b')} as b, ${sums}
		from steering_facts_summed where ${where(summed)} group by 1, 2, 3, 4, 5, 6`);
	// the rows as read, completed in place (tens of thousands at national scale: no copy)
	const facts = rows as unknown as FactRow[];
	for (const r of facts) {
		r.m = Number(r.month.slice(5, 7)) - 1;
		r.n = Number(r.n);
		r.persons = Number(r.persons);
		r.amount = Number(r.amount);
	}
	const out = { year, published, rows: facts };
	kept.set(key, out);
	if (kept.size > KEPT_FACTS) kept.delete(kept.keys().next().value!);
	return out;
}

export interface ColumnSpec {
	key: string;
	label: string;
	kind: SteeringColumn['kind'];
	/** the column's measure of a fact (0: not in this column) */
	of: (f: FactRow) => number;
	/** not about persons (money received from a funder, counted contributions): shown as it is */
	unmasked?: boolean;
}

export interface TableSpec {
	id: string;
	title: string;
	rowHeading: string;
	rows: { key: string; label: string }[];
	/** a fact's row (null: not in this table) */
	rowOf: (f: FactRow) => string | null;
	/** the kinds of facts `rowOf` may take (the others are not looked at); all when absent */
	kinds?: readonly string[];
	columns: ColumnSpec[];
	/** the rows part the whole (each fact in one row): a total row, masked like the whole's figures */
	additive: boolean;
	groups?: { key: string; rows: string[] }[];
	/** rows masked at this level because a finer level asked for it */
	forced?: (rowKey: string, column: number, p: PeriodCell) => boolean;
	/** drop rows whose every shown figure is 0 (long lists of places) */
	dropEmpty?: boolean;
	notes?: string[];
}

export interface BuiltTable {
	table: SteeringTable;
	/** the masked figures, by row key and column key (null: masked), and the total row */
	cells: Map<string, (number | null)[]>;
	total: (number | null)[] | null;
	/** groups (commune level) whose figure must be masked at their own level: `${group}|${column}|${kind}|${step}` */
	groupsHidden: Set<string>;
}

/** The period cell the asked period is read from (null: none of its months is published). */
export function cellOf(period: Period, facts: YearFacts): PeriodCell | null {
	return periodCell(
		period.kind,
		period.months.map((m) => Number(m.slice(5, 7))),
		facts.published
	);
}

/**
 * The masks solved so far, in this process (masking.ts `MaskMemo`): keyed by the figures
 * themselves, so that a refresh that changes them is never answered from here. At most
 * 16 million cells (16 MB; Pas-de-Calais's communes' table for a year is about 100,000).
 */
export const MASKS = new MaskMemo();

/** Masks a table for every period of the year (or takes the masks already solved for the same figures), then reads the asked one. */
export function buildTable(spec: TableSpec, facts: YearFacts, period: Period): BuiltTable {
	const index = new Map(spec.rows.map((r, i) => [r.key, i]));
	const K = Math.max(facts.published, 1);
	const monthly = spec.rows.map(() => spec.columns.map(() => new Array<number>(K).fill(0)));
	const wholes = spec.columns.map(() => new Array<number>(K).fill(0));
	const columns = spec.columns;
	for (const f of spec.kinds ? spec.kinds.flatMap((k) => factsOfKind(facts, k)) : facts.rows) {
		const j = f.m;
		if (j >= K) continue;
		const key = spec.rowOf(f);
		if (key === null) continue;
		const r = index.get(key);
		for (let ci = 0; ci < columns.length; ci++) {
			const v = columns[ci].of(f);
			if (!v) continue;
			wholes[ci][j] += v;
			if (r !== undefined) monthly[r][ci][j] += v;
		}
	}
	const p = cellOf(period, facts);
	const empty = {
		table: { id: spec.id, title: spec.title, columns: head(spec), rows: [], notes: spec.notes },
		cells: new Map(),
		total: null,
		groupsHidden: new Set<string>()
	};
	if (!p) return { ...empty, table: { ...empty.table, notes: [...(spec.notes ?? []), NOT_PUBLISHED] } };
	const totalHidden = spec.additive ? totalsOf(wholes, K, MASKS) : undefined;
	const masked = maskYear(
		{
			monthly,
			months: K,
			columns: spec.columns.length,
			additive: spec.additive,
			groups: spec.groups?.map((g) => ({ key: g.key, rows: g.rows.map((k) => index.get(k)!).filter((i) => i !== undefined) })),
			forced: spec.forced ? (r, c, kind, step) => r >= 0 && spec.forced!(spec.rows[r].key, c, { kind, step }) : undefined,
			totalHidden
		},
		MASKS
	);
	// a column that is not about persons: the plain sum of the period's months
	const months = new Set(period.months.map((m) => Number(m.slice(5, 7))).filter((m) => m <= K));
	const plain = (r: number | 'total', c: number) => {
		let s = 0;
		for (const j of months) s += r === 'total' ? spec.rows.reduce((a, _, i) => a + monthly[i][c][j - 1], 0) : monthly[r][c][j - 1];
		return s;
	};
	const cells = new Map<string, (number | null)[]>();
	const rows: SteeringCell[][] = [];
	spec.rows.forEach((row, r) => {
		const values = spec.columns.map((col, c) => (col.unmasked ? plain(r, c) : masked.value(r, c, p)));
		cells.set(row.key, values);
		if (spec.dropEmpty && values.every((v) => v === 0)) return;
		rows.push([row.label, ...values.map(shown)]);
	});
	const total = spec.additive ? spec.columns.map((col, c) => (col.unmasked ? plain('total', c) : masked.value('total', c, p))) : null;
	return {
		table: { id: spec.id, title: spec.title, columns: head(spec), rows, total: total ? ['Total', ...total.map(shown)] : undefined, notes: spec.notes },
		cells,
		total,
		groupsHidden: masked.groupsHidden
	};
}

export const NOT_PUBLISHED = 'Aucun mois de cette période n’est encore publié\u00a0: les chiffres d’un mois paraissent le 5 du mois suivant.';

const head = (spec: TableSpec): SteeringColumn[] => [
	{ key: 'libelle', label: spec.rowHeading, kind: 'text' },
	...spec.columns.map((c) => ({ key: c.key, label: c.label, kind: c.kind }))
];
const shown = (v: number | null): SteeringCell => (v === null ? MASKED_CELL : v);

/** A ratio of two masked figures: masked when either is (a shown ratio and a shown whole would give the part). */
export function ratio(part: number | null, whole: number | null): SteeringCell {
	if (part === null || whole === null) return MASKED_CELL;
	return whole > 0 ? part / whole : null;
}
