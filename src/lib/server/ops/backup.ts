/**
 * Backup and restore of the whole instance, in one file: a tar archive holding
 * - `manifest.json`: the format, the database kind, when, the last migration, and the
 *   SHA-256 of every other part (checked before anything is restored);
 * - the database: `database.tar.gz` (the embedded PGlite's data folder, as PGlite dumps
 *   it after a CHECKPOINT) or `database.dump` (PostgreSQL, `pg_dump --format=custom`);
 * - `audit-checkpoints.jsonl` when the instance has one: the signed checkpoints of the
 *   audit journal live outside the database, and a restored journal is checked against
 *   the checkpoints of its own time;
 * - `vault.tar` when the vault keeps its documents on disk (DATA_DIR/vault): the encrypted
 *   blobs, `*.blob` files only, copied after the database was dumped (a deposit writes its
 *   blobs before its row commits, so every document of the dump has its bytes). On S3 the
 *   manifest names the bucket: the documents stay there, not copied.
 * The vault's master keys (DATA_DIR/keys, or the environment) are NEVER in a backup: the
 * manifest records their ids only, and a restore refuses to start when the keys it would
 * run with lack one of them (the documents would be unreadable, and the embedded default
 * would make a new key on its first start), as it does for the instance key.
 *
 * The embedded database belongs to one process: while the server runs, the backup is
 * made by the server itself, asked over its control socket (ops/control.ts); PGlite runs
 * one statement at a time, so the dump is consistent. On PostgreSQL, pg_dump takes one
 * snapshot (consistent while the servers run). Restoring never overwrites data in place
 * without `force`: the embedded folder is moved aside, a non-empty PostgreSQL database is
 * refused.
 */
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { chmodSync, createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { dataDir } from '../paths.ts';
import { checkpointFile, keyFingerprint } from '../audit/index.ts';
import { checkMasterKeys, masterKeyIdsInUse, vaultStorage, type VaultStorage } from '../vault/index.ts';

export const BACKUP_FORMAT = 'maillage-backup';
export const BACKUP_VERSION = 1;

export interface Manifest {
	format: typeof BACKUP_FORMAT;
	version: number;
	kind: 'pglite' | 'postgres';
	createdAt: string;
	/** the last migration applied (its tag), to refuse a backup from a newer version */
	lastMigration: string | null;
	/** the fingerprint of the instance key that sealed the journal (never the key) */
	keyFingerprint?: string;
	files: Record<string, { sha256: string; bytes: number }>;
	/** the vault's documents: copied (fs, in vault.tar) or left in their bucket (s3); the ids of the master keys they need */
	vault?: VaultManifest;
}

export type VaultManifest = { masterKeyIds: string[] } & (
	{ storage: 'fs'; blobs: number } | { storage: 's3'; bucket: string; prefix: string | null; endpoint: string | null; note: string }
);

/** What the backup takes of the vault: where its blobs are, and the master key ids in use. */
export interface VaultSource {
	storage: VaultStorage;
	masterKeyIds: string[];
}

export class BackupError extends Error {}

/** Where the audit journal's signed checkpoints are kept (outside the database). */
export const checkpointsFile = checkpointFile;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A file's digest, streamed: the vault's copy may be larger than memory. */
async function sha256File(path: string): Promise<string> {
	const h = createHash('sha256');
	await pipeline(createReadStream(path), h);
	return h.digest('hex');
}

/** A blob of the file store, by its path inside the vault's folder: `a/b.blob`, no hidden part (.tmp). */
const BLOB_PATH = /^(?:[a-z0-9-]+\/)*[a-z0-9-]+\.blob$/;
const blobPath = (p: string) => BLOB_PATH.test(p.replace(/^\.\//, ''));

export async function lastMigration(database: Database): Promise<string | null> {
	try {
		const rows = await database.query<{ hash: string; created_at: string }>(
			// drizzle's own bookkeeping table
			sql`select hash, created_at::text from drizzle.__drizzle_migrations order by created_at desc limit 1`
		);
		return rows[0]?.created_at ?? null;
	} catch {
		return null;
	}
}

/** The embedded database as a gzipped tar of its data folder (consistent: PGlite is single-threaded). */
export async function dumpPglite(database: Database): Promise<Buffer> {
	if (!database.pglite) throw new BackupError('not an embedded database');
	await database.pglite.query('CHECKPOINT');
	const blob = await database.pglite.dumpDataDir('gzip');
	return Buffer.from(await blob.arrayBuffer());
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ stdout: Buffer; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
		const out: Buffer[] = [];
		let err = '';
		child.stdout.on('data', (d: Buffer) => out.push(d));
		child.stderr.on('data', (d: Buffer) => (err += d.toString()));
		child.on('error', (e) =>
			reject(
				new BackupError(
					`${cmd} could not be started (${(e as NodeJS.ErrnoException).code}): install the PostgreSQL client tools (postgresql-client) of the server's major version`
				)
			)
		);
		child.on('close', (code) =>
			code === 0
				? resolve({ stdout: Buffer.concat(out), stderr: err })
				: reject(new BackupError(`${cmd} failed (exit ${code}): ${err.trim().split('\n').slice(-3).join(' ')}`))
		);
	});
}

/** pg_dump and pg_restore take the password from the environment, never from the command line. */
function libpqArgs(url: string): { args: string[]; env: NodeJS.ProcessEnv } {
	const u = new URL(url);
	const env: NodeJS.ProcessEnv = {};
	if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
	u.password = '';
	return { args: ['--dbname', u.toString()], env };
}

/** The vault as this process finds it (VAULT_STORAGE, DATA_DIR), with the master key ids `database` uses. */
export async function vaultSource(database: Database): Promise<VaultSource> {
	return { storage: vaultStorage(process.env, dataDir()), masterKeyIds: await masterKeyIdsInUse(database) };
}

/** Writes the backup of `database` to `out` (one file); `vault` defaults to this instance's. */
export async function backup(database: Database, out: string, opts: { vault?: VaultSource } = {}): Promise<Manifest> {
	const migration = await lastMigration(database);
	const vault = opts.vault ?? (await vaultSource(database));
	if (database.kind === 'pglite') return writeBackup(out, 'pglite', { dump: await dumpPglite(database) }, migration, vault);
	return writeBackup(out, 'postgres', { url: database.url! }, migration, vault);
}

/** The embedded database's dump, made by the running server (control socket), written as a backup. */
export function backupFromDump(
	out: string,
	dump: Buffer,
	migration: string | null,
	masterKeyIds: string[],
	storage = vaultStorage(process.env, dataDir())
): Promise<Manifest> {
	return writeBackup(out, 'pglite', { dump }, migration, { storage, masterKeyIds });
}

/** Copies the file store's blobs (nothing else of the folder) into `target`, a tar; returns how many (none: no file). */
async function copyVault(dir: string, target: string): Promise<number> {
	let blobs = 0;
	const entries = existsSync(dir) ? readdirSync(dir).filter((n) => !n.startsWith('.')) : [];
	if (!entries.length) return 0;
	await tar.c(
		{
			file: target,
			cwd: dir,
			portable: true,
			filter: (p, stat) => {
				if (p.split('/').some((s) => s.startsWith('.') && s !== '.')) return false; // .tmp: deposits under way
				if ('isDirectory' in stat && stat.isDirectory()) return true;
				if (!blobPath(p)) return false;
				blobs++;
				return true;
			}
		},
		entries
	);
	return blobs;
}

async function writeBackup(
	out: string,
	kind: Manifest['kind'],
	source: { dump?: Buffer; url?: string },
	migration: string | null,
	vault: VaultSource
): Promise<Manifest> {
	const work = mkdtempSync(join(tmpdir(), 'maillage-backup-'));
	try {
		const files: Manifest['files'] = {};
		const add = async (name: string, content: Buffer) => {
			await writeFile(join(work, name), content);
			files[name] = { sha256: sha256(content), bytes: content.length };
		};
		if (kind === 'pglite') await add('database.tar.gz', source.dump!);
		else {
			const target = join(work, 'database.dump');
			const { args, env } = libpqArgs(source.url!);
			await run('pg_dump', ['--format=custom', '--file', target, ...args], env);
			const content = await readFile(target);
			files['database.dump'] = { sha256: sha256(content), bytes: content.length };
		}
		const cp = checkpointsFile();
		if (existsSync(cp)) await add('audit-checkpoints.jsonl', await readFile(cp));
		// after the dump: every document it holds has its blobs on disk already
		let vaultManifest: VaultManifest;
		if (vault.storage.storage === 'fs') {
			const target = join(work, 'vault.tar');
			const blobs = await copyVault(vault.storage.dir, target);
			if (existsSync(target)) files['vault.tar'] = { sha256: await sha256File(target), bytes: statSync(target).size };
			vaultManifest = { storage: 'fs', blobs, masterKeyIds: vault.masterKeyIds };
		} else {
			const { bucket, prefix, endpoint } = vault.storage;
			vaultManifest = {
				storage: 's3',
				bucket,
				prefix,
				endpoint,
				masterKeyIds: vault.masterKeyIds,
				note: 'the documents live in the bucket: they are not copied into this backup (keep the bucket versioned or backed up on its own)'
			};
		}
		const manifest: Manifest = {
			format: BACKUP_FORMAT,
			version: BACKUP_VERSION,
			kind,
			createdAt: new Date().toISOString(),
			lastMigration: migration,
			keyFingerprint: keyFingerprint(),
			files,
			vault: vaultManifest
		};
		await writeFile(join(work, 'manifest.json'), JSON.stringify(manifest, null, 2));
		await mkdir(dirname(out), { recursive: true });
		// written beside the target, then renamed: a failed backup never leaves half a file
		const partial = `${out}.partial`;
		await tar.c({ file: partial, cwd: work, portable: true }, ['manifest.json', ...Object.keys(files)]);
		// it holds personal data: readable by its owner only
		chmodSync(partial, 0o600);
		renameSync(partial, out);
		return manifest;
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

/** Unpacks a backup into a temporary folder and checks it; the caller removes `dir`. */
export async function openBackup(file: string): Promise<{ dir: string; manifest: Manifest }> {
	if (!existsSync(file)) throw new BackupError(`no such file: ${file}`);
	const dir = mkdtempSync(join(tmpdir(), 'maillage-restore-'));
	try {
		await tar.x({ file, cwd: dir, strict: true, filter: (p) => /^[a-z0-9_.-]+$/i.test(p) });
		if (!existsSync(join(dir, 'manifest.json'))) throw new BackupError(`${file} is not a maillage backup (no manifest)`);
		const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
		if (manifest.format !== BACKUP_FORMAT) throw new BackupError(`${file} is not a maillage backup`);
		if (manifest.version > BACKUP_VERSION) throw new BackupError(`${file} was made by a newer version of maillage (format ${manifest.version})`);
		for (const [name, { sha256: expected }] of Object.entries(manifest.files)) {
			const p = join(dir, name);
			if (!existsSync(p)) throw new BackupError(`the backup is incomplete: ${name} is missing`);
			if ((await sha256File(p)) !== expected) throw new BackupError(`the backup is damaged: ${name} does not match its checksum`);
		}
		return { dir, manifest };
	} catch (e) {
		rmSync(dir, { recursive: true, force: true });
		if (e instanceof BackupError) throw e;
		throw new BackupError(`${file} cannot be read as a maillage backup: ${(e as Error).message}`);
	}
}

export interface RestoreOptions {
	/** the embedded database's folder (default $DATA_DIR/pglite) */
	pgliteDir?: string;
	/** PostgreSQL: the target database (default DATABASE_URL) */
	url?: string;
	/** replace existing data: the embedded folder is moved aside, a PostgreSQL database is cleaned */
	force?: boolean;
	/** where the checkpoints go (default checkpointsFile()) */
	checkpoints?: string;
	/** where the vault's blobs go (default $DATA_DIR/vault) */
	vaultDir?: string;
	/** where the vault's master keys are looked for (default: this process's environment and DATA_DIR) */
	env?: NodeJS.ProcessEnv;
	dataDir?: string;
}

export interface RestoreResult {
	manifest: Manifest;
	/** the folder or file set aside instead of being overwritten */
	setAside: string[];
	/** what became of the vault's documents, in a sentence for the operator */
	vault: string | null;
}

/** Restores a backup made by `backup()`: into an embedded folder, or into a PostgreSQL database. */
export async function restore(file: string, opts: RestoreOptions = {}): Promise<RestoreResult> {
	const { dir, manifest } = await openBackup(file);
	// the journal's seals, the TOTP secrets and the links need the instance key the backup
	// was made with: without it the restored instance would make a new one and read as forged
	const env = opts.env ?? process.env;
	const home = opts.dataDir ?? dataDir();
	const vaultDir = opts.vaultDir ?? join(home, 'vault');
	try {
		assertSameKey(manifest);
		// the documents need the master keys that wrap them, and a backup never holds them
		const { problem } = checkMasterKeys(manifest.vault?.masterKeyIds ?? [], env, home);
		if (problem) throw new BackupError(`${problem} Nothing was restored.`);
		if (manifest.files['vault.tar'] && holdsBlobs(vaultDir) && !opts.force)
			throw new BackupError(`${vaultDir} already holds documents: add --force to set it aside (renamed, not deleted) and restore`);
	} catch (e) {
		rmSync(dir, { recursive: true, force: true });
		throw e;
	}
	const setAside: string[] = [];
	const stamp = new Date().toISOString().replace(/[:.]/g, '-');
	try {
		if (manifest.kind === 'pglite') {
			const target = opts.pgliteDir ?? join(dataDir(), 'pglite');
			assertNotInUse(target);
			if (existsSync(target) && readdirSync(target).length) {
				if (!opts.force) throw new BackupError(`${target} already holds a database: add --force to set it aside (renamed, not deleted) and restore`);
				const aside = `${target}.before-restore-${stamp}`;
				renameSync(target, aside);
				setAside.push(aside);
			}
			await mkdir(target, { recursive: true });
			const { PGlite } = await import('@electric-sql/pglite');
			const blob = new Blob([await readFile(join(dir, 'database.tar.gz'))]);
			const client = await PGlite.create({ dataDir: target, loadDataDir: blob, extensions: await pgliteExtensions() });
			await client.query('select 1');
			await client.close();
		} else {
			const url = opts.url ?? process.env.DATABASE_URL;
			if (!url) throw new BackupError('this backup is of a PostgreSQL database: set DATABASE_URL to the database to restore into');
			await prepareRoles(url, join(dir, 'database.dump'));
			const empty = await isEmpty(url);
			if (!empty && !opts.force)
				throw new BackupError('the target PostgreSQL database is not empty: restore into a new database, or add --force to replace its content');
			const { args, env } = libpqArgs(url);
			await run('pg_restore', [...(empty ? [] : ['--clean', '--if-exists']), '--exit-on-error', '--no-owner', ...args, join(dir, 'database.dump')], env);
		}
		const cp = join(dir, 'audit-checkpoints.jsonl');
		const target = opts.checkpoints ?? checkpointsFile();
		if (existsSync(target)) {
			// the current checkpoints describe a later journal than the restored one: kept aside
			const aside = `${target}.before-restore-${stamp}`;
			renameSync(target, aside);
			setAside.push(aside);
		}
		if (existsSync(cp)) {
			await mkdir(dirname(target), { recursive: true });
			await copyFile(cp, target);
		}
		return { manifest, setAside, vault: await restoreVault(dir, manifest, vaultDir, stamp, setAside) };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** Whether the vault's folder holds a blob (an empty tree, or only deposits under way, does not count). */
function holdsBlobs(dir: string): boolean {
	if (!existsSync(dir)) return false;
	return (readdirSync(dir, { recursive: true }) as string[]).some((p) => blobPath(p) && !p.split('/').some((s) => s.startsWith('.')));
}

async function restoreVault(dir: string, manifest: Manifest, vaultDir: string, stamp: string, setAside: string[]): Promise<string | null> {
	const v = manifest.vault;
	if (!v) return null;
	const keys = v.masterKeyIds.length ? ` (master key${v.masterKeyIds.length > 1 ? 's' : ''} ${v.masterKeyIds.join(', ')}: present here)` : '';
	if (v.storage === 's3')
		return `vault: the documents live in the bucket ${v.bucket}${v.prefix ? ` under ${v.prefix}` : ''}, not in the backup: point VAULT_STORAGE=s3 and S3_* at it${keys}`;
	if (!manifest.files['vault.tar']) return `vault: no document on disk in the backup${keys}`;
	if (existsSync(vaultDir) && readdirSync(vaultDir).length) {
		const aside = `${vaultDir}.before-restore-${stamp}`;
		renameSync(vaultDir, aside);
		setAside.push(aside);
	}
	await mkdir(vaultDir, { recursive: true, mode: 0o700 });
	chmodSync(vaultDir, 0o700);
	// blobs only, inside the folder: a crafted archive cannot write elsewhere
	await tar.x({ file: join(dir, 'vault.tar'), cwd: vaultDir, strict: true, filter: (p, e) => ('type' in e && e.type === 'Directory') || blobPath(p) });
	return `vault: ${v.blobs} encrypted file(s) restored to ${vaultDir}${keys}`;
}

function assertSameKey(manifest: Manifest): void {
	if (!manifest.keyFingerprint) return;
	if (!process.env.SECRET_KEY && !existsSync(join(dataDir(), 'secret.key')))
		throw new BackupError(
			`no instance key here: set SECRET_KEY, or copy the instance's secret.key into ${dataDir()} first (the backup's journal, second factors and links were sealed with it; its fingerprint is ${manifest.keyFingerprint})`
		);
	if (keyFingerprint() !== manifest.keyFingerprint)
		throw new BackupError(
			`this backup was made with another instance key (fingerprint ${manifest.keyFingerprint}, here ${keyFingerprint()}): set SECRET_KEY or secret.key to the instance's own`
		);
}

async function pgliteExtensions() {
	const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
	const { cube } = await import('@electric-sql/pglite/contrib/cube');
	const { earthdistance } = await import('@electric-sql/pglite/contrib/earthdistance');
	const { unaccent } = await import('@electric-sql/pglite/contrib/unaccent');
	const { pgcrypto } = await import('@electric-sql/pglite/contrib/pgcrypto');
	return { pg_trgm, cube, earthdistance, unaccent, pgcrypto };
}

/** The embedded folder must not be open in a live process (the server): its lock file says. */
export function liveHolder(target: string): number | null {
	const lock = `${target}.lock`;
	if (!existsSync(lock)) return null;
	const pid = Number(readFileSync(lock, 'utf8'));
	if (!pid || pid === process.pid) return null;
	try {
		process.kill(pid, 0);
		return pid;
	} catch {
		return null;
	}
}

function assertNotInUse(target: string) {
	const pid = liveHolder(target);
	if (pid) throw new BackupError(`the embedded database ${target} is in use by process ${pid} (the server?): stop it before restoring`);
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
	const c = new pg.Client({ connectionString: url });
	await c.connect();
	try {
		return await fn(c);
	} finally {
		await c.end();
	}
}

async function isEmpty(url: string): Promise<boolean> {
	return withClient(url, async (c) => {
		const r = await c.query(`select count(*)::int as n from pg_tables where schemaname in ('public', 'drizzle')`);
		return r.rows[0].n === 0;
	});
}

/**
 * Roles are not part of a database dump: the roles its privileges name (the application's
 * roles) are created, without login, when the target server lacks them; the next start's
 * migrations give them what they need.
 */
async function prepareRoles(url: string, dump: string): Promise<void> {
	const { stdout } = await run('pg_restore', ['--schema-only', '--file', '-', dump]);
	const names = new Set<string>();
	for (const m of stdout.toString().matchAll(/^(?:GRANT|REVOKE) .* (?:TO|FROM) ([a-z_][a-z0-9_]*);$/gm)) names.add(m[1]);
	for (const m of stdout.toString().matchAll(/^CREATE POLICY .* TO ([a-z_][a-z0-9_]*)$/gm)) names.add(m[1]);
	names.delete('public');
	if (!names.size) return;
	await withClient(url, async (c) => {
		for (const name of names) {
			await c.query(
				`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${name}') THEN CREATE ROLE ${name} NOLOGIN; END IF; EXCEPTION WHEN duplicate_object THEN NULL; END $$`
			);
		}
	});
}
