/**
 * A fresh database per test file, cloned from the run's template (migrated, territory
 * loaded): PGlite by default, PostgreSQL when DATABASE_URL is set.
 */
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import pg from 'pg';
import { openDatabase, type Database } from '../src/lib/server/db/client.ts';

function adminUrl(url: string, db = 'postgres'): string {
	const u = new URL(url);
	u.pathname = `/${db}`;
	return u.toString();
}

/** A database with the territory loaded (cloned from the run's template). */
export async function createTestDatabase(): Promise<Database> {
	return create(true);
}

/** A migrated database with nothing loaded. */
export async function createEmptyTestDatabase(): Promise<Database> {
	return create(false);
}

async function create(withTerritory: boolean): Promise<Database> {
	const url = process.env.DATABASE_URL;
	const pgTemplate = inject('pgTemplate');
	if (url && pgTemplate) {
		const prefix = (process.env.TEST_DB_PREFIX ?? '').replace(/[^a-z0-9]/g, '');
		const name = `maillage_t_${prefix ? `${prefix}_` : ''}${randomBytes(6).toString('hex')}`;
		const admin = new pg.Client({ connectionString: adminUrl(url) });
		await admin.connect();
		const emptyTemplate = inject('pgEmptyTemplate');
		await admin.query(
			withTerritory ? `create database ${name} template ${pgTemplate}` : `create database ${name}${emptyTemplate ? ` template ${emptyTemplate}` : ''}`
		);
		await admin.end();
		const db = await openDatabase({ url: adminUrl(url, name), max: 4 });
		const close = db.close;
		db.close = async () => {
			await close();
			const a = new pg.Client({ connectionString: adminUrl(url) });
			await a.connect();
			await a.query(`drop database if exists ${name} with (force)`);
			await a.end();
		};
		return db;
	}
	// the run's dumps (test/global-setup.ts): migrated, with or without the territory
	const file = inject(withTerritory ? 'pgliteTemplate' : 'pgliteEmptyTemplate');
	if (!file) return openDatabase({ dataDir: 'memory' });
	const blob = new Blob([await readFile(file)]);
	return openDatabase({ dataDir: 'memory', loadDataDir: blob });
}

export const onPostgres = () => !!process.env.DATABASE_URL;
