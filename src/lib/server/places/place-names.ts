import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { places } from './db.ts';

/** The names of places by id, in one query (for lists that show a place beside their own rows). */
export async function placeNames(db: DbOrTx, ids: readonly (string | null | undefined)[]): Promise<Map<string, string>> {
	const wanted = [...new Set(ids.filter((i): i is string => !!i))];
	if (!wanted.length) return new Map();
	const rows = await db.select({ id: places.id, nom: places.nom }).from(places).where(inArray(places.id, wanted));
	return new Map(rows.map((r) => [r.id, r.nom]));
}
