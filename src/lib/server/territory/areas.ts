/**
 * Areas (pôles territoriaux, bassins de vie): created, saved from a list or a CSV (their
 * communes replaced), read, listed with their population, deleted. Throws TerritoryError.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { areaMunicipalities, areas } from './db.ts';
import { knownDepartmentCodes } from './load.ts';
import { TerritoryError, zodFieldErrors } from './model.ts';
import {
	AREA_KIND_LABELS,
	areaInputSchema,
	areasFromCsv,
	type Area,
	type AreaInput,
	type AreaKind,
	type AreasFromCsvResult,
	type AreaSummary,
	type CsvRejection
} from './area-model.ts';
import { municipalityLookup } from './lookup.ts';

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
