/**
 * The fragility index (IFN) of the communes: one commune's scores, a département's list.
 */
import { asc, desc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { fragilityIndex, municipalities } from './db.ts';
import type { FragilityScores, MunicipalityFragility } from './model.ts';
import { municipalityLookup } from './lookup.ts';

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
