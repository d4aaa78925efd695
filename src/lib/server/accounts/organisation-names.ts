import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { organisations } from './db.ts';

/** The names of structures by id, in one query (for lists that show a structure beside their own rows). */
export async function organisationNames(db: DbOrTx, ids: readonly (string | null | undefined)[]): Promise<Map<string, string>> {
	const wanted = [...new Set(ids.filter((i): i is string => !!i))];
	if (!wanted.length) return new Map();
	const rows = await db.select({ id: organisations.id, name: organisations.name }).from(organisations).where(inArray(organisations.id, wanted));
	return new Map(rows.map((r) => [r.id, r.name]));
}
