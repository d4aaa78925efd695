/**
 * The coordinator's work list (issue 12, item 8): the places of their territory (or of one
 * area) that need a look, by kind, with counts: approximate positions, missing hours,
 * missing contact, not updated for 12 months, names to rewrite (capitals, a number), and
 * probable duplicates (same address, or a few metres apart with a similar name).
 * Nothing is changed here: each line links to the place's page, and a name in capitals
 * comes with a suggestion in normal case, applied only on the coordinator's click.
 */
import { and, asc, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { departmentsWith, type Actor } from '../permissions/index.ts';
import { getArea, listAreas } from '../territory/index.ts';
import { places } from './db.ts';
import { parisDay } from '../../time.ts';
import { addressKey, distanceMetres, nameSimilarity } from './dedup.ts';
import { normalizeKey } from './values.ts';
import { inCapitals, normalCase, properNamesOf } from './names.ts';

export const WORK_KINDS = {
	doublons: 'Doublons probables',
	position: 'Position approximative',
	horaires: 'Horaires manquants',
	contact: 'Ni téléphone ni e-mail',
	anciens: 'Pas mis à jour depuis 12 mois',
	noms: 'Noms à réécrire'
} as const;
export type WorkKind = keyof typeof WORK_KINDS;

export interface WorkPlace {
	id: string;
	nom: string;
	commune: string;
	adresse: string;
	dateMaj: string;
	/** closed for a while (until the day it reopens), else null; places closed for good are not listed */
	closure?: { kind: 'temporary' | 'permanent'; until: string | null } | null;
	/** for "noms": the suggested spelling (capitals), or null (a number: to write by hand) */
	suggestion?: string | null;
}

export interface DuplicateGroup {
	reason: 'adresse' | 'proximite';
	places: WorkPlace[];
}

export interface WorkList {
	counts: Record<WorkKind, number>;
	lists: Record<Exclude<WorkKind, 'doublons'>, WorkPlace[]>;
	duplicates: DuplicateGroup[];
	total: number;
}

/** a name that is a SIRET, a SIREN or a phone number rather than what the public knows */
const NUMBER_NAME = /\d(?:[\s.]?\d){8,}/;

/** metres under which two places with similar names are probably one */
const NEAR_METRES = 60;
const SIMILAR_NAME = 0.5;

export async function workAreas(database: Database, actor: Actor) {
	const deps = actor.isAdmin ? null : departmentsWith(actor, ['coordinator']);
	if (deps && !deps.length) return [];
	// by département, kind and name (listAreas' order)
	return (await listAreas(database))
		.filter((a) => !deps || deps.includes(a.departmentCode))
		.map((a) => ({ id: a.id, name: a.name, kind: a.kind, departmentCode: a.departmentCode }));
}

/** The work list of the coordinator's départements, or of one area of them. */
export async function workList(database: Database, actor: Actor, opts: { areaId?: number | null; today?: string } = {}): Promise<WorkList> {
	const deps = actor.isAdmin ? null : departmentsWith(actor, ['coordinator']);
	const empty: WorkList = {
		counts: { doublons: 0, position: 0, horaires: 0, contact: 0, anciens: 0, noms: 0 },
		lists: { position: [], horaires: [], contact: [], anciens: [], noms: [] },
		duplicates: [],
		total: 0
	};
	if (deps && !deps.length) return empty;
	const today = opts.today ?? parisDay();
	const cutoff = `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`;
	const conds = [sql`${places.closure} IS DISTINCT FROM 'permanent'`];
	if (deps) conds.push(inArray(places.departmentCode, deps));
	if (opts.areaId != null) {
		const area = await getArea(database, opts.areaId);
		if (!area || (deps && !deps.includes(area.departmentCode))) return empty;
		// the area's communes (a few hundred at most), from territory
		conds.push(area.inseeCodes.length ? inArray(places.codeInsee, area.inseeCodes) : sql`false`);
	}
	const rows = await database.db
		.select({
			id: places.id,
			nom: places.nom,
			commune: places.commune,
			adresse: places.adresse,
			codeInsee: places.codeInsee,
			departmentCode: places.departmentCode,
			dateMaj: places.dateMaj,
			latitude: places.latitude,
			longitude: places.longitude,
			precision: places.locationPrecision,
			horaires: places.horaires,
			closure: places.closure,
			closedUntil: places.closedUntil,
			telephone: places.telephone,
			courriels: places.courriels
		})
		.from(places)
		.where(and(...conds))
		.orderBy(asc(places.commune), asc(places.nom));
	const out: WorkList = {
		...empty,
		counts: { ...empty.counts },
		lists: { position: [], horaires: [], contact: [], anciens: [], noms: [] },
		duplicates: [],
		total: rows.length
	};
	const closed = (r: (typeof rows)[number]) =>
		r.closure === 'temporary' && r.closedUntil && r.closedUntil > today ? { kind: 'temporary' as const, until: r.closedUntil } : null;
	const item = (r: (typeof rows)[number]): WorkPlace => ({
		id: r.id,
		nom: r.nom,
		commune: r.commune,
		adresse: r.adresse,
		dateMaj: r.dateMaj,
		closure: closed(r)
	});
	// the communes' spelling (« NERAC » → « Nérac ») for the names in capitals
	const capitals = rows.filter((r) => inCapitals(r.nom));
	const properNames = capitals.length
		? await properNamesOf(
				database.db,
				capitals.map((r) => r.departmentCode)
			)
		: undefined;
	for (const r of rows) {
		if (r.precision === 'municipality') out.lists.position.push(item(r));
		if (!r.horaires) out.lists.horaires.push(item(r));
		if (!r.telephone && !r.courriels.length) out.lists.contact.push(item(r));
		if (r.dateMaj < cutoff) out.lists.anciens.push(item(r));
		if (inCapitals(r.nom)) out.lists.noms.push({ ...item(r), suggestion: normalCase(r.nom, properNames) });
		else if (NUMBER_NAME.test(r.nom)) out.lists.noms.push({ ...item(r), suggestion: null });
	}
	out.lists.anciens.sort((a, b) => (a.dateMaj < b.dateMaj ? -1 : a.dateMaj > b.dateMaj ? 1 : 0));
	out.duplicates = duplicateGroups(rows).map((g) => ({ reason: g.reason, places: g.members.map(item) }));
	for (const k of Object.keys(out.lists) as (keyof WorkList['lists'])[]) out.counts[k] = out.lists[k].length;
	out.counts.doublons = out.duplicates.reduce((n, g) => n + g.places.length, 0);
	return out;
}

type DupRow = {
	id: string;
	nom: string;
	commune: string;
	adresse: string;
	codeInsee: string | null;
	latitude: number | null;
	longitude: number | null;
	precision: string;
};

/**
 * Groups of places that are probably one: the same address in the same commune, or less
 * than NEAR_METRES apart (both precise) with similar names. Groups are joined transitively.
 */
export function duplicateGroups<R extends DupRow>(rows: R[]): { reason: 'adresse' | 'proximite'; members: R[] }[] {
	const parent = new Map<string, string>();
	const find = (x: string): string => {
		let p = parent.get(x) ?? x;
		while (p !== (parent.get(p) ?? p)) p = parent.get(p) ?? p;
		parent.set(x, p);
		return p;
	};
	const reasonOf = new Map<string, 'adresse' | 'proximite'>();
	const union = (a: string, b: string, reason: 'adresse' | 'proximite') => {
		const ra = find(a);
		const rb = find(b);
		if (ra === rb) return;
		parent.set(rb, ra);
		const r = reasonOf.get(ra) === 'adresse' || reasonOf.get(rb) === 'adresse' || reason === 'adresse' ? 'adresse' : 'proximite';
		reasonOf.set(ra, r);
	};
	const byAddress = new Map<string, R>();
	for (const r of rows) {
		const key = `${r.codeInsee ?? normalizeKey(r.commune)}|${addressKey(r.adresse)}`;
		if (!addressKey(r.adresse)) continue;
		const first = byAddress.get(key);
		if (first) union(first.id, r.id, 'adresse');
		else byAddress.set(key, r);
	}
	// close pairs: a grid of ~100 m cells, each place compared with its neighbours
	const precise = rows.filter((r) => r.precision === 'address' && r.latitude != null && r.longitude != null);
	const cell = (lat: number, lng: number) => `${Math.floor(lat * 1000)}:${Math.floor(lng * 1000)}`;
	const grid = new Map<string, R[]>();
	for (const r of precise) {
		const k = cell(r.latitude!, r.longitude!);
		grid.set(k, [...(grid.get(k) ?? []), r]);
	}
	for (const r of precise) {
		const la = Math.floor(r.latitude! * 1000);
		const lo = Math.floor(r.longitude! * 1000);
		for (let i = -1; i <= 1; i++)
			for (let j = -1; j <= 1; j++)
				for (const o of grid.get(`${la + i}:${lo + j}`) ?? []) {
					if (o.id <= r.id) continue;
					if (distanceMetres(r.latitude!, r.longitude!, o.latitude!, o.longitude!) > NEAR_METRES) continue;
					if (nameSimilarity(normalizeKey(r.nom), normalizeKey(o.nom), normalizeKey(r.commune)) < SIMILAR_NAME) continue;
					union(r.id, o.id, 'proximite');
				}
	}
	const groups = new Map<string, R[]>();
	for (const r of rows) {
		if (!parent.has(r.id)) continue;
		const root = find(r.id);
		groups.set(root, [...(groups.get(root) ?? []), r]);
	}
	return [...groups.entries()]
		.filter(([, m]) => m.length > 1)
		.map(([root, members]) => ({ reason: reasonOf.get(root) ?? 'adresse', members }))
		.sort((a, b) => b.members.length - a.members.length || a.members[0].commune.localeCompare(b.members[0].commune, 'fr'));
}
