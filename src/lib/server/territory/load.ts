/**
 * Loads the reference territory: every commune, the départements and the digital fragility
 * index, from @etalab/decoupage-administratif (COG, postcodes, EPCI) and the shared data files
 * (centres and populations from territoire/communes-2024.csv, indicateurs/ifn-communes.csv).
 * Idempotent and transactional; bulk multi-row upserts.
 *
 * Decisions:
 * - Communes: decoupage-administratif's "commune-actuelle" (34,969, all France including
 *   overseas collectivities) AND the 45 "arrondissement-municipal" of Paris, Lyon, Marseille,
 *   so that "Marseille 11" or 13011 find a precise point. An arrondissement keeps its own
 *   code (13211), postcodes and population, its commune's EPCI; its commune is derived from
 *   the code (parentOfArrondissement: no column for it). Paris, Lyon and Marseille themselves
 *   have no row in the CSV: their centre is the population-weighted centre of their arrondissements.
 * - Centres: the CSV's, joined on the INSEE code; a commune created since (new code) takes
 *   the one of its former commune of the same name; the 8 communes still without one (restored
 *   or renamed after the CSV's vintage) take the mean of the communes sharing their postcode;
 *   the overseas collectivities absent from the CSV stay without centre and are counted.
 * - Populations: the CSV's (2021), else decoupage-administratif's.
 * - Départements: departements-2024.csv (101) plus the overseas collectivities named by
 *   decoupage-administratif (975, 977, 978, 984, 986–989), without centre: 109.
 * - IFN: stored as given (its codes are older than the COG: 2 rows without scores skipped).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { eq, sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { bulkUpsert } from '../db/bulk.ts';
import { departments, fragilityIndex, municipalities, seedRuns } from './db.ts';
import { nameKey, parentOfArrondissement } from './model.ts';
import { storeShapes } from './shapes.ts';

// ---------------------------------------------------------------------------
// @etalab/decoupage-administratif (its main entry reads ./data from the cwd: read the JSON files)

export interface DecoupageCommune {
	code: string;
	nom: string;
	type: 'commune-actuelle' | 'commune-deleguee' | 'commune-associee' | 'arrondissement-municipal';
	departement: string;
	region?: string;
	codesPostaux?: string[];
	population?: number;
	anciensCodes?: string[];
	/** for a delegated or associated commune: the current commune */
	chefLieu?: string;
	/** for an arrondissement municipal: its commune */
	commune?: string;
	zone?: string;
}

export interface DecoupageEpci {
	code: string;
	nom: string;
	type: string;
	membres: { code: string; nom: string }[];
}

export interface DecoupageDepartement {
	code: string;
	nom: string;
	region: string;
	chefLieu: string;
}

const require = createRequire(import.meta.url);
const jsonCache = new Map<string, unknown>();

function decoupageJson<T>(file: 'communes' | 'epci' | 'departements'): T {
	let data = jsonCache.get(file);
	if (!data) {
		const path = require.resolve(`@etalab/decoupage-administratif/data/${file}.json`);
		data = JSON.parse(readFileSync(path, 'utf8'));
		jsonCache.set(file, data);
	}
	return data as T;
}

export const decoupageCommunes = () => decoupageJson<DecoupageCommune[]>('communes');
export const decoupageEpcis = () => decoupageJson<DecoupageEpci[]>('epci');
export const decoupageDepartements = () => decoupageJson<DecoupageDepartement[]>('departements');

/** Forget the parsed JSON (≈ 30 MB in memory) once the loader and the lookup are built. */
export function releaseDecoupageCache(): void {
	jsonCache.clear();
}

// ---------------------------------------------------------------------------
// Shared data files

/**
 * Rows of a CSV file as objects keyed by the header. Files without any quote (communes-2024.csv,
 * ifn-communes.csv) are split directly (3× faster than csv-parse, same result); others go
 * through csv-parse.
 */
function readCsv(path: string): Record<string, string>[] {
	const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
	const table = text.includes('"')
		? (parseCsv(text, { skip_empty_lines: true, relax_column_count: true }) as string[][])
		: text
				.split(/\r?\n/)
				.filter((line) => line !== '')
				.map((line) => line.split(','));
	const [header, ...rows] = table;
	return rows.map((values) => {
		const row: Record<string, string> = {};
		for (let i = 0; i < header.length; i++) row[header[i]] = values[i] ?? '';
		return row;
	});
}

const num = (s: string | undefined): number | null => {
	if (s == null || s.trim() === '') return null;
	const n = Number(s);
	return Number.isFinite(n) ? n : null;
};

