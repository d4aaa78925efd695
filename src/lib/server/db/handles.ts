/** What the client (client.ts) and the request pool (request-pool.ts) both need, in a file of its own so that neither imports the other back. */
import type { SQL } from 'drizzle-orm';
import type { Database, Db } from './client.ts';

/** A database's `query`: the rows of a raw SQL query, whatever the driver. */
export function rowsOf(db: Db): Database['query'] {
	return async <T>(q: SQL) => ((await db.execute(q)) as unknown as { rows: T[] }).rows;
}

/** the pg pool of an owner's PostgreSQL database (for the request pool's owner routes) */
export const poolOf = new WeakMap<Database, import('pg').Pool>();
