/**
 * What the strategy's files share: the error every use case throws, who reads and who writes
 * which département, the journal's actor, and the département's vocabulary a form offers
 * (its organisations, axes, areas, EPCIs and communes). Imports no topic file of strategy/.
 */
import { asc, eq } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { activeOrganisationsOf, can, departmentsWith, organisationSummaries, type Actor } from '../accounts/index.ts';
import { communesOfAreas, getInstanceSettings, listAreas, municipalityLookup, AREA_KIND_LABELS } from '../territory/index.ts';
import { DomainError } from '../errors.ts';
import { strategyAxes } from './db.ts';
import type { AreaKey } from './model.ts';

/** A refusal of the strategy's use cases (the one error model, ../errors.ts). */
export class StrategyError extends DomainError<'forbidden' | 'not_found' | 'invalid' | 'conflict'> {
	constructor(code: StrategyError['code'], message: string, fields: Record<string, string> = {}) {
		super(code, message, { fields });
	}
}

export const userActor = (a: Actor) => ({ kind: 'user' as const, id: a.userId });

export function mustRead(actor: Actor, departmentCode: string) {
	if (!can(actor, 'strategy.read', { departmentCode }))
		throw new StrategyError('forbidden', 'La stratégie départementale est réservée à la coordination et aux partenaires du département.');
}

export function mustManage(actor: Actor, departmentCode: string) {
	if (!can(actor, 'strategy.manage', { departmentCode }))
		throw new StrategyError('forbidden', 'Seule la coordination départementale modifie la feuille de route et les comités.');
}

/** The départements whose strategy the actor reads: where they coordinate or are a partner; every one of the instance for its administrator. */
export async function readableDepartments(database: Database, actor: Actor): Promise<string[]> {
	const mine = actor.isAdmin ? (await getInstanceSettings(database)).departmentCodes : departmentsWith(actor, ['coordinator', 'partner']);
	return [...new Set(mine)].filter((d) => can(actor, 'strategy.read', { departmentCode: d })).sort();
}

/** The asked département when the actor reads it, else their first; none: refused. */
export async function pickDepartment(
	database: Database,
	actor: Actor,
	asked: string | null | undefined
): Promise<{ departmentCode: string; departments: string[] }> {
	const departments = await readableDepartments(database, actor);
	if (!departments.length)
		throw new StrategyError('forbidden', 'La stratégie départementale est réservée à la coordination et aux partenaires du département.');
	const a = (asked ?? '').trim().toUpperCase();
	return { departmentCode: departments.includes(a) ? a : departments[0], departments };
}

export async function axesOf(db: DbOrTx, departmentCode: string) {
	return db
		.select({ id: strategyAxes.id, label: strategyAxes.label, position: strategyAxes.position })
		.from(strategyAxes)
		.where(eq(strategyAxes.departmentCode, departmentCode))
		.orderBy(asc(strategyAxes.position), asc(strategyAxes.label));
}

/** Names of organisations by id (any département: the rows name only those of theirs). */
export async function orgNames(db: DbOrTx, ids: readonly (string | null | undefined)[]): Promise<Map<string, string>> {
	const m = await organisationSummaries(db, ids);
	return new Map([...m].map(([id, o]) => [id, o.name]));
}

export interface Territory {
	/** every area key of the département, with its label (« Bassin de vie de Nérac », « CA d’Agen (intercommunalité) », « Nérac (commune) ») */
	labels: Map<string, string>;
	areas: { key: AreaKey; id: number; label: string }[];
	epcis: { key: AreaKey; code: string; label: string }[];
	/** the communes of the département, for resolving names */
	communes: { code: string; name: string; epciCode: string | null }[];
	/** area id → its communes */
	areaCommunes: Map<number, string[]>;
}

/** The département's areas (the instance's), EPCIs and communes, with their labels. */
export async function territoryOf(database: Database, departmentCode: string): Promise<Territory> {
	const [areas, lookup] = await Promise.all([listAreas(database, departmentCode), municipalityLookup(database)]);
	const communes = lookup
		.inDepartment(departmentCode)
		.filter((m) => !m.parentInseeCode)
		.map((m) => ({ code: m.inseeCode, name: m.name, epciCode: m.epciCode, epciName: m.epciName }));
	const epciNames = new Map<string, string>();
	for (const c of communes) if (c.epciCode && c.epciName) epciNames.set(c.epciCode, c.epciName);
	const labels = new Map<string, string>();
	const areaList = areas.map((a) => ({
		key: `area:${a.id}` as AreaKey,
		id: a.id,
		label: `${a.name} (${AREA_KIND_LABELS[a.kind]?.toLowerCase() ?? a.kind})`
	}));
	const epcis = [...epciNames]
		.map(([code, name]) => ({ key: `epci:${code}` as AreaKey, code, label: name }))
		.sort((a, b) => a.label.localeCompare(b.label, 'fr'));
	for (const a of areaList) labels.set(a.key, a.label);
	for (const e of epcis) labels.set(e.key, e.label);
	for (const c of communes) labels.set(`commune:${c.code}`, c.name);
	const areaCommunes = new Map<number, string[]>();
	for (const a of areas) areaCommunes.set(a.id, (await communesOfAreas(database.db, departmentCode, [a.id])) ?? []);
	return { labels, areas: areaList, epcis, communes: communes.map(({ code, name, epciCode }) => ({ code, name, epciCode })), areaCommunes };
}

/** Communes typed by name or INSEE code (one per line, or separated by commas or semicolons) → their codes; the ones not found, as typed. */
export function resolveCommunes(t: Territory, typed: string): { codes: string[]; unknown: string[] } {
	const key = (s: string) =>
		s
			.normalize('NFD')
			.replace(/[\u0300-\u036f]/g, '')
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, ' ')
			.trim();
	const byName = new Map<string, string>();
	for (const c of t.communes) byName.set(key(c.name), c.code);
	const byCode = new Set(t.communes.map((c) => c.code));
	const codes: string[] = [];
	const unknown: string[] = [];
	for (const raw of typed.split(/[\n,;]+/)) {
		const s = raw.trim();
		if (!s) continue;
		const code = byCode.has(s.toUpperCase()) ? s.toUpperCase() : byName.get(key(s));
		if (code) {
			if (!codes.includes(code)) codes.push(code);
		} else unknown.push(s);
	}
	return { codes, unknown };
}

/** The organisations a form offers: the active ones of the département, by name. */
export async function organisationsOf(database: Database, departmentCode: string) {
	return (await activeOrganisationsOf(database.db, departmentCode)).map((o) => ({ id: o.id, name: o.name }));
}

/** The communes (INSEE codes) these area keys cover: an area's, an EPCI's, a commune itself. */
export function communesOfKeys(t: Territory, keys: readonly string[]): Set<string> {
	const out = new Set<string>();
	for (const k of keys) {
		const [kind, v] = k.split(':') as [string, string];
		if (kind === 'area') {
			for (const c of t.areaCommunes.get(Number(v)) ?? []) out.add(c);
		} else if (kind === 'epci') {
			for (const c of t.communes) if (c.epciCode === v) out.add(c.code);
		} else if (kind === 'commune') out.add(v);
	}
	return out;
}