export type MunicipalityRow = typeof municipalities.$inferInsert;
export type DepartmentRow = typeof departments.$inferInsert;
export type FragilityRow = typeof fragilityIndex.$inferInsert;

export interface TerritoryData {
	municipalities: MunicipalityRow[];
	departments: DepartmentRow[];
	fragility: FragilityRow[];
	/** INSEE codes of communes loaded without a centroid */
	withoutCoordinates: string[];
	/** INSEE codes of communes whose centre was approximated from the communes sharing their postcode */
	approximatedCoordinates: string[];
	/** IFN rows skipped because a score is missing */
	fragilitySkipped: number;
}

/** Reads and joins the sources (no database). */
export function readTerritoryData(sharedDir: string): TerritoryData {
	const communes = decoupageCommunes();
	const epciOf = new Map<string, { code: string; name: string }>();
	for (const epci of decoupageEpcis()) for (const m of epci.membres) epciOf.set(m.code, { code: epci.code, name: epci.nom });

	// communes-2024.csv: several rows per code (one per postcode, delegated communes): keep the first COM/ARM row
	const csvByCode = new Map<string, Record<string, string>>();
	for (const row of readCsv(join(sharedDir, 'territoire', 'communes-2024.csv'))) {
		if (row.commune_type !== 'COM' && row.commune_type !== 'ARM') continue;
		const prev = csvByCode.get(row.insee_com);
		if (!prev || (prev.lat === '' && row.lat !== '')) csvByCode.set(row.insee_com, row);
	}

	const rows: MunicipalityRow[] = [];
	for (const c of communes) {
		if (c.type !== 'commune-actuelle' && c.type !== 'arrondissement-municipal') continue;
		let csv = csvByCode.get(c.code);
		if (!csv?.lat && c.anciensCodes?.length) {
			// a commune created since the CSV's vintage: take the former commune bearing its name, else the first one known
			const former = c.anciensCodes.map((code) => csvByCode.get(code)).filter((r) => r?.lat);
			csv = former.find((r) => nameKey(r!.commune) === nameKey(c.nom)) ?? former[0] ?? csv;
		}
		const parent = c.type === 'arrondissement-municipal' ? (c.commune ?? parentOfArrondissement(c.code)) : null;
		const epci = epciOf.get(c.code) ?? (parent ? epciOf.get(parent) : undefined);
		const postcodes = c.codesPostaux?.length ? [...c.codesPostaux] : csv?.code_postal ? [csv.code_postal] : [];
		rows.push({
			inseeCode: c.code,
			name: c.nom,
			nameKey: nameKey(c.nom),
			postcodes: [...new Set(postcodes)].sort(),
			latitude: num(csv?.lat),
			longitude: num(csv?.lng),
			population: csv && csv.insee_com === c.code ? (num(csv.population_2021) ?? c.population ?? null) : (c.population ?? null),
			epciCode: epci?.code ?? null,
			epciName: epci?.name ?? null,
			departmentCode: c.departement,
			regionCode: c.region ?? null
		});
	}

	// Paris, Lyon, Marseille have no row of their own in the CSV: centre of their arrondissements, weighted by population
	const byCode = new Map(rows.map((r) => [r.inseeCode, r]));
	const children = new Map<string, MunicipalityRow[]>();
	for (const r of rows) {
		const parent = parentOfArrondissement(r.inseeCode);
		if (parent) children.set(parent, [...(children.get(parent) ?? []), r]);
	}
	for (const [parent, arrs] of children) {
		const p = byCode.get(parent);
		if (!p || p.latitude != null) continue;
		const located = arrs.filter((a) => a.latitude != null && a.longitude != null);
		const weight = (a: MunicipalityRow) => Math.max(1, a.population ?? 1);
		const total = located.reduce((s, a) => s + weight(a), 0);
		if (!total) continue;
		p.latitude = Math.round((located.reduce((s, a) => s + a.latitude! * weight(a), 0) / total) * 1e5) / 1e5;
		p.longitude = Math.round((located.reduce((s, a) => s + a.longitude! * weight(a), 0) / total) * 1e5) / 1e5;
	}

	// a few communes created or restored after the CSV's vintage have no centre: the mean of the communes
	// sharing a postcode with them in their département, an approximation of a few kilometres
	const located = new Map<string, MunicipalityRow[]>();
	for (const r of rows) if (r.latitude != null && r.longitude != null) for (const pc of r.postcodes ?? []) located.set(pc, [...(located.get(pc) ?? []), r]);
	const approximated: string[] = [];
	for (const r of rows) {
		if (r.latitude != null && r.longitude != null) continue;
		const near = new Set((r.postcodes ?? []).flatMap((pc) => located.get(pc) ?? []).filter((n) => n.departmentCode === r.departmentCode));
		if (!near.size) continue;
		const list = [...near];
		r.latitude = Math.round((list.reduce((s, n) => s + n.latitude!, 0) / list.length) * 1e5) / 1e5;
		r.longitude = Math.round((list.reduce((s, n) => s + n.longitude!, 0) / list.length) * 1e5) / 1e5;
		approximated.push(r.inseeCode);
	}

	const deps: DepartmentRow[] = readCsv(join(sharedDir, 'territoire', 'departements-2024.csv')).map((d) => ({
		code: d.insee_dep,
		name: d.departement,
		regionCode: d.insee_reg || null,
		latitude: num(d.lat),
		longitude: num(d.lng)
	}));
	// collectivités d'outre-mer (975, 977…) are not in the CSV but have communes: name them from decoupage
	const depCodes = new Set(deps.map((d) => d.code));
	for (const d of decoupageDepartements())
		if (!depCodes.has(d.code)) deps.push({ code: d.code, name: d.nom, regionCode: d.region ?? null, latitude: null, longitude: null });
	const used = new Set(rows.map((r) => r.departmentCode));
	for (const code of used) if (!deps.some((d) => d.code === code)) deps.push({ code, name: code, regionCode: null, latitude: null, longitude: null });

	const fragility: FragilityRow[] = [];
	let fragilitySkipped = 0;
	const seenIfn = new Set<string>();
	for (const f of readCsv(join(sharedDir, 'indicateurs', 'ifn-communes.csv'))) {
		const scores = [f.no_thd_coverage_rate, f.no_4g_coverage_rate, f.poverty_rate, f.older_65_rate, f.nscol15p_rate, f.total].map(num);
		if (!f.code || scores.some((s) => s == null) || seenIfn.has(f.code)) {
			fragilitySkipped++;
			continue;
		}
		seenIfn.add(f.code);
		const [noThdCoverage, no4gCoverage, poverty, older65, lowDiploma, total] = scores as number[];
		fragility.push({ inseeCode: f.code, noThdCoverage, no4gCoverage, poverty, older65, lowDiploma, total });
	}

	return {
		municipalities: rows,
		departments: deps,
		fragility,
		withoutCoordinates: rows.filter((r) => r.latitude == null || r.longitude == null).map((r) => r.inseeCode),
		approximatedCoordinates: approximated,
		fragilitySkipped
	};
}

