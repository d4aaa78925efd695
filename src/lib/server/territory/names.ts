/**
 * Territory names for other capabilities: départements by code, and the proper names of a
 * few départements (their communes', and every département's) as places' normalCase() needs
 * them. Read in one query each; callers build their own maps from the rows.
 */
import { asc, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { departments, municipalities } from './db.ts';

/** The départements of these codes, by code ("47" → Lot-et-Garonne). */
export async function departmentNames(db: DbOrTx, codes: string[]): Promise<{ code: string; name: string }[]> {
	if (!codes.length) return [];
	return db.select({ code: departments.code, name: departments.name }).from(departments).where(inArray(departments.code, codes)).orderBy(asc(departments.code));
}

/** The names of the communes of these départements and of every département, each once (unordered). */
export async function properNamesIn(db: DbOrTx, departmentCodes: string[]): Promise<string[]> {
	if (!departmentCodes.length) return [];
	const rows = await db
		.select({ name: municipalities.name })
		.from(municipalities)
		.where(inArray(municipalities.departmentCode, departmentCodes))
		.union(db.select({ name: departments.name }).from(departments));
	return rows.map((r) => r.name);
}
