import { eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { places } from './db.ts';

/** The names of places by id, in one query (for lists that show a place beside their own rows). */
export async function placeNames(db: DbOrTx, ids: readonly (string | null | undefined)[]): Promise<Map<string, string>> {
	const wanted = [...new Set(ids.filter((i): i is string => !!i))];
	if (!wanted.length) return new Map();
	const rows = await db.select({ id: places.id, nom: places.nom }).from(places).where(inArray(places.id, wanted));
	return new Map(rows.map((r) => [r.id, r.nom]));
}

/** What a referral needs of the place it goes to: its name, département, e-mails and closure; with `followMerge`, the place a merged id now lives in (merged_ids). */
export async function placeForReferral(
	db: DbOrTx,
	id: string,
	opts: { followMerge?: boolean } = {}
): Promise<{ id: string; nom: string; departmentCode: string | null; courriels: string[]; closure: string | null } | undefined> {
	const cols = { id: places.id, nom: places.nom, departmentCode: places.departmentCode, courriels: places.courriels, closure: places.closure };
	const [place] = await db.select(cols).from(places).where(eq(places.id, id));
	if (place || !opts.followMerge) return place;
	const [merged] = await db
		.select(cols)
		.from(places)
		.where(sql`${places.mergedIds} @> ARRAY[${id}]::text[]`)
		.limit(1);
	return merged;
}