// ---------------------------------------------------------------------------
// Loading

export interface LoadTerritoryResult {
	municipalities: number;
	departments: number;
	fragility: number;
	ms: number;
	/** communes loaded without centroid (they cannot be a search point) */
	withoutCoordinates: number;
	withoutCoordinatesCodes: string[];
	/** communes whose centre is the mean of the communes sharing their postcode (absent from communes-2024.csv) */
	approximatedCoordinates: string[];
	/** IFN rows skipped (a score missing, e.g. Marseille as a whole) */
	fragilitySkipped: number;
	/** communes no longer current, deleted (those still used by an area are kept) */
	removed: number;
	/** time reading and joining the files, and writing, in ms */
	readMs: number;
	writeMs: number;
	/** boundaries stored for the maps (shapes.ts): départements, those with their communes' */
	shapes: { departments: number; withCommunes: string[]; ms: number };
}

export const TERRITORY_SEED_STEP = 'territory';

export async function loadTerritory(database: Database, opts: { sharedDir: string }): Promise<LoadTerritoryResult> {
	const started = performance.now();
	const data = readTerritoryData(opts.sharedDir);
	const readMs = performance.now() - started;
	const codes = new Set(data.municipalities.map((m) => m.inseeCode));
	let removed = 0;

	await database.db.transaction(async (tx) => {
		// rows left unchanged are not rewritten (a re-run touches only what changed)
		await bulkUpsert(tx, departments, data.departments, { conflict: ['code'], onlyIfChanged: true, chunk: 5000 });
		await bulkUpsert(tx, municipalities, data.municipalities, { conflict: ['inseeCode'], onlyIfChanged: true, chunk: 5000 });
		removed = await removeStale(tx, 'municipalities', codes, true);
		await bulkUpsert(tx, fragilityIndex, data.fragility, { conflict: ['inseeCode'], onlyIfChanged: true, chunk: 5000 });
		await removeStale(tx, 'fragility_index', new Set(data.fragility.map((f) => f.inseeCode)), false);

		const detail = JSON.stringify({
			municipalities: data.municipalities.length,
			departments: data.departments.length,
			fragility: data.fragility.length,
			withoutCoordinates: data.withoutCoordinates.length
		});
		await tx
			.insert(seedRuns)
			.values({ step: TERRITORY_SEED_STEP, detail })
			.onConflictDoUpdate({ target: seedRuns.step, set: { detail, doneAt: sql`now()` } });
	});
	// planner statistics for the freshly loaded tables
	await database.db.execute(sql`analyze municipalities`);
	await database.db.execute(sql`analyze fragility_index`);
	forgetLookup(database);
	const shapes = await loadShapes(database, opts);
	releaseDecoupageCache();
	const ms = performance.now() - started;
	return {
		municipalities: data.municipalities.length,
		departments: data.departments.length,
		fragility: data.fragility.length,
		ms: Math.round(ms),
		withoutCoordinates: data.withoutCoordinates.length,
		withoutCoordinatesCodes: data.withoutCoordinates,
		approximatedCoordinates: data.approximatedCoordinates,
		fragilitySkipped: data.fragilitySkipped,
		removed,
		readMs: Math.round(readMs),
		writeMs: Math.round(ms - readMs - shapes.ms),
		shapes
	};
}

