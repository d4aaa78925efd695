import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VaultKeyError, loadMasterKeys, masterKeyFilePath, newDataKey, rotateMasterKeyFile, unwrapKey, wrapKey } from './keys.ts';

let dataDir: string;
beforeEach(() => {
	dataDir = mkdtempSync(join(tmpdir(), 'maillage-vault-keys-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const mode = (p: string) => statSync(p).mode & 0o777;

describe('wrapping keys', () => {
	it('wraps and unwraps a data key, bound to its context', () => {
		const kek = newDataKey();
		const key = newDataKey();
		expect(key.length).toBe(32);
		expect(key.equals(newDataKey())).toBe(false);
		const wrapped = wrapKey(kek, key, 'person:1');
		expect(wrapped.length).toBe(12 + 16 + 32);
		expect(wrapped.includes(key)).toBe(false);
		expect(unwrapKey(kek, wrapped, 'person:1').equals(key)).toBe(true);
		expect(() => unwrapKey(kek, wrapped, 'person:2')).toThrow(VaultKeyError);
		expect(() => unwrapKey(newDataKey(), wrapped, 'person:1')).toThrow(VaultKeyError);
		for (const at of [0, 12, 28, wrapped.length - 1]) {
			const bad = Buffer.from(wrapped);
			bad[at] ^= 0x80;
			expect(() => unwrapKey(kek, bad, 'person:1')).toThrow(VaultKeyError);
		}
		expect(() => unwrapKey(kek, wrapped.subarray(0, 28), 'person:1')).toThrow(VaultKeyError);
		expect(() => wrapKey(randomBytes(16), key, 'x')).toThrow(VaultKeyError);
	});
});

describe('master keys', () => {
	it('refuses to start without a key, saying how to give one', () => {
		expect(() => loadMasterKeys({ env: {}, dataDir })).toThrow(/VAULT_MASTER_KEY.*vault-master\.json/);
	});

	it('creates the key file on first start (0600 in a 0700 folder), then reads the same key back', async () => {
		const first = loadMasterKeys({ env: {}, dataDir, create: true });
		const path = join(dataDir, 'keys', 'vault-master.json');
		expect(masterKeyFilePath({}, dataDir)).toBe(path);
		expect(mode(path)).toBe(0o600);
		expect(mode(join(dataDir, 'keys'))).toBe(0o700);
		expect(first.currentId()).toMatch(/^k-[0-9a-f]{12}$/);
		const file = JSON.parse(readFileSync(path, 'utf8'));
		expect(Object.keys(file.keys)).toEqual([first.currentId()]);
		expect(Buffer.from(file.keys[first.currentId()], 'base64').length).toBe(32);

		const { keyId, wrapped } = await first.wrap(Buffer.from('person key'), 'person:1');
		const again = loadMasterKeys({ env: {}, dataDir, create: true });
		expect(again.currentId()).toBe(keyId);
		expect((await again.unwrap(keyId, wrapped, 'person:1')).toString()).toBe('person key');
		await expect(again.unwrap(keyId, wrapped, 'person:2')).rejects.toBeInstanceOf(VaultKeyError);
		await expect(again.unwrap('k-000000000000', wrapped, 'person:1')).rejects.toBeInstanceOf(VaultKeyError);
	});

	it('rotates: a new current key, the old one kept for what it wrapped', async () => {
		const before = loadMasterKeys({ env: {}, dataDir, create: true });
		const old = await before.wrap(Buffer.from('person key'), 'person:1');
		const path = masterKeyFilePath({}, dataDir);
		const { newId } = rotateMasterKeyFile(path);
		expect(newId).not.toBe(old.keyId);
		expect(mode(path)).toBe(0o600);
		const after = loadMasterKeys({ env: {}, dataDir });
		expect(after.currentId()).toBe(newId);
		expect(after.has(old.keyId)).toBe(true);
		expect((await after.unwrap(old.keyId, old.wrapped, 'person:1')).toString()).toBe('person key');
		const rewrapped = await after.wrap(Buffer.from('person key'), 'person:1');
		expect(rewrapped.keyId).toBe(newId);
		expect(before.has(newId)).toBe(false); // a running process keeps what it loaded until restarted
	});

	it('reads a key file named by VAULT_MASTER_KEY_FILE', async () => {
		const path = join(dataDir, 'elsewhere', 'master.json');
		const env = { VAULT_MASTER_KEY_FILE: path };
		expect(() => loadMasterKeys({ env, dataDir })).toThrow(/master\.json/);
		const keys = loadMasterKeys({ env, dataDir, create: true });
		expect(masterKeyFilePath(env, dataDir)).toBe(path);
		expect(JSON.parse(readFileSync(path, 'utf8')).current).toBe(keys.currentId());
	});

	it('takes VAULT_MASTER_KEY, with an id derived from the key, and older keys to unwrap with', async () => {
		const key = randomBytes(32);
		const id = 'env-' + createHash('sha256').update(key).digest('hex').slice(0, 8);
		const keys = loadMasterKeys({ env: { VAULT_MASTER_KEY: key.toString('base64') }, dataDir });
		expect(keys.currentId()).toBe(id);
		const w = await keys.wrap(Buffer.from('k'), 'a');
		expect(w.keyId).toBe(id);

		const next = randomBytes(32);
		const rotated = loadMasterKeys({ env: { VAULT_MASTER_KEY: next.toString('base64'), VAULT_MASTER_KEY_PREVIOUS: key.toString('base64') }, dataDir });
		expect(rotated.currentId()).not.toBe(id);
		expect((await rotated.unwrap(id, w.wrapped, 'a')).toString()).toBe('k');
		expect(() => loadMasterKeys({ env: {}, dataDir })).toThrow(); // nothing written to disk
	});

	it('refuses malformed keys without showing them', () => {
		const short = randomBytes(16).toString('base64');
		for (const bad of [short, 'not base64 at all!', randomBytes(33).toString('base64')]) {
			let message = '';
			try {
				loadMasterKeys({ env: { VAULT_MASTER_KEY: bad }, dataDir });
			} catch (e) {
				message = (e as Error).message;
			}
			expect(message).toMatch(/VAULT_MASTER_KEY must be the base64 encoding of 32/);
			expect(message).not.toContain(bad);
		}
		const env = { VAULT_MASTER_KEY: randomBytes(32).toString('base64'), VAULT_MASTER_KEY_FILE: '/x' };
		expect(() => loadMasterKeys({ env, dataDir })).toThrow(/not both/);
	});

	it('refuses a key file that is broken, with the file named and no key shown', () => {
		const path = masterKeyFilePath({}, dataDir);
		mkdirSync(join(dataDir, 'keys'));
		const secret = randomBytes(20).toString('base64');
		const cases: [string, RegExp][] = [
			['{', /not valid JSON/],
			['[]', /must hold/],
			[JSON.stringify({ current: 'a', keys: { b: randomBytes(32).toString('base64') } }), /current key \(a\)/],
			[JSON.stringify({ current: 'a', keys: { a: secret } }), /key a in .* must be the base64 encoding of 32/],
			[JSON.stringify({ current: 'a b', keys: { 'a b': randomBytes(32).toString('base64') } }), /invalid key id/]
		];
		for (const [text, error] of cases) {
			writeFileSync(path, text);
			expect(() => loadMasterKeys({ env: {}, dataDir })).toThrow(error);
			expect(() => loadMasterKeys({ env: {}, dataDir })).not.toThrow(secret);
		}
	});
});
