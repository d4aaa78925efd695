/**
 * Backup and restore (issue 11, item 15): a backup of a database holding a journal and a
 * Pass Numérique ledger restores into a new place, and `audit verify` and `pass verify`
 * pass on the restored copy; while a server holds the embedded database, the backup is
 * made through its control socket; a damaged or foreign file is refused before anything
 * is touched; a non-empty target is never overwritten without --force.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import * as tar from 'tar';
import { createTestDatabase, onPostgres } from '../../../../test/db.ts';
import { openDatabase, type Database } from '../db/client.ts';
import { createOrganisation, actorFor, addMember } from '../accounts/index.ts';
import { recordContribution, verifyLedger } from '../pass/index.ts';
import { makeCheckpoint, verifyAudit } from '../audit/index.ts';
import { backup, backupFromDump, restore, BackupError } from './backup.ts';
import { resetSecretForTests } from '../security/secret.ts';
import { requestDump, startControlSocket } from './control.ts';

const work = mkdtempSync(join(tmpdir(), 'maillage-backup-test-'));
process.env.AUDIT_CHECKPOINT_FILE = join(work, 'checkpoints.jsonl');

async function fill(db: Database) {
	const dep = (await createOrganisation(db, null, { name: 'Département de Lot-et-Garonne', kind: 'departement', departmentCode: '47' })).id;
	const caf = (await createOrganisation(db, null, { name: 'CAF de Lot-et-Garonne', kind: 'operateur', departmentCode: '47' })).id;
	const coordinator = await actorFor(
		db.db,
		(
			await addMember(db, null, {
				email: `coord-${Math.random()}@cd47.test`,
				displayName: 'Camille',
				organisationId: dep,
				role: 'coordinator',
				password: 'une phrase de passe solide'
			})
		).userId,
		true
	);
	await recordContribution(db, coordinator, '47', { funderId: caf, amount: '1500', receivedOn: '2026-11-02', agreementRef: 'CONV-2026-07' });
	await recordContribution(db, coordinator, '47', { funderId: caf, amount: '250,50', receivedOn: '2026-11-03', agreementRef: 'CONV-2026-08' });
}

const counts = async (db: Database) => {
	const [r] = await db.query<{ journal: number; contributions: number; organisations: number }>(
		sql`select (select count(*)::int from audit_log) as journal, (select count(*)::int from pass_contributions) as contributions, (select count(*)::int from organisations) as organisations`
	);
	return r;
};

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('backup and restore of the embedded database', () => {
	let source: Database;
	let before: Awaited<ReturnType<typeof counts>>;
	const file = join(work, 'pglite.tar');

	beforeAll(async () => {
		source = await openDatabase({ dataDir: join(work, 'source') });
		await fill(source);
		before = await counts(source);
		// a signed checkpoint of the journal, outside the database: it travels with the backup
		await makeCheckpoint(source);
	});
	afterAll(async () => {
		await source?.close();
	});

	it('writes one file that restores elsewhere, with the journal and the ledger intact', async () => {
		const m = await backup(source, file);
		expect(m.kind).toBe('pglite');
		// personal data: readable by its owner only
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(Object.keys(m.files).sort()).toEqual(['audit-checkpoints.jsonl', 'database.tar.gz']);
		const target = join(work, 'restored', 'pglite');
		const checkpoints = join(work, 'restored', 'checkpoints.jsonl');
		const r = await restore(file, { pgliteDir: target, checkpoints });
		expect(r.setAside).toEqual([]);
		expect(await readFile(checkpoints, 'utf8')).toBe(await readFile(process.env.AUDIT_CHECKPOINT_FILE!, 'utf8'));
		const copy = await openDatabase({ dataDir: target, migrate: false });
		try {
			expect(await counts(copy)).toEqual(before);
			const audit = await verifyAudit(copy, { file: checkpoints });
			expect(audit.problems).toEqual([]);
			expect(audit.checkpoints.valid).toBe(1);
			const ledger = await verifyLedger(copy);
			expect(ledger.breaches).toEqual([]);
			expect(ledger.checked.entries).toBeGreaterThanOrEqual(2);
		} finally {
			await copy.close();
		}
	});

	it('never overwrites a database without --force, and then sets it aside instead of deleting it', async () => {
		const target = join(work, 'restored', 'pglite');
		await expect(restore(file, { pgliteDir: target, checkpoints: join(work, 'restored', 'checkpoints.jsonl') })).rejects.toThrow(/--force/);
		const r = await restore(file, { pgliteDir: target, checkpoints: join(work, 'restored', 'checkpoints.jsonl'), force: true });
		expect(r.setAside.some((p) => p.includes('pglite.before-restore-'))).toBe(true);
		expect(readdirSync(join(work, 'restored')).filter((n) => n.startsWith('pglite.before-restore-'))).toHaveLength(1);
	});

	it('refuses to restore over a folder a live process holds', async () => {
		// a lock naming another live process (our parent stands for the server) must refuse
		writeFileSync(join(work, 'held.lock'), String(process.ppid));
		await expect(restore(file, { pgliteDir: join(work, 'held'), force: true })).rejects.toThrow(/in use by process/);
	});

	it('while the server holds the database, asks it for the dump over its control socket', async () => {
		const socket = join(work, 'control.sock');
		const stop = await startControlSocket(source, socket);
		try {
			const { dump } = await requestDump(socket);
			const out = join(work, 'through-server.tar');
			await backupFromDump(out, dump, null);
			const target = join(work, 'from-server');
			await restore(out, { pgliteDir: target, checkpoints: join(work, 'from-server.jsonl') });
			const copy = await openDatabase({ dataDir: target, migrate: false });
			try {
				expect(await counts(copy)).toEqual(before);
			} finally {
				await copy.close();
			}
		} finally {
			await stop();
		}
		expect(existsSync(socket)).toBe(false);
	});

	it('refuses to restore with another instance key (the journal would read as forged, second factors lost)', async () => {
		const before = process.env.SECRET_KEY;
		process.env.SECRET_KEY = 'another-instance-key-0123456789-abcdefghij';
		resetSecretForTests();
		try {
			await expect(restore(file, { pgliteDir: join(work, 'other-key') })).rejects.toThrow(/another instance key/);
			expect(existsSync(join(work, 'other-key'))).toBe(false);
		} finally {
			process.env.SECRET_KEY = before;
			resetSecretForTests();
		}
	});

	it('refuses a damaged or foreign file before touching anything', async () => {
		const damaged = join(work, 'damaged.tar');
		const dir = mkdtempSync(join(tmpdir(), 'maillage-damaged-'));
		await tar.x({ file, cwd: dir });
		const db = await readFile(join(dir, 'database.tar.gz'));
		db[db.length >> 1] ^= 0xff;
		await writeFile(join(dir, 'database.tar.gz'), db);
		await tar.c({ file: damaged, cwd: dir }, ['manifest.json', 'database.tar.gz', 'audit-checkpoints.jsonl']);
		rmSync(dir, { recursive: true, force: true });
		const target = join(work, 'never');
		await expect(restore(damaged, { pgliteDir: target })).rejects.toThrow(/damaged: database.tar.gz/);
		expect(existsSync(target)).toBe(false);
		const foreign = join(work, 'foreign.tar');
		await writeFile(foreign, 'not a backup at all');
		await expect(restore(foreign, { pgliteDir: target })).rejects.toBeInstanceOf(BackupError);
		await expect(restore(join(work, 'missing.tar'), { pgliteDir: target })).rejects.toThrow(/no such file/);
	});
});

describe.runIf(onPostgres())('backup and restore on PostgreSQL (pg_dump format)', () => {
	let source: Database;
	let target: Database | undefined;
	let targetName: string;
	const admin = () => {
		const u = new URL(process.env.DATABASE_URL!);
		u.pathname = '/postgres';
		return u.toString();
	};

	beforeAll(async () => {
		source = await createTestDatabase();
		await fill(source);
		await makeCheckpoint(source, { file: join(work, 'pg-source-checkpoints.jsonl') });
		targetName = `maillage_t_${(process.env.TEST_DB_PREFIX ?? '').replace(/[^a-z0-9]/g, '')}restore_${Date.now()}`;
		const c = new pg.Client({ connectionString: admin() });
		await c.connect();
		await c.query(`create database ${targetName}`);
		await c.end();
	});
	afterAll(async () => {
		await target?.close();
		await source?.close();
		const c = new pg.Client({ connectionString: admin() });
		await c.connect();
		await c.query(`drop database if exists ${targetName} with (force)`);
		await c.end();
	});

	it('restores into an empty database; audit verify and pass verify pass on the copy', async () => {
		const file = join(work, 'pg.tar');
		process.env.AUDIT_CHECKPOINT_FILE = join(work, 'pg-source-checkpoints.jsonl');
		const m = await backup(source, file);
		expect(m.kind).toBe('postgres');
		const u = new URL(process.env.DATABASE_URL!);
		u.pathname = `/${targetName}`;
		await restore(file, { url: u.toString(), checkpoints: join(work, 'pg-checkpoints.jsonl') });
		target = await openDatabase({ url: u.toString(), migrate: false, max: 2 });
		expect(await counts(target)).toEqual(await counts(source));
		const audit = await verifyAudit(target, { file: join(work, 'pg-checkpoints.jsonl') });
		expect(audit.problems).toEqual([]);
		expect(audit.checkpoints.valid).toBe(1);
		expect((await verifyLedger(target)).breaches).toEqual([]);
		// a second restore into the now non-empty database is refused without --force
		await expect(restore(file, { url: u.toString(), checkpoints: join(work, 'pg-checkpoints.jsonl') })).rejects.toThrow(/not empty/);
	});
});