/** Deletes the rows whose code is no longer in the sources (communes still used by an area are kept). */
async function removeStale(tx: DbOrTx, table: 'municipalities' | 'fragility_index', current: Set<string>, keepUsed: boolean): Promise<number> {
	const existing = await tx.execute<{ code: string }>(sql.raw(`select insee_code as code from "${table}"`));
	const rows = (existing as unknown as { rows: { code: string }[] }).rows;
	const stale = rows.map((r) => r.code).filter((c) => !current.has(c));
	let removed = 0;
	for (let i = 0; i < stale.length; i += 1000) {
		const chunk = stale.slice(i, i + 1000);
		const res = await tx.execute(sql`
			delete from ${sql.raw(`"${table}"`)} t
			where t.insee_code = any(${sql.param(chunk)}::text[])
			${keepUsed ? sql`and not exists (select 1 from area_municipalities a where a.insee_code = t.insee_code)` : sql``}
			returning t.insee_code`);
		removed += (res as unknown as { rows: unknown[] }).rows.length;
	}
	return removed;
}

/**
 * Stores the boundaries of ../shared/data/geo (shapes.ts), a former commune's shape given to
 * the commune it joined (decoupage-administratif's former codes, delegated and associated
 * communes): Gironde's file has 4 of them, Pyrénées-Atlantiques' 1.
 */
export async function loadShapes(database: Database, opts: { sharedDir: string }): Promise<{ departments: number; withCommunes: string[]; ms: number }> {
	const current = new Map<string, string>();
	for (const c of decoupageCommunes()) {
		if (c.type === 'commune-actuelle') for (const old of c.anciensCodes ?? []) if (old !== c.code) current.set(old, c.code);
	}
	for (const c of decoupageCommunes())
		if ((c.type === 'commune-deleguee' || c.type === 'commune-associee') && c.chefLieu && !current.has(c.code)) current.set(c.code, c.chefLieu);
	// a code that is still current stays itself
	for (const c of decoupageCommunes()) if (c.type === 'commune-actuelle') current.delete(c.code);
	const result = await storeShapes(database, { sharedDir: opts.sharedDir, currentOf: (code) => current.get(code) ?? code });
	releaseDecoupageCache();
	return result;
}

/** Loads the territory once per database (first start); returns null when already done. */
export async function ensureTerritoryLoaded(database: Database, opts: { sharedDir: string }): Promise<LoadTerritoryResult | null> {
	const done = await database.db.select().from(seedRuns).where(eq(seedRuns.step, TERRITORY_SEED_STEP));
	if (done.length) return null;
	return loadTerritory(database, opts);
}

/**
 * The in-memory commune lookup, per database object (built by service.ts). Kept here so that
 * loading the territory can drop it without an import cycle.
 */
export const lookupCache = new WeakMap<Database, Promise<unknown>>();

function forgetLookup(database: Database): void {
	lookupCache.delete(database);
}

/** The départements loaded, else the national list. */
export async function knownDepartmentCodes(database: DbOrTx): Promise<Set<string>> {
	const rows = await database.select({ code: departments.code }).from(departments);
	return new Set(rows.length ? rows.map((r) => r.code) : decoupageDepartements().map((d) => d.code));
}
