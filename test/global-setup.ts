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
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/lib/server/db/client.ts';
import { loadTerritory } from '../src/lib/server/territory/index.ts';
import { sharedDataDir } from '../src/lib/server/paths.ts';
import { getBoss, stopBoss } from '../src/lib/server/jobs/boss.ts';

/** Runs from several checkouts may share one server: TEST_DB_PREFIX keeps their databases apart. */
export const TEST_DB_PREFIX = (process.env.TEST_DB_PREFIX ?? '').replace(/[^a-z0-9]/g, '');
export const TEMPLATE_DB = `maillage_test_template${TEST_DB_PREFIX ? `_${TEST_DB_PREFIX}` : ''}`;
export const EMPTY_TEMPLATE_DB = `maillage_test_empty${TEST_DB_PREFIX ? `_${TEST_DB_PREFIX}` : ''}`;

declare module 'vitest' {
	export interface ProvidedContext {
		pgliteTemplate: string;
		pgliteEmptyTemplate: string;
		pgTemplate: string;
		pgEmptyTemplate: string;
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
		const old = await admin.query(`select datname from pg_database where datname like $1 or datname = $2 or datname = $3`, [
			`maillage_t_${TEST_DB_PREFIX ? `${TEST_DB_PREFIX}_` : ''}%`,
			TEMPLATE_DB,
			EMPTY_TEMPLATE_DB
		]);
		for (const r of old.rows) await admin.query(`drop database if exists "${r.datname}" with (force)`);
		// the migrated empty database first, then a copy of it with the territory
		await admin.query(`create database ${EMPTY_TEMPLATE_DB}`);
		const empty = await openDatabase({ url: adminUrl(url, EMPTY_TEMPLATE_DB), max: 2 });
		await getBoss(empty);
		await stopBoss(empty);
		await empty.close();
		await admin.query(`create database ${TEMPLATE_DB} template ${EMPTY_TEMPLATE_DB}`);
		const db = await openDatabase({ url: adminUrl(url, TEMPLATE_DB), max: 2 });
		await loadTerritory(db, { sharedDir: sharedDataDir() });
		await db.close();
		await admin.end();
		project.provide('pgTemplate', TEMPLATE_DB);
		project.provide('pgEmptyTemplate', EMPTY_TEMPLATE_DB);
		project.provide('pgliteTemplate', '');
		project.provide('pgliteEmptyTemplate', '');
	} else {
		// Two dumps, each after a CHECKPOINT: a data directory dumped with its changes still in the
		// write-ahead log is replayed by every test file that loads it (about 2 s more per file);
		// the migrated empty one spares the files that want no territory the 44 migrations (≈ 10 s each).
		const db = await openDatabase({ dataDir: 'memory' });
		const dumpTo = async (name: string) => {
			await db.query(sql.raw('checkpoint'));
			const file = join(dir, name);
			await writeFile(file, Buffer.from(await (await db.pglite!.dumpDataDir('none')).arrayBuffer()));
			return file;
		};
		// pg-boss's schema too (its first start creates it: ≈ 1.5 s a file otherwise)
		await getBoss(db);
		await stopBoss(db);
		project.provide('pgliteEmptyTemplate', await dumpTo('empty.tar'));
		await loadTerritory(db, { sharedDir: sharedDataDir() });
		project.provide('pgliteTemplate', await dumpTo('template.tar'));
		await db.close();
		project.provide('pgTemplate', '');
		project.provide('pgEmptyTemplate', '');
	}
	return async () => {
		await rm(dir, { recursive: true, force: true });
		if (url) {
			const admin = new pg.Client({ connectionString: adminUrl(url) });
			await admin.connect();
			await admin.query(`drop database if exists ${TEMPLATE_DB} with (force)`);
			await admin.query(`drop database if exists ${EMPTY_TEMPLATE_DB} with (force)`);
			await admin.end();
		}
	};
}
