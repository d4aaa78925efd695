/**
 * The second wall of territory isolation (migration 0008): on PostgreSQL, a professional's
 * reads of territorial tables run as the role maillage_scoped, in a transaction where
 * maillage.departments holds their départements ('*' for the instance administrator), so
 * that row-level security hides any other département's rows even if a service's own
 * filter were wrong. PGlite (one embedded user) relies on the services' filter alone.
 */
import { sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import type { Actor } from './permissions.ts';

export function scopeOf(actor: Actor): string {
	if (actor.isAdmin) return '*';
	return [...new Set(actor.memberships.map((m) => m.departmentCode))].join(',');
}

export async function asScoped<T>(database: Database, actor: Actor, fn: (db: DbOrTx) => Promise<T>): Promise<T> {
	if (database.kind !== 'postgres') return fn(database.db);
	return database.db.transaction(async (tx) => {
		await tx.execute(sql`set local role maillage_scoped`);
		await tx.execute(sql`select set_config('maillage.departments', ${scopeOf(actor)}, true)`);
		return fn(tx);
	});
}
