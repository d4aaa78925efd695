/**
 * The commune lookup, all in memory and built once per database object: by INSEE code (former
 * codes too), postcode, name as typed (former names too), prefix and trigram similarity. Used
 * by the importers, the "Où ?" resolution and the areas.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { decoupageCommunes, lookupCache, releaseDecoupageCache } from './load.ts';
import {
	departmentsOfPostcode,
	matchFromSpelling,
	matchKey,
	nameKey,
	normalizePostcode,
	parentOfArrondissement,
	spellingFromNameKey,
	spellingKey,
	trigramSimilarity,
	trigrams,
	type TerritoryLookup,
	type TerritoryMunicipality
} from './model.ts';

export const byPopulation = (a: TerritoryMunicipality, b: TerritoryMunicipality) =>
	(b.population ?? 0) - (a.population ?? 0) || a.name.localeCompare(b.name, 'fr');
/** A commune with a position (the others cannot be shown on a map nor be a "Où ?" answer). */
export const hasPoint = (m: TerritoryMunicipality) => m.latitude != null && m.longitude != null;

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
