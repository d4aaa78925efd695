/**
 * Backup and restore (issue 11, item 15): a backup of a database holding a journal and a
 * Pass Numérique ledger restores into a new place, and `audit verify` and `pass verify`
 * pass on the restored copy; while a server holds the embedded database, the backup is
 * made through its control socket; a damaged or foreign file is refused before anything
 * is touched; a non-empty target is never overwritten without --force. The vault's
 * documents travel with the backup, encrypted, and its master key never does: a restore
 * with the key file copied opens a document, one without it is refused and says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import * as tar from 'tar';
import { createTestDatabase, onPostgres } from '../../../../test/db.ts';
import { openWorld, type World } from '../../../../test/world.ts';
import { tinyPdf } from '../../../../test/vault-files.ts';
import { openDatabase, type Database } from '../db/client.ts';
import { createOrganisation, actorFor, addMember } from '../accounts/index.ts';
import { recordContribution, verifyLedger } from '../pass/index.ts';
import { makeCheckpoint, verifyAudit } from '../audit/index.ts';
import { backup, backupFromDump, restore, BackupError } from './backup.ts';
import { resetSecretForTests } from '../security/secret.ts';
import { requestDump, requestOutbox, startControlSocket } from './control.ts';
import { depositDocument, masterKeyIdsInUse, openDocument, setVaultRuntime, vaultStorage, type VaultActor } from '../vault/index.ts';
import { fileBlobStore } from '../vault/store/blobs.ts';
import { loadMasterKeys } from '../vault/store/keys.ts';

const work = mkdtempSync(join(tmpdir(), 'maillage-backup-test-'));
process.env.AUDIT_CHECKPOINT_FILE = join(work, 'checkpoints.jsonl');
// this instance's DATA_DIR (its vault folder): never the developer's data/
process.env.DATA_DIR = join(work, 'data');

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
			const { dump, masterKeyIds } = await requestDump(socket);
			// the server says which vault master keys its data needs (none here), never a key
			expect(masterKeyIds).toEqual([]);
			const out = join(work, 'through-server.tar');
			await backupFromDump(out, dump, null, masterKeyIds);
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

	it('gives the messages queued for an address over the control socket (an instance without SMTP, the browser tests)', async () => {
		await source.query(
			sql`insert into outbox ("to", subject, text, template) values ('ines@exemple.fr', 'Confirmez', 'Le lien : https://x/formations/inscription/abc', 'training-confirm')`
		);
		const socket = join(work, 'control-outbox.sock');
		const stop = await startControlSocket(source, socket);
		try {
			expect(await requestOutbox('ines@exemple.fr', socket)).toMatchObject([{ template: 'training-confirm', subject: 'Confirmez', status: 'pending' }]);
			expect(await requestOutbox('personne@exemple.fr', socket)).toEqual([]);
		} finally {
			await stop();
		}
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

describe.skipIf(onPostgres())('the vault’s documents in a backup, never its master key', () => {
	let w: World;
	let me: VaultActor;
	let documentId: string;
	let keyId: string;
	const pdf = tinyPdf('Attestation de la CAF — quotient familial 612');
	const home = join(work, 'vault-home');
	const keyFile = join(home, 'keys', 'vault-master.json');
	const file = join(work, 'with-vault.tar');
	const fresh = (name: string) => {
		const dir = join(work, name);
		return { dir, pgliteDir: join(dir, 'pglite'), vaultDir: join(dir, 'vault'), checkpoints: join(dir, 'checkpoints.jsonl'), dataDir: dir, env: {} };
	};
	const read = async (s: NodeJS.ReadableStream) => {
		const parts: Buffer[] = [];
		for await (const c of s) parts.push(c as Buffer);
		return Buffer.concat(parts);
	};

	beforeAll(async () => {
		// the embedded default: the key file in DATA_DIR/keys, the blobs in DATA_DIR/vault
		const keys = loadMasterKeys({ env: {}, dataDir: home, create: true });
		keyId = keys.currentId();
		setVaultRuntime({ keys, blobs: fileBlobStore(join(home, 'vault')) });
		w = await openWorld({ places: false });
		const caf = await w.organisation('CAF de Lot-et-Garonne', 'operateur');
		const personId = await w.person(await w.member('pres@caf.test', caf, 'prescriber'), caf);
		me = { kind: 'person', beneficiaryIds: [personId], ip: '192.0.2.20' };
		documentId = (await depositDocument(w.db, me, { type: 'attestation_caf', title: 'Attestation CAF', parts: [pdf] })).id;
	}, 120_000);
	afterAll(async () => {
		setVaultRuntime(null);
		await w?.close();
	});

	it('holds the encrypted documents and the master key’s id, not the key', async () => {
		const m = await backup(w.db, file, { vault: { storage: vaultStorage({}, home), masterKeyIds: await masterKeyIdsInUse(w.db) } });
		// the document and its thumbnail
		expect(m.vault).toEqual({ storage: 'fs', blobs: 2, masterKeyIds: [keyId] });
		expect(Object.keys(m.files)).toContain('vault.tar');
		const dir = mkdtempSync(join(tmpdir(), 'maillage-vault-tar-'));
		try {
			await tar.x({ file, cwd: dir });
			const inside: string[] = [];
			await tar.t({ file: join(dir, 'vault.tar'), onReadEntry: (e) => void (e.type === 'File' && inside.push(e.path)) });
			expect(inside).toHaveLength(2);
			expect(inside.every((p) => /^v1\/\d{10}\/[0-9a-f]{32}\.blob$/.test(p))).toBe(true);
			// no part of the backup holds the key, nor the document in clear
			const key = Object.values(JSON.parse(readFileSync(keyFile, 'utf8')).keys as Record<string, string>)[0];
			const whole = readFileSync(file);
			expect(whole.includes(Buffer.from(key))).toBe(false);
			expect(whole.includes(Buffer.from(key, 'base64'))).toBe(false);
			expect(whole.includes(Buffer.from('quotient familial 612'))).toBe(false);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('without the master key, refuses to restore and says where to give it', async () => {
		const t = fresh('no-key');
		const refusal = restore(file, t);
		await expect(refusal).rejects.toThrow(/master key is not here/);
		await expect(restore(file, t)).rejects.toThrow(new RegExp(`need the master key\\(s\\) ${keyId}.*Nothing was restored`));
		await expect(restore(file, t)).rejects.toThrow(/VAULT_MASTER_KEY_FILE/);
		expect(existsSync(t.pgliteDir)).toBe(false);
		expect(existsSync(t.vaultDir)).toBe(false);
		// another key is no better: its id is not the one the documents need
		await expect(restore(file, { ...t, env: { VAULT_MASTER_KEY: randomBytes(32).toString('base64') } })).rejects.toThrow(new RegExp(`do not include ${keyId}`));
	});

	it('with the key file copied into the new DATA_DIR, restores the documents and one opens', async () => {
		const t = fresh('with-key');
		mkdirSync(join(t.dir, 'keys'), { recursive: true, mode: 0o700 });
		copyFileSync(keyFile, join(t.dir, 'keys', 'vault-master.json'));
		const r = await restore(file, t);
		expect(r.vault).toMatch(/2 encrypted file\(s\) restored/);
		expect(statSync(t.vaultDir).mode & 0o777).toBe(0o700);
		const copy = await openDatabase({ dataDir: t.pgliteDir, migrate: false });
		try {
			setVaultRuntime({ keys: loadMasterKeys({ env: {}, dataDir: t.dir }), blobs: fileBlobStore(t.vaultDir) });
			const opened = await openDocument(copy, me, documentId, 'download');
			expect((await read(opened.stream)).equals(pdf)).toBe(true);
		} finally {
			await copy.close();
		}
		// the documents there now are never overwritten without --force
		await expect(restore(file, t)).rejects.toThrow(/vault already holds documents: add --force/);
	});
});
