/**
 * The migrations and the tables the code declares (every capability's db.ts, gathered by
 * db/schema.ts) describe the same database. Migrations are SQL written by hand since 0014
 * (CONTRIBUTING.md): a column added to a db.ts and forgotten in its migration, or the other
 * way round, fails here on a fresh database instead of on the first request that touches it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import * as schema from '../src/lib/server/db/schema.ts';
import { createEmptyTestDatabase } from './db.ts';
import type { Database } from '../src/lib/server/db/client.ts';

let db: Database;
beforeAll(async () => {
	db = await createEmptyTestDatabase();
});
afterAll(async () => {
	await db?.close();
});

const tables = (Object.values(schema) as unknown[]).filter((t): t is PgTable => t instanceof PgTable).map((t) => getTableConfig(t));

describe('the schema', () => {
	it('declares the tables the migrations create, with the same columns and nullability', async () => {
		const rows = await db.query<{ table_name: string; column_name: string; is_nullable: 'YES' | 'NO' }>(
			sql`select table_name, column_name, is_nullable from information_schema.columns where table_schema = 'public'`
		);
		const inDatabase = new Map<string, Map<string, boolean>>();
		for (const r of rows) {
			if (!inDatabase.has(r.table_name)) inDatabase.set(r.table_name, new Map());
			inDatabase.get(r.table_name)!.set(r.column_name, r.is_nullable === 'YES');
		}
		expect(tables.length).toBeGreaterThan(20);
		for (const t of tables) {
			const columns = inDatabase.get(t.name);
			expect(columns, `table ${t.name}: declared in a db.ts, not created by the migrations`).toBeDefined();
			const declared = t.columns.map((c) => `${c.name}${c.notNull ? '' : ' null'}`).sort();
			const created = [...columns!].map(([name, nullable]) => `${name}${nullable ? ' null' : ''}`).sort();
			expect(created, `table ${t.name}: columns of the migrations against its db.ts`).toEqual(declared);
		}
	});
});
