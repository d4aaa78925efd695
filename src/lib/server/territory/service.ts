/**
 * Territory use cases: the commune lookup used by importers, the "Où ?" resolution, areas
 * (pôles territoriaux, bassins de vie), the instance settings and the fragility index.
 *
 * Permission checks: these services take no actor yet (no auth capability exists); the
 * admin routes calling createArea/updateInstanceSettings… must go through `can()` once it does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import type { WherePoint, WhereResolution } from '../places/index.ts';
import { searchAddress, type AddressApi, type AddressPoint } from './address-api.ts';
import { areaMunicipalities, areas, departments, fragilityIndex, instanceSettings, municipalities } from './db.ts';
import { decoupageCommunes, decoupageDepartements, decoupageEpcis, lookupCache, releaseDecoupageCache } from './load.ts';
import {
	AREA_KIND_LABELS,
	areaInputSchema,
	areasFromCsv,
	candidateWindows,
	defaultInstanceSettings,
	departmentsOfPostcode,
	instanceSettingsPatchSchema,
	isDepartmentCode,
	isInseeCode,
	matchKey,
	matchEpciName,
	municipalityLabel,
	municipalityPoint,
	matchFromSpelling,
	nameKey,
	normalizePostcode,
	parentOfArrondissement,
	parseWhereQuery,
	spellingFromNameKey,
	spellingKey,
	TerritoryError,
	trigramSimilarity,
	trigrams,
	zodFieldErrors,
	type Area,
	type AreaInput,
	type AreaKind,
	type AreasFromCsvResult,
	type AreaSummary,
	type CsvRejection,
	type FieldError,
	type FragilityScores,
	type InstanceSettings,
	type MunicipalityFragility,
	type TerritoryLookup,
	type TerritoryMunicipality,
	type WhereQuery
} from './model.ts';

export { demoDepartments } from './model.ts';
export type { TerritoryLookup, TerritoryMunicipality } from './model.ts';

// ---------------------------------------------------------------------------
// The commune lookup (all in memory, built once per database object)

const byPopulation = (a: TerritoryMunicipality, b: TerritoryMunicipality) => (b.population ?? 0) - (a.population ?? 0) || a.name.localeCompare(b.name, 'fr');

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
	const list = map.get(key);
	if (!list) map.set(key, [value]);
	else if (!list.includes(value)) list.push(value);
}

/** index of the first entry whose key is >= prefix */
function lowerBound<T>(sorted: [string, T][], prefix: string): number {
	let lo = 0;
	let hi = sorted.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (sorted[mid][0] < prefix) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

function prefixScan<T>(sorted: [string, T][], prefix: string, max: number): T[] {
	const out = new Set<T>();
	for (let i = lowerBound(sorted, prefix); i < sorted.length && out.size < max; i++) {
		if (!sorted[i][0].startsWith(prefix)) break;
		out.add(sorted[i][1]);
	}
	return [...out];
}

/** Builds the lookup from rows (exported for tests and for tools holding the rows already). */
export function buildLookup(rows: TerritoryMunicipality[], withFormerNames = true): TerritoryLookup {
	const insee = new Map<string, TerritoryMunicipality>();
	const formerCodes = new Map<string, TerritoryMunicipality>();
	const postcodes = new Map<string, TerritoryMunicipality[]>();
	const names = new Map<string, TerritoryMunicipality[]>();
	const formerNames = new Map<string, TerritoryMunicipality[]>();
	const byDep = new Map<string, TerritoryMunicipality[]>();
	const keysOf = new Map<TerritoryMunicipality, { spelling: string; match: string }>();
	const nameIndex: [string, TerritoryMunicipality][] = [];
	const postcodeIndex: [string, TerritoryMunicipality][] = [];

	for (const m of rows) {
		insee.set(m.inseeCode, m);
		for (const pc of m.postcodes) {
			pushTo(postcodes, pc, m);
			postcodeIndex.push([pc, m]);
		}
		const spelling = spellingFromNameKey(m.nameKey);
		const match = matchFromSpelling(spelling);
		keysOf.set(m, { spelling, match });
		pushTo(names, match, m);
		pushTo(byDep, m.departmentCode, m);
		nameIndex.push([match, m]);
		if (m.nameKey !== match) nameIndex.push([m.nameKey, m]);
		if (spelling !== match && spelling !== m.nameKey) nameIndex.push([spelling, m]);
	}
	if (withFormerNames) {
		for (const c of decoupageCommunes()) {
			if (c.type === 'commune-deleguee' || c.type === 'commune-associee') {
				const current = c.chefLieu ? insee.get(c.chefLieu) : undefined;
				if (!current) continue;
				const key = matchKey(c.nom);
				if (key !== keysOf.get(current)!.match) pushTo(formerNames, key, current);
				if (!insee.has(c.code)) formerCodes.set(c.code, current);
			} else if (c.type === 'commune-actuelle' && c.anciensCodes) {
				const current = insee.get(c.code);
				if (current) for (const code of c.anciensCodes) if (!insee.has(code)) formerCodes.set(code, current);
			}
		}
		releaseDecoupageCache();
	}
	for (const list of [...postcodes.values(), ...names.values(), ...formerNames.values()]) list.sort(byPopulation);
	for (const list of byDep.values()) list.sort((a, b) => a.name.localeCompare(b.name, 'fr'));
	const byKey = (a: [string, unknown], b: [string, unknown]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
	nameIndex.sort(byKey);
	postcodeIndex.sort(byKey);

	// trigram index for misspellings, built on first use (≈ 0.2 s): posting lists of row indexes
	let grams: { postings: Map<string, Int32Array>; sizes: Uint8Array; counts: Uint16Array } | undefined;
	const trigramIndex = () => {
		if (grams) return grams;
		const lists = new Map<string, number[]>();
		const sizes = new Uint8Array(rows.length);
		rows.forEach((m, i) => {
			const set = trigrams(keysOf.get(m)!.spelling);
			sizes[i] = Math.min(255, set.size);
			for (const g of set) {
				const list = lists.get(g);
				if (list) list.push(i);
				else lists.set(g, [i]);
			}
		});
		const postings = new Map<string, Int32Array>();
		for (const [g, list] of lists) postings.set(g, Int32Array.from(list));
		return (grams = { postings, sizes, counts: new Uint16Array(rows.length) });
	};

	const byInsee = (code: string) => {
		const c = code.trim().toUpperCase();
		return insee.get(c) ?? formerCodes.get(c);
	};
	const byPostcode = (postcode: string) => {
		const pc = normalizePostcode(postcode);
		return pc ? (postcodes.get(pc) ?? []) : [];
	};
	const byNameAll = (name: string): TerritoryMunicipality[] => {
		const key = matchKey(name);
		if (!key) return [];
		const current = names.get(key);
		if (!current) return formerNames.get(key) ?? [];
		if (current.length < 2) return current;
		// "Le Pin" typed: the Le Pin communes before Pin
		const spelled = spellingKey(name);
		const exact = (m: TerritoryMunicipality) => Number(keysOf.get(m)!.spelling === spelled);
		return [...current].sort((a, b) => exact(b) - exact(a));
	};

	const byName = (name: string, opts: { postcode?: string; departmentCode?: string } = {}) => {
		const pc = normalizePostcode(opts.postcode);
		const dep = opts.departmentCode?.trim().toUpperCase() || undefined;
		let candidates = byNameAll(name);
		if (!candidates.length) return closestInPostcode(name, pc, dep);
		if (dep) candidates = candidates.filter((m) => m.departmentCode === dep);
		if (pc) {
			const withPostcode = candidates.filter((m) => m.postcodes.includes(pc));
			if (withPostcode.length) candidates = withPostcode;
			else {
				// a CEDEX or mistyped postcode: its département is still a good hint
				const deps = departmentsOfPostcode(pc);
				candidates = candidates.filter((m) => deps.includes(m.departmentCode) || m.departmentCode === dep);
			}
		}
		if (candidates.length <= 1) return candidates[0];
		const spelled = spellingKey(name);
		const exact = candidates.filter((m) => keysOf.get(m)!.spelling === spelled);
		return exact.length === 1 ? exact[0] : undefined;
	};

	/** a misspelt or decorated name ("Bordeaux Bastide", "Villeneuve s/Lot"): the closest commune of the postcode */
	const closestInPostcode = (name: string, pc: string | null, dep: string | undefined) => {
		if (!pc) return undefined;
		const pool = (postcodes.get(pc) ?? []).filter((m) => !dep || m.departmentCode === dep);
		const key = matchKey(name);
		if (!pool.length || !key) return undefined;
		const words = key.split(' ');
		const scored = pool
			.map((m) => {
				const k = keysOf.get(m)!.match;
				const kw = k.split(' ');
				const contained = kw.every((t) => words.includes(t)) || words.every((t) => kw.includes(t));
				return { m, score: Math.max(trigramSimilarity(key, k), contained ? 0.8 : 0) };
			})
			.sort((a, b) => b.score - a.score);
		const [best, second] = scored;
		if (best.score >= 0.45 && (!second || best.score - second.score >= 0.1)) return best.m;
		return undefined;
	};

	const fuzzy = (text: string, opts: { limit?: number; minimum?: number } = {}) => {
		const query = trigrams(spellingKey(text));
		if (!query.size) return [];
		const { postings, sizes, counts } = trigramIndex();
		// counts is shared: fuzzy is synchronous, and it is zeroed again before returning
		const touched: number[] = [];
		for (const g of query) {
			const list = postings.get(g);
			if (!list) continue;
			for (let j = 0; j < list.length; j++) {
				const i = list[j];
				if (counts[i]++ === 0) touched.push(i);
			}
		}
		const minimum = opts.minimum ?? 0.3;
		const out: { municipality: TerritoryMunicipality; score: number }[] = [];
		for (const i of touched) {
			const common = counts[i];
			counts[i] = 0;
			const score = common / (query.size + sizes[i] - common);
			if (score >= minimum) out.push({ municipality: rows[i], score });
		}
		out.sort((a, b) => b.score - a.score || byPopulation(a.municipality, b.municipality));
		return out.slice(0, opts.limit ?? 20);
	};

	return {
		all: rows,
		byInsee,
		byPostcode,
		byName,
		byNameAll,
		byNamePrefix: (prefix, max = 5000) => {
			const a = matchKey(prefix);
			const b = nameKey(prefix);
			if (!a && !b) return [];
			const found = new Set(prefixScan(nameIndex, a, max));
			if (b && b !== a) for (const m of prefixScan(nameIndex, b, max)) found.add(m);
			return [...found];
		},
		byPostcodePrefix: (prefix, max = 5000) => (/^\d{1,5}$/.test(prefix) ? prefixScan(postcodeIndex, prefix, max) : []),
		fuzzy,
		keys: (m) => keysOf.get(m) ?? { spelling: spellingKey(m.name), match: matchKey(m.name) },
		inDepartment: (dep) => byDep.get(dep.toUpperCase()) ?? []
	};
}

/** All communes in memory, cached per database object (≈ 35,000; ~0.3 s to build, then O(1) look-ups). */
export function municipalityLookup(database: Database): Promise<TerritoryLookup> {
	let cached = lookupCache.get(database) as Promise<TerritoryLookup> | undefined;
	if (!cached) {
		cached = loadLookup(database);
		lookupCache.set(database, cached);
		cached.then(
			(lookup) => {
				// not loaded yet: do not keep an empty lookup
				if (!lookup.all.length && lookupCache.get(database) === cached) lookupCache.delete(database);
			},
			() => lookupCache.delete(database)
		);
	}
	return cached;
}

/** Drops the cached lookup (loadTerritory does it for the database it loads). */
export function forgetMunicipalityLookup(database: Database): void {
	lookupCache.delete(database);
}

type LookupRow = [string, string, string, string[] | null, number | null, number | null, number | null, string | null, string | null, string, string | null];

async function loadLookup(database: Database): Promise<TerritoryLookup> {
	// one JSON text rather than 35,000 rows: 4× faster on PGlite, where decoding rows is the cost
	const [res] = await database.query<{ rows: string | null }>(sql`
		select json_agg(json_build_array(insee_code, name, name_key, postcodes, latitude, longitude, population,
			epci_code, epci_name, department_code, region_code))::text as rows
		from municipalities`);
	const rows = (res?.rows ? JSON.parse(res.rows) : []) as LookupRow[];
	return buildLookup(
		rows.map(([inseeCode, name, key, postcodes, latitude, longitude, population, epciCode, epciName, departmentCode, regionCode]) => ({
			inseeCode,
			name,
			nameKey: key,
			postcodes: postcodes ?? [],
			latitude,
			longitude,
			population,
			epciCode,
			epciName,
			departmentCode,
			regionCode,
			parentInseeCode: parentOfArrondissement(inseeCode)
		})),
		rows.length > 0
	);
}

// ---------------------------------------------------------------------------
// "Où ?"

export interface ResolveWhereOptions {
	/** the instance's départements: homonyms there come first, a single one there wins */
	departmentCodes?: string[];
	/** an address service; tried for texts that look like an address */
	addressApi?: AddressApi;
}

interface WhereContext {
	lookup: TerritoryLookup;
	prefer: Set<string>;
	q: WhereQuery;
}

const MAX_CANDIDATES = 10;
const hasPoint = (m: TerritoryMunicipality) => m.latitude != null && m.longitude != null;

function found(point: WherePoint | undefined): WhereResolution | undefined {
	return point ? { status: 'found', point } : undefined;
}

function rank(ctx: WhereContext, list: TerritoryMunicipality[], extra?: (m: TerritoryMunicipality) => number) {
	return [...list].sort(
		(a, b) => Number(ctx.prefer.has(b.departmentCode)) - Number(ctx.prefer.has(a.departmentCode)) || (extra ? extra(b) - extra(a) : 0) || byPopulation(a, b)
	);
}

function ambiguous(
	ctx: WhereContext,
	list: TerritoryMunicipality[],
	label?: (m: TerritoryMunicipality) => string,
	kind: WherePoint['kind'] = 'municipality'
): WhereResolution | undefined {
	const candidates = list
		.slice(0, MAX_CANDIDATES)
		.map((m) => municipalityPoint(m, kind, label?.(m)))
		.filter((p): p is WherePoint => !!p);
	if (!candidates.length) return undefined;
	if (candidates.length === 1) return { status: 'found', point: candidates[0] };
	return { status: 'ambiguous', query: ctx.q.raw, candidates };
}

/** Applies the postcode / "(47)" hints; keeps the list when a hint would empty it. */
function applyHints(ctx: WhereContext, list: TerritoryMunicipality[], dep: string | null): TerritoryMunicipality[] {
	let out = list.filter(hasPoint);
	if (dep) {
		const f = out.filter((m) => m.departmentCode === dep);
		if (f.length) out = f;
	}
	const pc = ctx.q.postcode;
	if (pc) {
		const f = out.filter((m) => m.postcodes.includes(pc));
		if (f.length) out = f;
		else {
			const deps = departmentsOfPostcode(pc);
			const g = out.filter((m) => deps.includes(m.departmentCode));
			if (g.length) out = g;
		}
	}
	return out;
}

/** Among communes bearing the typed name: one, or the only one in the instance's départements, else a choice. */
function chooseAmong(ctx: WhereContext, list: TerritoryMunicipality[], text: string, dep: string | null): WhereResolution | undefined {
	let c = applyHints(ctx, list, dep);
	if (!c.length) return undefined;
	if (c.length > 1) {
		const spelled = spellingKey(text);
		const exact = c.filter((m) => ctx.lookup.keys(m).spelling === spelled);
		if (exact.length && exact.length < c.length) c = exact;
	}
	if (c.length === 1) return found(municipalityPoint(c[0]));
	const mine = c.filter((m) => ctx.prefer.has(m.departmentCode));
	if (mine.length === 1) return found(municipalityPoint(mine[0]));
	return ambiguous(ctx, rank(ctx, c));
}

function resolveName(ctx: WhereContext, text: string): WhereResolution | undefined {
	let list = ctx.lookup.byNameAll(text);
	let dep = ctx.q.departmentCode;
	if (!list.length) {
		// "Castelnau 47", "Agen 47"
		const m = /^(.*\S)\s+(\d{2,3}|2[ab])$/i.exec(text);
		if (m && isDepartmentCode(m[2].toUpperCase())) {
			list = ctx.lookup.byNameAll(m[1]);
			dep = m[2].toUpperCase();
		}
	}
	return list.length ? chooseAmong(ctx, list, text, dep) : undefined;
}

/** A postcode: its commune, the clearly main one, or the list (arrondissements preferred to their city). */
function resolvePostcode(ctx: WhereContext, postcode: string): WhereResolution | undefined {
	let c = ctx.lookup.byPostcode(postcode).filter(hasPoint);
	const parents = new Set(c.map((m) => m.parentInseeCode).filter(Boolean));
	c = c.filter((m) => !parents.has(m.inseeCode));
	if (!c.length) return undefined;
	const label = (m: TerritoryMunicipality) => `${m.name} (${postcode})`;
	if (c.length === 1) return found(municipalityPoint(c[0], 'postcode', `${postcode} ${c[0].name}`));
	// c is sorted by population: the first is "the" commune of the postcode when it holds most of its people
	const [top, second] = c;
	const total = c.reduce((s, m) => s + (m.population ?? 0), 0);
	if ((top.population ?? 0) >= 0.5 * total && (top.population ?? 0) >= 2 * (second.population ?? 0))
		return found(municipalityPoint(top, 'postcode', `${postcode} ${top.name}`));
	const candidates = c.map((m) => municipalityPoint(m, 'postcode', label(m))).filter((p): p is WherePoint => !!p);
	return { status: 'ambiguous', query: ctx.q.raw, candidates };
}

/**
 * The instance's own département first (issue 12, item 5): "Villeneuve" is
 * Villeneuve-sur-Lot on a Lot-et-Garonne site, not one of the communes named exactly
 * "Villeneuve" elsewhere; "Sainte Livrade" is Sainte-Livrade-sur-Lot, not Sainte-Livrade
 * (31). When no commune of the instance's départements bears the name itself, the one
 * there whose name starts with it wins: the only one, or by far the most populated (at
 * least twice all the others together; "Castelnau" stays a choice between
 * Castelnau-sur-Gupie and Castelnaud-de-Gratecambe). Not when a postcode or a département
 * is typed.
 */
function resolveHomePrefix(ctx: WhereContext, text: string): WhereResolution | undefined {
	if (!ctx.prefer.size || ctx.q.postcode || ctx.q.departmentCode) return undefined;
	const key = matchKey(text);
	if (key.length < 3) return undefined;
	if (ctx.lookup.byNameAll(text).some((m) => ctx.prefer.has(m.departmentCode))) return undefined;
	const list = ctx.lookup
		.byNamePrefix(text)
		.filter((m) => hasPoint(m) && ctx.prefer.has(m.departmentCode))
		.sort(byPopulation);
	if (!list.length) return undefined;
	const [top, ...others] = list;
	const rest = others.reduce((n, m) => n + (m.population ?? 0), 0);
	if (others.length && (top.population ?? 0) < 2 * rest) return undefined;
	return found(municipalityPoint(top));
}

function resolvePrefix(ctx: WhereContext, text: string): WhereResolution | undefined {
	const key = matchKey(text);
	if (key.length < 3) return undefined;
	const list = applyHints(ctx, ctx.lookup.byNamePrefix(text), ctx.q.departmentCode);
	if (!list.length) return undefined;
	if (list.length === 1) return found(municipalityPoint(list[0]));
	const wordStart = (m: TerritoryMunicipality) => Number(ctx.lookup.keys(m).match.startsWith(`${key} `));
	return ambiguous(ctx, rank(ctx, list, wordStart));
}

function resolveFuzzy(ctx: WhereContext, text: string, minimum: number): WhereResolution | undefined {
	if (spellingKey(text).length < 4) return undefined;
	const scored = ctx.lookup.fuzzy(text, { minimum, limit: 20 }).map((r) => ({ m: r.municipality, score: r.score }));
	const keep = new Set(
		applyHints(
			ctx,
			scored.map((s) => s.m),
			ctx.q.departmentCode
		)
	);
	const list = scored.filter((s) => keep.has(s.m));
	if (!list.length) return undefined;
	const [best, second] = list;
	if (!second || best.score - second.score >= 0.1) return found(municipalityPoint(best.m));
	const close = list.filter((s) => s.score >= best.score - 0.1).map((s) => s.m);
	const mine = close.filter((m) => ctx.prefer.has(m.departmentCode));
	if (mine.length === 1) return found(municipalityPoint(mine[0]));
	return ambiguous(ctx, rank(ctx, close));
}

/** A commune named inside a longer text ("12 rue X, Agen", "mairie de Villeneuve-sur-Lot"). */
function resolveInText(ctx: WhereContext): WhereResolution | undefined {
	const pc = ctx.q.postcode;
	let best: { list: TerritoryMunicipality[]; score: number[] } | undefined;
	for (const w of candidateWindows(ctx.q.rest)) {
		if (w.key.length < 2) continue;
		let list = ctx.lookup.byNameAll(w.key).filter(hasPoint);
		if (pc && list.length) {
			const withPc = list.filter((m) => m.postcodes.includes(pc) || departmentsOfPostcode(pc).includes(m.departmentCode));
			if (!withPc.length) continue;
			list = withPc;
		}
		if (!list.length) continue;
		// later segment (after the last comma), then longer, then later in the text
		const score = [w.segment, w.length, w.start];
		if (
			!best ||
			score[0] > best.score[0] ||
			(score[0] === best.score[0] && (score[1] > best.score[1] || (score[1] === best.score[1] && score[2] > best.score[2])))
		)
			best = { list, score };
	}
	if (!best) return undefined;
	return chooseAmong(ctx, best.list, best.list[0].name, ctx.q.departmentCode);
}

async function resolveWithAddressApi(ctx: WhereContext, api: AddressApi): Promise<WhereResolution | undefined> {
	const res = await searchAddress(api, ctx.q.raw, { limit: 5 });
	if (res.status !== 'ok') return undefined;
	const points = res.points.filter((p) => ((p as Partial<AddressPoint>).score ?? 1) >= 0.4);

	if (!points.length) return undefined;
	// the service's order, except that a result in the instance's départements nearly as good comes first
	const score = (p: WherePoint) => (p as Partial<AddressPoint>).score ?? 1;
	const depOf = (p: WherePoint) => (p.inseeCode ? ctx.lookup.byInsee(p.inseeCode)?.departmentCode : undefined);
	const mine = points.find((p) => {
		const dep = depOf(p);
		return dep ? ctx.prefer.has(dep) && score(p) >= score(points[0]) - 0.15 : false;
	});
	const p = mine ?? points[0];
	return {
		status: 'found',
		point: {
			label: p.label,
			latitude: p.latitude,
			longitude: p.longitude,
			kind: p.kind,
			...(p.inseeCode ? { inseeCode: p.inseeCode } : {})
		}
	};
}

/**
 * The public "Où ?" field: a postcode, an INSEE code, a commune name (any spelling), "Agen 47000",
 * "Castelnau (47)", or an address (through the address service when configured and reachable,
 * else the commune named in it). Never throws for a bad input.
 */
export async function resolveWhere(database: Database, query: string, opts: ResolveWhereOptions = {}): Promise<WhereResolution> {
	const q = parseWhereQuery(query ?? '');
	const notFound: WhereResolution = { status: 'not_found', query: q.raw };
	if (!q.raw) return notFound;
	const lookup = await municipalityLookup(database);
	const ctx: WhereContext = { lookup, prefer: new Set((opts.departmentCodes ?? []).map((d) => d.toUpperCase())), q };

	if (!q.rest || /^\d+$/.test(q.rest) || q.inseeCode) {
		if (q.postcode) {
			const r = resolvePostcode(ctx, q.postcode);
			if (r) return r;
		}
		if (q.inseeCode || (q.postcode && isInseeCode(q.postcode))) {
			const m = lookup.byInsee(q.inseeCode ?? q.postcode!);
			return found(m && municipalityPoint(m)) ?? notFound;
		}
		return notFound;
	}
	const home = resolveHomePrefix(ctx, q.rest);
	if (home) return home;
	const named = resolveName(ctx, q.rest);
	if (named) return named;
	// a commune of that name exists but has no centre (a few overseas): nothing better to offer
	if (lookup.byNameAll(q.rest).length) return notFound;

	if (q.looksLikeAddress) {
		if (opts.addressApi) {
			const r = await resolveWithAddressApi(ctx, opts.addressApi);
			if (r) return r;
		}
		const commune = resolveInText(ctx) ?? (q.postcode ? resolvePostcode(ctx, q.postcode) : undefined);
		// the address itself was not found: say so, and search around its commune
		return commune?.status === 'found' ? { ...commune, addressNotFound: true } : (commune ?? notFound);
	}

	const r =
		resolvePrefix(ctx, q.rest) ??
		resolveFuzzy(ctx, q.rest, 0.55) ??
		resolveInText(ctx) ??
		resolveFuzzy(ctx, q.rest, 0.4) ??
		(q.postcode ? resolvePostcode(ctx, q.postcode) : undefined);
	if (r) return r;
	if (opts.addressApi) return (await resolveWithAddressApi(ctx, opts.addressApi)) ?? notFound;
	return notFound;
}

/** For an autocomplete / datalist: communes whose name (or postcode) starts with the text. */
export async function suggestMunicipalities(database: Database, prefix: string, limit = 10, opts: { departmentCodes?: string[] } = {}): Promise<WherePoint[]> {
	const text = (prefix ?? '').trim().slice(0, 100);
	if (text.length < 2) return [];
	const lookup = await municipalityLookup(database);
	const prefer = new Set((opts.departmentCodes ?? []).map((d) => d.toUpperCase()));
	const max = Math.min(Math.max(1, limit), 50);
	if (/^\d{2,5}$/.test(text)) {
		const list = lookup
			.byPostcodePrefix(text)
			.filter(hasPoint)
			.sort((a, b) => Number(prefer.has(b.departmentCode)) - Number(prefer.has(a.departmentCode)) || byPopulation(a, b));
		return list.slice(0, max).map((m) => {
			const pc = m.postcodes.find((p) => p.startsWith(text)) ?? m.postcodes[0];
			return municipalityPoint(m, 'postcode', `${m.name} (${pc})`)!;
		});
	}
	const key = matchKey(text);
	const typed = nameKey(text);
	// exact name first, then names starting as typed (article included: "la te" → La Teste-de-Buch), the instance's, the most populated
	const score = (m: TerritoryMunicipality) =>
		(lookup.keys(m).match === key ? 4 : 0) + (m.nameKey.startsWith(typed) ? 2 : 0) + (prefer.has(m.departmentCode) ? 1 : 0);
	const list = lookup
		.byNamePrefix(text)
		.filter(hasPoint)
		.sort((a, b) => score(b) - score(a) || byPopulation(a, b));
	return list.slice(0, max).map((m) => municipalityPoint(m)!);
}

// ---------------------------------------------------------------------------
// Areas

async function knownDepartmentCodes(database: DbOrTx): Promise<Set<string>> {
	const rows = await database.select({ code: departments.code }).from(departments);
	return new Set(rows.length ? rows.map((r) => r.code) : decoupageDepartements().map((d) => d.code));
}

/** Validates an area and returns it normalised (current INSEE codes, deduplicated). Throws TerritoryError. */
async function validateArea(database: Database, input: AreaInput | Record<string, unknown>): Promise<AreaInput> {
	const parsed = areaInputSchema.safeParse(input);
	if (!parsed.success)
		throw new TerritoryError(
			'invalid',
			'Territoire invalide.',
			zodFieldErrors(parsed.error).map((e) => e.message)
		);
	const area = parsed.data;
	if (!(await knownDepartmentCodes(database.db)).has(area.departmentCode)) throw new TerritoryError('invalid', `Département ${area.departmentCode} inconnu.`);
	const codes = await checkMunicipalities(database, area.departmentCode, area.inseeCodes);
	return { ...area, inseeCodes: codes };
}

async function checkMunicipalities(database: Database, departmentCode: string, inseeCodes: string[]): Promise<string[]> {
	const lookup = await municipalityLookup(database);
	const unknown: string[] = [];
	const elsewhere: string[] = [];
	const codes = new Set<string>();
	for (const raw of inseeCodes) {
		const m = lookup.byInsee(raw);
		if (!m) unknown.push(raw);
		else if (m.departmentCode !== departmentCode) elsewhere.push(`${m.name} (${m.inseeCode}, ${m.departmentCode})`);
		else codes.add(m.inseeCode);
	}
	const details = [
		...(unknown.length ? [`Commune(s) inconnue(s)\u00a0: ${unknown.join(', ')}.`] : []),
		...(elsewhere.length ? [`Commune(s) hors du département ${departmentCode}\u00a0: ${elsewhere.join(', ')}.`] : [])
	];
	if (details.length) throw new TerritoryError('invalid', details.join(' '), details);
	return [...codes];
}

async function insertMembers(tx: DbOrTx, areaId: number, codes: string[]): Promise<void> {
	for (let i = 0; i < codes.length; i += 5000)
		await tx
			.insert(areaMunicipalities)
			.values(codes.slice(i, i + 5000).map((inseeCode) => ({ areaId, inseeCode })))
			.onConflictDoNothing();
}

async function summarise(database: Database, area: Area, codes: string[]): Promise<AreaSummary> {
	const lookup = await municipalityLookup(database);
	return {
		...area,
		municipalityCount: codes.length,
		population: codes.reduce((s, c) => s + (lookup.byInsee(c)?.population ?? 0), 0)
	};
}

const toArea = (r: { id: number; departmentCode: string; kind: string; name: string }): Area => ({
	id: r.id,
	departmentCode: r.departmentCode,
	kind: r.kind as AreaKind,
	name: r.name
});

/** A new area; throws TerritoryError('conflict') when one of that name and kind exists in the département. */
export async function createArea(database: Database, input: AreaInput): Promise<AreaSummary> {
	const area = await validateArea(database, input);
	const created = await database.db.transaction(async (tx) => {
		const [row] = await tx.insert(areas).values({ departmentCode: area.departmentCode, kind: area.kind, name: area.name }).onConflictDoNothing().returning();
		if (!row)
			throw new TerritoryError(
				'conflict',
				`Le territoire « ${area.name} » (${AREA_KIND_LABELS[area.kind].toLowerCase()}) existe déjà dans le département ${area.departmentCode}.`
			);
		await insertMembers(tx, row.id, area.inseeCodes);
		return toArea(row);
	});
	return summarise(database, created, area.inseeCodes);
}

async function writeArea(t: DbOrTx, area: AreaInput): Promise<{ area: Area; created: boolean }> {
	const [inserted] = await t.insert(areas).values({ departmentCode: area.departmentCode, kind: area.kind, name: area.name }).onConflictDoNothing().returning();
	const row =
		inserted ??
		(
			await t
				.select()
				.from(areas)
				.where(and(eq(areas.departmentCode, area.departmentCode), eq(areas.kind, area.kind), eq(areas.name, area.name)))
		)[0];
	await t.delete(areaMunicipalities).where(eq(areaMunicipalities.areaId, row.id));
	await insertMembers(t, row.id, area.inseeCodes);
	return { area: toArea(row), created: !!inserted };
}

/**
 * Creates the areas or replaces the communes of existing ones (same département, kind and name),
 * all or nothing. Everything is validated before the transaction (PGlite has one connection:
 * nothing may query outside the transaction while it runs). Throws TerritoryError.
 */
export async function saveAreas(database: Database, inputs: AreaInput[]): Promise<(AreaSummary & { created: boolean })[]> {
	const valid: AreaInput[] = [];
	for (const input of inputs) valid.push(await validateArea(database, input));
	await municipalityLookup(database);
	const written = await database.db.transaction(async (tx) => {
		const out: { area: Area; created: boolean }[] = [];
		for (const area of valid) out.push(await writeArea(tx, area));
		return out;
	});
	return Promise.all(written.map(async (w, i) => ({ ...(await summarise(database, w.area, valid[i].inseeCodes)), created: w.created })));
}

/** Creates the area or replaces the communes of the existing one. Throws TerritoryError. */
export async function saveArea(database: Database, input: AreaInput): Promise<AreaSummary & { created: boolean }> {
	return (await saveAreas(database, [input]))[0];
}

/** Replaces an area's communes. Throws TerritoryError (not_found, invalid). */
export async function setAreaMunicipalities(database: Database, areaId: number, inseeCodes: string[]): Promise<AreaSummary> {
	const [row] = await database.db.select().from(areas).where(eq(areas.id, areaId));
	if (!row) throw new TerritoryError('not_found', 'Territoire introuvable.');
	const codes = await checkMunicipalities(database, row.departmentCode, inseeCodes);
	await database.db.transaction(async (tx) => {
		await tx.delete(areaMunicipalities).where(eq(areaMunicipalities.areaId, areaId));
		await insertMembers(tx, areaId, codes);
	});
	return summarise(database, toArea(row), codes);
}

export async function getArea(database: Database, areaId: number): Promise<(Area & { inseeCodes: string[] }) | undefined> {
	const [row] = await database.db.select().from(areas).where(eq(areas.id, areaId));
	if (!row) return undefined;
	const members = await database.db
		.select({ code: areaMunicipalities.inseeCode })
		.from(areaMunicipalities)
		.where(eq(areaMunicipalities.areaId, areaId))
		.orderBy(asc(areaMunicipalities.inseeCode));
	return { ...toArea(row), inseeCodes: members.map((m) => m.code) };
}

/** Areas with their number of communes and population, by département, kind and name. */
export async function listAreas(database: Database, departmentCode?: string): Promise<AreaSummary[]> {
	const rows = await database.query<{
		id: number;
		department_code: string;
		kind: string;
		name: string;
		municipality_count: number;
		population: number;
	}>(sql`
		select a.id, a.department_code, a.kind, a.name,
			count(am.insee_code)::int as municipality_count,
			coalesce(sum(m.population), 0)::int as population
		from areas a
		left join area_municipalities am on am.area_id = a.id
		left join municipalities m on m.insee_code = am.insee_code
		${departmentCode ? sql`where a.department_code = ${departmentCode.toUpperCase()}` : sql``}
		group by a.id
		order by a.department_code, a.kind, a.name`);
	return rows.map((r) => ({
		id: Number(r.id),
		departmentCode: r.department_code,
		kind: r.kind as AreaKind,
		name: r.name,
		municipalityCount: Number(r.municipality_count),
		population: Number(r.population)
	}));
}

/** The areas a commune belongs to (one per kind, normally). */
export async function areaOf(database: Database, inseeCode: string): Promise<Area[]> {
	const lookup = await municipalityLookup(database);
	const code = lookup.byInsee(inseeCode)?.inseeCode ?? inseeCode.trim().toUpperCase();
	const rows = await database.db
		.select({ id: areas.id, departmentCode: areas.departmentCode, kind: areas.kind, name: areas.name })
		.from(areaMunicipalities)
		.innerJoin(areas, eq(areas.id, areaMunicipalities.areaId))
		.where(eq(areaMunicipalities.inseeCode, code))
		.orderBy(asc(areas.kind), asc(areas.name));
	return rows.map(toArea);
}

export async function deleteArea(database: Database, areaId: number): Promise<boolean> {
	const rows = await database.db.delete(areas).where(eq(areas.id, areaId)).returning({ id: areas.id });
	return rows.length > 0;
}

export interface AreasImportResult extends AreasFromCsvResult {
	saved: (AreaSummary & { created: boolean })[];
}

/** Parses a `departement;type;nom;code_insee` CSV, checks every row, saves the valid areas (replacing their communes). */
export async function importAreasFromCsv(database: Database, text: string): Promise<AreasImportResult> {
	const lookup = await municipalityLookup(database);
	const parsed = areasFromCsv(text, { lookup });
	const known = await knownDepartmentCodes(database.db);
	const rejected: CsvRejection[] = [...parsed.rejected];
	const valid = parsed.areas.filter((a) => {
		if (known.has(a.departmentCode)) return true;
		rejected.push({
			line: 0,
			values: [a.departmentCode, a.kind, a.name],
			reasons: [`Département ${a.departmentCode} inconnu\u00a0: territoire « ${a.name} » ignoré.`]
		});
		return false;
	});
	const saved = await saveAreas(database, valid);
	return { ...parsed, rejected, saved };
}

export { areasFromCsv } from './model.ts';

// ---------------------------------------------------------------------------
// Gironde's pôles territoriaux, from the Département's own file of places

export interface GirondeAreasReport {
	/** one per pôle */
	areas: { name: string; id: number; municipalities: number; population: number; epcis: string[]; places: number }[];
	/** an EPCI written under several pôles */
	conflicts: { epci: string; epciCode: string; poles: { name: string; places: number }[]; resolution: string }[];
	/** EPCI names not found in the national list: the communes of their places were used */
	unmatchedEpcis: { written: string; poles: string[]; municipalities: string[] }[];
	/** communes of a conflicting EPCI with no place, hence no pôle (unless assignUnplaced = 'nearest') */
	unassigned: { inseeCode: string; name: string; epci: string; candidates: string[] }[];
	/** communes placed by proximity (assignUnplaced = 'nearest') */
	assignedByProximity: { inseeCode: string; name: string; pole: string }[];
	/** EPCIs of the département never named in the file: their communes are in no pôle */
	uncoveredEpcis: { epci: string; municipalities: number }[];
	/** places whose commune could not be identified */
	unresolvedPlaces: { row: number; commune: string }[];
	/** French */
	warnings: string[];
	places: number;
}

const GIRONDE = '33';

/**
 * One area of kind 'pole_territorial' per "Pôle territorial" of the Gironde file: all the communes
 * (in Gironde) of every EPCI written for that pôle. An EPCI written under several pôles is a
 * conflict: each of its communes hosting places goes to the pôle of its places, the others are
 * left out and listed (or, with assignUnplaced: 'nearest', given the pôle of the nearest commune
 * of the same EPCI, and listed). Re-running replaces the pôles' communes.
 */
export async function importAreasFromGironde(
	database: Database,
	sharedDir: string,
	opts: { assignUnplaced?: 'none' | 'nearest' } = {}
): Promise<GirondeAreasReport> {
	const file = join(sharedDir, 'lieux', 'gironde-33-departement.json');
	const records = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[];
	const lookup = await municipalityLookup(database);
	const str = (v: unknown) => (typeof v === 'string' ? v.trim() : v == null ? '' : String(v).trim());
	const report: GirondeAreasReport = {
		areas: [],
		conflicts: [],
		unmatchedEpcis: [],
		unassigned: [],
		assignedByProximity: [],
		uncoveredEpcis: [],
		unresolvedPlaces: [],
		warnings: [],
		places: records.length
	};

	const epcis = decoupageEpcis()
		.map((e) => ({
			code: e.code,
			name: e.nom,
			members: e.membres.map((m) => lookup.byInsee(m.code)).filter((m): m is TerritoryMunicipality => m?.departmentCode === GIRONDE),
			outside: e.membres.filter((m) => lookup.byInsee(m.code)?.departmentCode !== GIRONDE).length
		}))
		.filter((e) => e.members.length);
	releaseDecoupageCache();

	type Epci = (typeof epcis)[number];
	const poleOrder: string[] = [];
	const placesPerPole = new Map<string, number>();
	const epciPoles = new Map<string, Map<string, number>>(); // epci code → pôle → places
	const epciByCode = new Map<string, Epci>();
	const writtenMatch = new Map<string, Epci | undefined>();
	const unmatched = new Map<string, { poles: Set<string>; communes: Set<string> }>();
	const communePoles = new Map<string, Map<string, number>>(); // insee → pôle → places
	const polesEpcis = new Map<string, Set<string>>();

	records.forEach((rec, index) => {
		const row = index + 1;
		const pole = str(rec['Pôle territorial']);
		const written = str(rec['Intercommunalité']);
		const commune = str(rec['Commune']);
		const postcode = /\b(\d{5})\b/.exec(str(rec['Adresse postale']))?.[1];
		if (!pole) {
			report.warnings.push(`Lieu ${row} (${str(rec['Lieu']) || 'sans nom'})\u00a0: pas de pôle territorial, ignoré.`);
			return;
		}
		if (!placesPerPole.has(pole)) poleOrder.push(pole);
		placesPerPole.set(pole, (placesPerPole.get(pole) ?? 0) + 1);
		const m = commune ? (lookup.byName(commune, { postcode, departmentCode: GIRONDE }) ?? lookup.byName(commune, { departmentCode: GIRONDE })) : undefined;
		if (!m) report.unresolvedPlaces.push({ row, commune: commune || '(vide)' });
		else {
			const counts = communePoles.get(m.inseeCode) ?? new Map<string, number>();
			counts.set(pole, (counts.get(pole) ?? 0) + 1);
			communePoles.set(m.inseeCode, counts);
		}
		if (!written) return;
		if (!writtenMatch.has(written)) writtenMatch.set(written, matchEpciName(written, epcis));
		const epci = writtenMatch.get(written);
		if (!epci) {
			const u = unmatched.get(written) ?? { poles: new Set<string>(), communes: new Set<string>() };
			u.poles.add(pole);
			if (m) u.communes.add(m.inseeCode);
			unmatched.set(written, u);
			return;
		}
		if (m && m.epciCode && m.epciCode !== epci.code)
			report.warnings.push(`Lieu ${row}\u00a0: la commune ${m.name} n’est pas dans « ${written} » mais dans « ${m.epciName} ».`);
		epciByCode.set(epci.code, epci);
		const counts = epciPoles.get(epci.code) ?? new Map<string, number>();
		counts.set(pole, (counts.get(pole) ?? 0) + 1);
		epciPoles.set(epci.code, counts);
		const set = polesEpcis.get(pole) ?? new Set<string>();
		set.add(epci.name);
		polesEpcis.set(pole, set);
	});

	const assignment = new Map<string, string>(); // insee → pôle
	const majority = (counts: Map<string, number>) => [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
	const assign = (insee: string, pole: string, why: string) => {
		const prev = assignment.get(insee);
		if (prev && prev !== pole) {
			const m = lookup.byInsee(insee);
			report.warnings.push(`La commune ${m?.name ?? insee} relève à la fois de « ${prev} » et de « ${pole} » (${why})\u00a0: laissée dans « ${prev} ».`);
			return;
		}
		assignment.set(insee, pole);
	};

	for (const [code, counts] of epciPoles) {
		const epci = epciByCode.get(code)!;
		if (epci.outside) report.warnings.push(`${epci.name}\u00a0: ${epci.outside} commune(s) hors de la Gironde non rattachée(s).`);
		if (counts.size === 1) {
			const pole = [...counts.keys()][0];
			for (const m of epci.members) assign(m.inseeCode, pole, epci.name);
			continue;
		}
		const poles = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([name, places]) => ({ name, places }));
		const placed = epci.members.filter((m) => communePoles.has(m.inseeCode));
		for (const m of placed) {
			const own = communePoles.get(m.inseeCode)!;
			if (own.size > 1)
				report.warnings.push(
					`La commune ${m.name} a des lieux dans plusieurs pôles (${[...own.keys()].join(', ')})\u00a0: rattachée à « ${majority(own)} », qui en compte le plus.`
				);
			assign(m.inseeCode, majority(own), 'lieux');
		}
		const rest = epci.members.filter((m) => !communePoles.has(m.inseeCode));
		let resolution = `${placed.length} commune(s) ayant des lieux rattachée(s) au pôle de leurs lieux`;
		if (rest.length && opts.assignUnplaced === 'nearest') {
			for (const m of rest) {
				const nearest = placed
					.filter((p) => hasPoint(p) && hasPoint(m))
					.map((p) => ({ p, d: (p.latitude! - m.latitude!) ** 2 + ((p.longitude! - m.longitude!) * Math.cos((m.latitude! * Math.PI) / 180)) ** 2 }))
					.sort((a, b) => a.d - b.d)[0]?.p;
				if (!nearest) continue;
				const pole = assignment.get(nearest.inseeCode)!;
				assign(m.inseeCode, pole, 'proximité');
				report.assignedByProximity.push({ inseeCode: m.inseeCode, name: m.name, pole });
			}
			resolution += `, ${rest.length} autre(s) au pôle de la commune la plus proche`;
		} else if (rest.length) {
			for (const m of rest) report.unassigned.push({ inseeCode: m.inseeCode, name: m.name, epci: epci.name, candidates: poles.map((p) => p.name) });
			resolution += `, ${rest.length} commune(s) sans lieu laissée(s) hors pôle (${rest.map((m) => m.name).join(', ')})`;
		}
		report.conflicts.push({ epci: epci.name, epciCode: epci.code, poles, resolution: `${resolution}.` });
	}

	for (const [written, u] of unmatched) {
		for (const insee of u.communes) assign(insee, majority(communePoles.get(insee)!), 'lieux');
		report.unmatchedEpcis.push({
			written,
			poles: [...u.poles],
			municipalities: [...u.communes].map((c) => lookup.byInsee(c)?.name ?? c)
		});
		report.warnings.push(`Intercommunalité « ${written} » non reconnue\u00a0: seules les communes de ses lieux sont rattachées.`);
	}

	const mentioned = new Set(epciPoles.keys());
	for (const e of epcis)
		if (!mentioned.has(e.code) && !e.members.some((m) => assignment.has(m.inseeCode)))
			report.uncoveredEpcis.push({ epci: e.name, municipalities: e.members.length });

	const members = new Map<string, string[]>(poleOrder.map((p) => [p, []]));
	for (const [insee, pole] of assignment) members.get(pole)?.push(insee);
	const saved = await saveAreas(
		database,
		poleOrder.map((pole) => ({ departmentCode: GIRONDE, kind: 'pole_territorial' as const, name: pole, inseeCodes: members.get(pole)!.sort() }))
	);
	report.areas = saved.map((area) => ({
		name: area.name,
		id: area.id,
		municipalities: area.municipalityCount,
		population: area.population,
		epcis: [...(polesEpcis.get(area.name) ?? [])].sort(),
		places: placesPerPole.get(area.name) ?? 0
	}));
	return report;
}

// ---------------------------------------------------------------------------
// Instance settings

function toSettings(row: typeof instanceSettings.$inferSelect): InstanceSettings {
	return {
		name: row.name,
		departmentCodes: row.departmentCodes,
		logoUrl: row.logoUrl,
		colorPrimary: row.colorPrimary,
		colorAccent: row.colorAccent,
		contactEmail: row.contactEmail,
		publisher: row.publisher,
		publicationDirector: row.publicationDirector,
		host: row.host,
		dpoContact: row.dpoContact,
		accessibilityContact: row.accessibilityContact,
		updatedAt: row.updatedAt
	};
}

/** The instance's settings; the row is created from the environment on first call. */
/**
 * Every page reads the settings (name, colours): kept 10 seconds in memory. A change made
 * here is seen at once; one made by another process (`maillage config set`) within 10 s.
 */
const settingsCache = new WeakMap<Database, { at: number; value: Promise<InstanceSettings> }>();
const SETTINGS_TTL_MS = 10_000;

export function getInstanceSettings(database: Database): Promise<InstanceSettings> {
	const hit = settingsCache.get(database);
	if (hit && Date.now() - hit.at < SETTINGS_TTL_MS) return hit.value;
	const value = readInstanceSettings(database);
	settingsCache.set(database, { at: Date.now(), value });
	value.catch(() => settingsCache.delete(database));
	return value;
}

async function readInstanceSettings(database: Database): Promise<InstanceSettings> {
	const [row] = await database.db.select().from(instanceSettings).where(eq(instanceSettings.id, 1));
	if (row) return toSettings(row);
	await database.db
		.insert(instanceSettings)
		.values({ id: 1, ...defaultInstanceSettings() })
		.onConflictDoNothing();
	const [created] = await database.db.select().from(instanceSettings).where(eq(instanceSettings.id, 1));
	return toSettings(created);
}

export type UpdateInstanceSettingsResult = { ok: true; settings: InstanceSettings } | { ok: false; errors: FieldError[] };

/** Validates and applies a partial change (French messages per field); nothing is written when invalid. */
export async function updateInstanceSettings(database: Database, patch: unknown): Promise<UpdateInstanceSettingsResult> {
	settingsCache.delete(database);
	const parsed = instanceSettingsPatchSchema.safeParse(patch);
	if (!parsed.success) return { ok: false, errors: zodFieldErrors(parsed.error) };
	const data = parsed.data;
	if (data.departmentCodes) {
		const known = await knownDepartmentCodes(database.db);
		const unknown = data.departmentCodes.filter((d) => !known.has(d));
		if (unknown.length)
			return {
				ok: false,
				errors: [{ field: 'departmentCodes', message: `Département(s) inconnu(s)\u00a0: ${unknown.join(', ')}.` }]
			};
	}
	await getInstanceSettings(database);
	const set = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
	const [row] = await database.db
		.update(instanceSettings)
		.set({ ...set, updatedAt: new Date() })
		.where(eq(instanceSettings.id, 1))
		.returning();
	settingsCache.delete(database);
	return { ok: true, settings: toSettings(row) };
}

// ---------------------------------------------------------------------------
// Fragility (IFN)

const fragilityColumns = {
	inseeCode: fragilityIndex.inseeCode,
	noThdCoverage: fragilityIndex.noThdCoverage,
	no4gCoverage: fragilityIndex.no4gCoverage,
	poverty: fragilityIndex.poverty,
	older65: fragilityIndex.older65,
	lowDiploma: fragilityIndex.lowDiploma,
	total: fragilityIndex.total
};

/** The commune's five scores and total (0–10, higher = more fragile), or null when the index has none. */
export async function fragilityOf(database: Database, inseeCode: string): Promise<FragilityScores | null> {
	const code = inseeCode.trim().toUpperCase();
	const [row] = await database.db.select(fragilityColumns).from(fragilityIndex).where(eq(fragilityIndex.inseeCode, code));
	if (row) return row;
	// a former code (commune merged since the index was computed) or a renumbered commune
	const current = (await municipalityLookup(database)).byInsee(code);
	if (!current || current.inseeCode === code) return null;
	const [again] = await database.db.select(fragilityColumns).from(fragilityIndex).where(eq(fragilityIndex.inseeCode, current.inseeCode));
	return again ?? null;
}

/** Every commune of the département having an index, most fragile first. */
export async function fragilityByDepartment(database: Database, departmentCode: string): Promise<MunicipalityFragility[]> {
	return database.db
		.select({ ...fragilityColumns, name: municipalities.name, population: municipalities.population })
		.from(fragilityIndex)
		.innerJoin(municipalities, eq(municipalities.inseeCode, fragilityIndex.inseeCode))
		.where(eq(municipalities.departmentCode, departmentCode.trim().toUpperCase()))
		.orderBy(desc(fragilityIndex.total), asc(municipalities.name));
}

export { municipalityLabel };
