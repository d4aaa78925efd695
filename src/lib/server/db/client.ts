import { mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';
import * as schema from './schema.ts';
import { dataDir, projectRoot } from '../paths.ts';
import { openRequestDatabase } from './request-pool.ts';
import { poolOf, rowsOf } from './handles.ts';

export { poolOf, rowsOf };

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle has the same query API as the database. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
	db: Db;
	kind: 'pglite' | 'postgres';
	/** the connection URL, for PostgreSQL */
	url?: string;
	/** rows of a raw SQL query */
	query<T = Record<string, unknown>>(q: SQL): Promise<T[]>;
	close(): Promise<void>;
	/** the PGlite instance, when embedded (for dumps in tests) */
	pglite?: import('@electric-sql/pglite').PGlite;
	/**
	 * The owner's connection, which row-level security does not restrict: migrations,
	 * scheduled jobs, the command line and the credential checks of src/lib/server/accounts
	 * (docs/decisions/0006-rls-by-default.md; test/security/privileged-use.test.ts keeps the
	 * list of modules allowed to use it). The database itself when opened as the owner
	 * (PGlite, the command line, tests); on a PostgreSQL server's request database, the
	 * owner pool beside the request pool.
	 */
	privileged: Database;
	/** PostgreSQL: the role the request pool logs in as, when this is a request database */
	appRole?: string;
}

export interface OpenOptions {
	/** postgres://… : a real server. Default: process.env.DATABASE_URL */
	url?: string;
	/** PGlite data folder. Default: $DATA_DIR/pglite. 'memory' for an in-memory database. */
	dataDir?: string;
	/** a PGlite dump (from dumpDataDir) to start from, for fast test databases */
	loadDataDir?: Blob | File;
	/** apply pending migrations (default true) */
	migrate?: boolean;
	/** pool size for PostgreSQL */
	max?: number;
}

export const migrationsFolder = () => join(projectRoot(), 'migrations');

export async function openDatabase(opts: OpenOptions = {}): Promise<Database> {
	const url = opts.url ?? (opts.dataDir ? undefined : process.env.DATABASE_URL);
	const database = url ? await openPostgres(url, opts.max) : await openPglite(opts);
	if (opts.migrate !== false) await migrateDatabase(database);
	return database;
}

async function openPostgres(url: string, max = 10): Promise<Database> {
	const pg = (await import('pg')).default;
	const { drizzle } = await import('drizzle-orm/node-postgres');
	const pool = new pg.Pool({ connectionString: url, max });
	pool.on('error', (err) => console.error('[db] idle client error', err.message));
	const db = drizzle(pool, { schema }) as unknown as Db;
	const database: Database = {
		db,
		kind: 'postgres',
		url,
		query: rowsOf(db),
		close: () => pool.end(),
		privileged: undefined as unknown as Database
	};
	database.privileged = database;
	poolOf.set(database, pool);
	return database;
}

async function openPglite(opts: OpenOptions): Promise<Database> {
	const { PGlite } = await import('@electric-sql/pglite');
	const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
	const { cube } = await import('@electric-sql/pglite/contrib/cube');
	const { earthdistance } = await import('@electric-sql/pglite/contrib/earthdistance');
	const { unaccent } = await import('@electric-sql/pglite/contrib/unaccent');
	const { pgcrypto } = await import('@electric-sql/pglite/contrib/pgcrypto');
	const { drizzle } = await import('drizzle-orm/pglite');
	let dir: string | undefined = opts.dataDir ?? join(dataDir(), 'pglite');
	if (dir === 'memory') dir = undefined;
	else {
		mkdirSync(dir, { recursive: true });
		lockDataDir(dir);
	}
	const client = await PGlite.create({
		dataDir: dir,
		loadDataDir: opts.loadDataDir,
		extensions: { pg_trgm, cube, earthdistance, unaccent, pgcrypto }
	});
	const db = drizzle(client, { schema }) as unknown as Db;
	const database: Database = {
		db,
		kind: 'pglite',
		pglite: client,
		query: rowsOf(db),
		close: async () => {
			await client.close();
			if (dir) rmSync(`${dir}.lock`, { force: true });
		},
		privileged: undefined as unknown as Database
	};
	// one embedded user: the services' own filters are the wall (docs/decisions/0006)
	database.privileged = database;
	return database;
}

/** PGlite is single-process: refuse to open a data folder another live process holds. */
function lockDataDir(dir: string) {
	const lock = `${dir}.lock`;
	try {
		const pid = Number(readFileSync(lock, 'utf8'));
		if (pid && pid !== process.pid) {
			let alive = true;
			try {
				process.kill(pid, 0);
			} catch {
				alive = false;
			}
			if (alive) {
				throw new Error(
					`The embedded database ${dir} is in use by process ${pid} (a running server?). Stop it first, or use a PostgreSQL server with DATABASE_URL.`
				);
			}
		}
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
	}
	writeFileSync(lock, String(process.pid));
}

export async function migrateDatabase(database: Database): Promise<void> {
	const folder = migrationsFolder();
	if (database.kind === 'pglite') {
		const { migrate } = await import('drizzle-orm/pglite/migrator');
		await migrate(database.db as never, { migrationsFolder: folder });
	} else {
		const { migrate } = await import('drizzle-orm/node-postgres/migrator');
		// one migrator at a time across processes (server + CLI started together)
		await database.db.execute(sql`select pg_advisory_lock(734001)`);
		try {
			await migrate(database.db as never, { migrationsFolder: folder });
		} finally {
			await database.db.execute(sql`select pg_advisory_unlock(734001)`);
		}
	}
}

let shared: Promise<Database> | undefined;

/**
 * The process-wide database, opened from the environment (DATABASE_URL or DATA_DIR). On
 * PostgreSQL, the server's requests go through the request pool (role maillage_app, under
 * row-level security, scoped to the request's actor); its `privileged` is the owner's.
 */
export function getDatabase(): Promise<Database> {
	shared ??= openDatabase().then((owner) => (owner.kind === 'postgres' ? openRequestDatabase(owner) : owner));
	return shared;
}

/** Tests: make route handlers use this database. */
export function setDatabase(database: Database | undefined): void {
	shared = database ? Promise.resolve(database) : undefined;
}

export async function closeDatabase(): Promise<void> {
	if (!shared) return;
	const d = await shared;
	shared = undefined;
	await d.close();
}
