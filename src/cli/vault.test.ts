/**
 * `maillage vault …` (issue 15): as a user runs it (a real process, the same settings as the
 * server), and on a vault with a document (in this process, to change its stored bytes):
 * the master key rotated and every person key rewrapped, the document still readable; the
 * integrity check's exit code and the failing id; the orphan files purged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { createEmptyTestDatabase } from '../../test/db.ts';
import { openWorld, type World } from '../../test/world.ts';
import { tinyPdf } from '../../test/vault-files.ts';
import type { Database } from '../lib/server/db/client.ts';
import { depositDocument, loadMasterKeys, openDocument, setVaultRuntime } from '../lib/server/vault/index.ts';
import { fileBlobStore } from '../lib/server/vault/store/blobs.ts';
import { vaultDocuments, vaultKeys } from '../lib/server/vault/db.ts';
import { vaultCommand } from './vault.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

describe('npx maillage vault', () => {
	let dir: string;
	let pgDb: Database | undefined;
	let env: Record<string, string>;
	const maillage = (extra: Record<string, string>, ...args: string[]) =>
		run(process.execPath, [join(root, 'bin', 'maillage.mjs'), ...args], { cwd: root, env: { ...process.env, ...env, ...extra } });

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'maillage-cli-vault-'));
		if (process.env.DATABASE_URL) pgDb = await createEmptyTestDatabase();
		env = { DATA_DIR: dir, DATABASE_URL: pgDb?.url ?? '', VAULT_MASTER_KEY: '', VAULT_MASTER_KEY_FILE: '', VAULT_MASTER_KEY_PREVIOUS: '', VAULT_STORAGE: '' };
	}, 120_000);
	afterAll(async () => {
		await pgDb?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('rotates the key file’s master key: a new key made current, the older kept', async () => {
		const { stdout } = await maillage({}, 'vault', 'rotate-master-key');
		expect(stdout).toMatch(/^new master key: k-[0-9a-f]{12} \(in .*vault-master\.json\)\nperson keys rewrapped: 0\n$/);
		const file = JSON.parse(readFileSync(join(dir, 'keys', 'vault-master.json'), 'utf8'));
		expect(Object.keys(file.keys)).toHaveLength(2);
		expect(stdout).toContain(file.current);
	});

	it('with VAULT_MASTER_KEY, says how to change it and rewraps, the key file untouched', async () => {
		const before = readFileSync(join(dir, 'keys', 'vault-master.json'), 'utf8');
		const { stdout, stderr } = await maillage({ VAULT_MASTER_KEY: randomBytes(32).toString('base64') }, 'vault', 'rotate-master-key');
		expect(stderr).toContain('set it as VAULT_MASTER_KEY, and put the old one in VAULT_MASTER_KEY_PREVIOUS');
		expect(stdout).toMatch(/^current master key: env-[0-9a-f]{8}\nperson keys rewrapped: 0\n$/);
		expect(readFileSync(join(dir, 'keys', 'vault-master.json'), 'utf8')).toBe(before);
	});

	it('checks an empty vault (exit 0) and purges an orphan file older than two hours', async () => {
		expect((await maillage({}, 'vault', 'check')).stdout).toBe('documents checked: 0\nfailed: 0\n');
		const orphan = join(dir, 'vault', 'v1', '2020010100', `${'ab'.repeat(16)}.blob`);
		mkdirSync(join(orphan, '..'), { recursive: true });
		writeFileSync(orphan, randomBytes(64));
		expect((await maillage({}, 'vault', 'purge-orphans')).stdout).toBe('orphan files removed: 1\n');
		expect(existsSync(orphan)).toBe(false);
	});

	it('refuses an unknown vault command with exit code 2', async () => {
		const err = await maillage({}, 'vault', 'frobnicate').catch((e) => e);
		expect(err.code).toBe(2);
		expect(err.stderr).toMatch(/unknown command: vault frobnicate/);
	});
});

describe('the vault commands on a vault with a document', () => {
	let w: World;
	let dir: string;
	let keyFile: string;
	let personId: string;
	let documentId: string;
	const lines: string[] = [];
	const io = { out: (s: string) => void lines.push(s), err: () => {} };
	const pdf = tinyPdf('Attestation CAF — quotient familial 512');

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'maillage-vault-cmd-'));
		keyFile = join(dir, 'keys', 'vault-master.json');
		setVaultRuntime({
			keys: loadMasterKeys({ env: { VAULT_MASTER_KEY_FILE: keyFile }, dataDir: dir, create: true }),
			blobs: fileBlobStore(join(dir, 'blobs'))
		});
		w = await openWorld({ places: false });
		const ccas = await w.organisation('CCAS de Nérac', 'ccas');
		const pat = await w.member('pat@ccas.test', ccas, 'prescriber');
		personId = await w.person(pat, ccas, { firstName: 'Odette', lastName: 'Garrigues' });
		documentId = (await depositDocument(w.db, { kind: 'person', beneficiaryIds: [personId] }, { type: 'attestation_caf', parts: [pdf] })).id;
	}, 120_000);
	afterAll(async () => {
		setVaultRuntime(null);
		await w?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('rotates the master key and rewraps the person’s key; the document still opens', async () => {
		lines.length = 0;
		expect(await vaultCommand(w.db, 'rotate-master-key', io, { VAULT_MASTER_KEY_FILE: keyFile })).toBe(0);
		expect(lines.join('')).toContain('person keys rewrapped: 1');
		const current = JSON.parse(readFileSync(keyFile, 'utf8')).current;
		const [key] = await w.db.privileged.db.select().from(vaultKeys).where(eq(vaultKeys.beneficiaryId, personId));
		expect(key.masterKeyId).toBe(current);
		const opened = await openDocument(w.db, { kind: 'person', beneficiaryIds: [personId] }, documentId, 'download');
		const parts: Buffer[] = [];
		for await (const c of opened.stream) parts.push(c as Buffer);
		expect(Buffer.concat(parts).equals(pdf)).toBe(true);
	});

	it('checks: exit 0 when every document matches, 1 with the failing id when one was changed', async () => {
		lines.length = 0;
		expect(await vaultCommand(w.db, 'check', io)).toBe(0);
		expect(lines.join('')).toBe('documents checked: 1\nfailed: 0\n');
		const [doc] = await w.db.privileged.db.select().from(vaultDocuments).where(eq(vaultDocuments.id, documentId));
		const file = join(dir, 'blobs', `${doc.blob}.blob`);
		const tampered = Buffer.from(readFileSync(file));
		tampered[tampered.length - 40] ^= 0xff;
		writeFileSync(file, tampered);
		lines.length = 0;
		expect(await vaultCommand(w.db, 'check', io)).toBe(1);
		expect(lines.join('')).toBe(`documents checked: 1\nfailed: 1\n  ${documentId}  unreadable\n`);
	});
});
