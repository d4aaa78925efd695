/**
 * Areas and départements read by other capabilities (the Pass Numérique's campaigns) without
 * reaching into this capability's tables. Each takes the database handle or the caller's
 * transaction (`db`).
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { areaMunicipalities, areas, departments, municipalities } from './db.ts';

/** The communes (INSEE codes, sorted) of these areas; null when one of them is not an area of the département. */
export async function communesOfAreas(db: DbOrTx, departmentCode: string, areaIds: number[]): Promise<string[] | null> {
	if (!areaIds.length) return [];
	const found = await db
		.select({ id: areas.id })
		.from(areas)
		.where(and(inArray(areas.id, areaIds), eq(areas.departmentCode, departmentCode)));
	if (found.length !== new Set(areaIds).size) return null;
	const rows = await db.selectDistinct({ code: areaMunicipalities.inseeCode }).from(areaMunicipalities).where(inArray(areaMunicipalities.areaId, areaIds));
	return rows.map((r) => r.code).sort();
}

/** The names of these areas (unknown ids left out). */
export async function areaNames(db: DbOrTx, areaIds: number[]): Promise<string[]> {
	if (!areaIds.length) return [];
	const rows = await db.select({ id: areas.id, name: areas.name }).from(areas).where(inArray(areas.id, areaIds));
	return rows.map((a) => a.name);
}

/** A département's name (« Lot-et-Garonne »), or null when the territory does not know it. */
export async function departmentName(db: DbOrTx, code: string): Promise<string | null> {
	const [d] = await db.select({ name: departments.name }).from(departments).where(eq(departments.code, code));
	return d?.name ?? null;
}

/** The areas of one kind in a département, each with its communes (INSEE codes, sorted), by name. */
export async function areasWithCommunes(db: DbOrTx, departmentCode: string, kind: string): Promise<{ id: number; name: string; inseeCodes: string[] }[]> {
	const rows = await db
		.select({ id: areas.id, name: areas.name, code: areaMunicipalities.inseeCode })
		.from(areas)
		.leftJoin(areaMunicipalities, eq(areaMunicipalities.areaId, areas.id))
		.where(and(eq(areas.departmentCode, departmentCode), eq(areas.kind, kind)));
	const byId = new Map<number, { id: number; name: string; inseeCodes: string[] }>();
	for (const r of rows) {
		const a = byId.get(r.id) ?? { id: r.id, name: r.name, inseeCodes: [] };
		if (r.code) a.inseeCodes.push(r.code);
		byId.set(r.id, a);
	}
	return [...byId.values()].map((a) => ({ ...a, inseeCodes: a.inseeCodes.sort() })).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
}

/**
 * The units a département's figures are counted by (the steering space): its communes with
 * their EPCI, in name order, and the communes of each of its areas.
 */
export async function departmentUnits(
	db: DbOrTx,
	departmentCode: string
): Promise<{
	communes: { code: string; name: string; epci: string | null; epciName: string | null }[];
	areas: { id: number; kind: string; name: string; code: string }[];
}> {
	const [communes, members] = await Promise.all([
		db
			.select({ code: municipalities.inseeCode, name: municipalities.name, epci: municipalities.epciCode, epciName: municipalities.epciName })
			.from(municipalities)
			.where(eq(municipalities.departmentCode, departmentCode))
			.orderBy(asc(municipalities.name), asc(municipalities.inseeCode)),
		db
			.select({ id: areas.id, kind: areas.kind, name: areas.name, code: areaMunicipalities.inseeCode })
			.from(areas)
			.innerJoin(areaMunicipalities, eq(areaMunicipalities.areaId, areas.id))
			.where(eq(areas.departmentCode, departmentCode))
			.orderBy(asc(areas.name))
	]);
	return { communes, areas: members };
}
