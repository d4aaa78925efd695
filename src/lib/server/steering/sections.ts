/**
 * What the steering pages of figures share (demand, outcomes, partners): the reader's scope,
 * the structures of the département, a table per unit of the asked level (masked with the
 * communes' page in mind), and a one-sentence summary of a table.
 */
import type { Database } from '../db/client.ts';
import { departmentStructures, type Actor } from '../accounts/index.ts';
import { steeringContext, type SteeringContext } from './context.ts';
import { isMasked, levelKey, levelLabel, type Level, type SteeringTable } from './model.ts';
import {
	buildTable,
	ELSEWHERE,
	elsewhereOf,
	levelUnits,
	yearFacts,
	type BuiltTable,
	type ColumnSpec,
	type FactRow,
	type Units,
	type YearFacts
} from './figures.ts';
import { parisDay } from '../../time.ts';
import type { TableChart } from '../../components/charts/types.ts';

/** A table as a page shows it: the table (already masked), its summary in words, and how it is drawn (issue 16, item 7). */
export interface ShownTable {
	table: SteeringTable;
	summary: string;
	chart?: TableChart;
}

/** A section of a steering page: later modules (trainings, equipment) append theirs to a page's list. */
export interface SteeringSection {
	id: string;
	title: string;
	intro?: string;
	tables: ShownTable[];
}

export interface Reader {
	context: SteeringContext;
	/** the units of each level asked so far (read once per page) */
	units?: Map<string, Promise<Units>>;
	/** null: the whole network (a coordinator); else the partner's structures */
	scope: string[] | null;
	departmentName: string;
}

export async function readerOf(database: Database, actor: Actor, params: URLSearchParams, now = new Date()): Promise<Reader> {
	const context = await steeringContext(database, actor, params, parisDay(now));
	const departmentName = context.departments.find((d) => d.code === context.query.departmentCode)?.name ?? context.query.departmentCode;
	return { context, scope: context.coordinator ? null : context.partnerOrganisationIds, departmentName };
}

export interface Structure {
	id: string;
	name: string;
	kind: string;
	partner: boolean;
}

/** The structures of the département (and any other the facts name), with whether they are partners of the network. */
export async function structures(database: Database, dept: string, ids: string[] = []): Promise<Structure[]> {
	return departmentStructures(database.db, dept, ids);
}

export async function facts(
	database: Database,
	reader: Reader,
	kinds: string[],
	scoped = true,
	now = new Date(),
	dims?: Parameters<typeof yearFacts>[6]
): Promise<YearFacts> {
	return yearFacts(database, reader.context.query.departmentCode, reader.context.query.period, kinds, scoped ? reader.scope : null, now, dims);
}

/**
 * A table with one row per unit of the asked level (by the commune `communeOf` gives a fact).
 * Above the commune, the communes' table is masked first: an area whose figure would tell a
 * masked commune (with the area's other communes shown) is masked too.
 */
export async function byLevel(
	database: Database,
	reader: Reader,
	yf: YearFacts,
	spec: {
		id: string;
		title: string;
		columns: ColumnSpec[];
		notes?: string[];
		communeOf?: (f: FactRow) => string;
		filter: (f: FactRow) => boolean;
		/** the kinds of facts `filter` may keep */
		kinds?: readonly string[];
	}
): Promise<BuiltTable> {
	const q = reader.context.query;
	const communeOf = spec.communeOf ?? ((f: FactRow) => f.commune);
	const units = await unitsOf(database, reader, q.level);
	const heading = levelLabel(q.level);
	const make = (u: typeof units, forced?: BuiltTable['groupsHidden']) =>
		buildTable(
			{
				id: spec.id,
				title: spec.title,
				rowHeading: heading,
				rows: u.rows,
				rowOf: (f) => (spec.filter(f) ? u.unitOf(communeOf(f)) : null),
				kinds: spec.kinds,
				columns: spec.columns,
				additive: true,
				groups: u.groups,
				forced: forced ? (key, c, p) => forced.has(`${key === ELSEWHERE ? elsewhereOf(q.level) : key}|${c}|${p.kind}|${p.step}`) : undefined,
				dropEmpty: q.level.kind === 'commune',
				notes: spec.notes
			},
			yf,
			q.period
		);
	if (q.level.kind === 'commune') return make(units);
	const communes = await unitsOf(database, reader, { kind: 'commune' });
	return make(units, make(communes).groupsHidden);
}

function unitsOf(database: Database, reader: Reader, level: Level): Promise<Units> {
	reader.units ??= new Map();
	const key = levelKey(level);
	let u = reader.units.get(key);
	if (!u) reader.units.set(key, (u = levelUnits(database, reader.context.query.departmentCode, level, reader.departmentName)));
	return u;
}

const nf = new Intl.NumberFormat('fr-FR');

/** One sentence on a table: its total and its largest row (what is shown only), and whether cells are masked. */
export function summarise(t: SteeringTable, unit: string, column = 1): string {
	const parts: string[] = [];
	const total = t.total?.[column];
	if (typeof total === 'number') parts.push(`${t.total ? 'Au total' : ''} ${nf.format(total)} ${unit}`.trim());
	else if (t.total && total && isMasked(total)) parts.push(`Total masqué (moins de 5 personnes, ou pour ne pas les laisser déduire)`);
	let best: { label: string; v: number } | null = null;
	for (const r of t.rows) {
		const v = r[column];
		if (typeof v === 'number' && v > 0 && (!best || v > best.v)) best = { label: String(r[0]), v };
	}
	if (best) parts.push(`le plus\u00a0: ${best.label} (${nf.format(best.v)})`);
	const masked = t.rows.reduce((s, r) => s + r.filter((c) => isMasked(c)).length, 0);
	if (masked) parts.push(`${nf.format(masked)} case${masked > 1 ? 's' : ''} masquée${masked > 1 ? 's' : ''}`);
	if (!t.rows.length) return 'Aucun chiffre publié pour cette période.';
	return `${parts.join('\u00a0; ')}.`.replace(/^./, (c) => c.toUpperCase());
}

export const shown = (b: BuiltTable, unit: string, column = 1): ShownTable => ({ table: b.table, summary: summarise(b.table, unit, column) });
