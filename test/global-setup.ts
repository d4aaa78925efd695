/**
 * Builds, once per test run, a template database (migrations applied, territory loaded)
 * that every test file clones: a PGlite dump, or a PostgreSQL template database when
 * DATABASE_URL is set.
 */
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { openDatabase } from '../src/lib/server/db/client.ts';
import { loadTerritory } from '../src/lib/server/territory/index.ts';
import { sharedDataDir } from '../src/lib/server/paths.ts';

/** Runs from several checkouts may share one server: TEST_DB_PREFIX keeps their databases apart. */
export const TEST_DB_PREFIX = (process.env.TEST_DB_PREFIX ?? '').replace(/[^a-z0-9]/g, '');
export const TEMPLATE_DB = `maillage_test_template${TEST_DB_PREFIX ? `_${TEST_DB_PREFIX}` : ''}`;

declare module 'vitest' {
	export interface ProvidedContext {
		pgliteTemplate: string;
		pgTemplate: string;
	}
}

export function adminUrl(url: string, db = 'postgres'): string {
	const u = new URL(url);
	u.pathname = `/${db}`;
	return u.toString();
}

export default async function setup(project: TestProject) {
	const dir = await mkdtemp(join(tmpdir(), 'maillage-test-'));
	const url = process.env.DATABASE_URL;
	if (url) {
		const admin = new pg.Client({ connectionString: adminUrl(url) });
		await admin.connect();
		// leftovers of an interrupted run
		const old = await admin.query(`select datname from pg_database where datname like $1 or datname = $2`, [
			`maillage_t_${TEST_DB_PREFIX ? `${TEST_DB_PREFIX}_` : ''}%`,
			TEMPLATE_DB
		]);
		for (const r of old.rows) await admin.query(`drop database if exists "${r.datname}" with (force)`);
		await admin.query(`create database ${TEMPLATE_DB}`);
		const db = await openDatabase({ url: adminUrl(url, TEMPLATE_DB), max: 2 });
		await loadTerritory(db, { sharedDir: sharedDataDir() });
		await db.close();
		await admin.end();
		project.provide('pgTemplate', TEMPLATE_DB);
		project.provide('pgliteTemplate', '');
	} else {
		const db = await openDatabase({ dataDir: 'memory' });
		await loadTerritory(db, { sharedDir: sharedDataDir() });
		const dump = await db.pglite!.dumpDataDir('none');
		await db.close();
		const file = join(dir, 'template.tar');
		await writeFile(file, Buffer.from(await dump.arrayBuffer()));
		project.provide('pgliteTemplate', file);
		project.provide('pgTemplate', '');
	}
	return async () => {
		await rm(dir, { recursive: true, force: true });
		if (url) {
			const admin = new pg.Client({ connectionString: adminUrl(url) });
			await admin.connect();
			await admin.query(`drop database if exists ${TEMPLATE_DB} with (force)`);
			await admin.end();
		}
	};
}
