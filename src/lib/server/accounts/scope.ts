/**
 * The second wall of territory isolation (migration 0008): on PostgreSQL, row-level
 * security hides any other département's rows even if a service's own filter were wrong.
 * Since migration 0015 every request runs that way by default (the request pool, role
 * maillage_app, scoped to the actor by hooks.server.ts: docs/decisions/0006). asScoped
 * still narrows one call explicitly — to the given actor, as the role maillage_scoped, in a
 * transaction — which also holds on the owner's connection (command line, tests).
 * PGlite (one embedded user) relies on the services' filter alone.
 */
import { sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import type { Actor } from '../permissions/index.ts';

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
