/**
 * The vault's master keys, kept outside the database (decision 0016): they wrap the
 * persons' keys, which wrap the documents' keys. Two sources:
 * - VAULT_MASTER_KEY: base64 of 32 bytes, one key whose id is 'env-' + the first 8 hex
 *   digits of its SHA-256; VAULT_MASTER_KEY_PREVIOUS (comma-separated, same form) keeps
 *   older ones for unwrapping while person keys are rewrapped after a change;
 * - a JSON key file, VAULT_MASTER_KEY_FILE or DATA_DIR/keys/vault-master.json,
 *   { "current": id, "keys": { id: base64 } }, mode 0600 in a 0700 folder; `create`
 *   makes it with one fresh key on the embedded default's first start, and
 *   rotateMasterKeyFile adds a key and makes it current.
 * Key material is never logged nor put in an error message: errors name the file and the
 * key id only.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** A key could not be found, or a wrapped key does not open with this key and context. */
export class VaultKeyError extends Error {
	override name = 'VaultKeyError';
}

export interface MasterKeys {
	/** The id of the key that wraps from now on. */
	currentId(): string;
	has(keyId: string): boolean;
	/** Wraps with the current key. */
	wrap(plain: Buffer, aad: string): Promise<{ keyId: string; wrapped: Buffer }>;
	/** Throws VaultKeyError on an unknown key, a wrong key or context, or a tampered blob. */
	unwrap(keyId: string, wrapped: Buffer, aad: string): Promise<Buffer>;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A fresh 256-bit data key (a person's or a document's). */
export function newDataKey(): Buffer {
	return randomBytes(KEY_BYTES);
}

function checkKek(kek: Buffer): void {
	if (!Buffer.isBuffer(kek) || kek.length !== KEY_BYTES) throw new VaultKeyError(`a wrapping key must be ${KEY_BYTES} bytes`);
}

/** AES-256-GCM of `key` under `kek`, bound to `aad` (say, the person's id): iv(12) | tag(16) | ciphertext. */
export function wrapKey(kek: Buffer, key: Buffer, aad: string): Buffer {
	checkKek(kek);
	if (!Buffer.isBuffer(key) || key.length === 0) throw new VaultKeyError('nothing to wrap');
	const iv = randomBytes(IV_BYTES);
	const c = createCipheriv('aes-256-gcm', kek, iv);
	c.setAAD(Buffer.from(aad, 'utf8'));
	const ct = Buffer.concat([c.update(key), c.final()]);
	return Buffer.concat([iv, c.getAuthTag(), ct]);
}

/** The inverse of wrapKey; a wrong kek or aad, or any changed byte, is a VaultKeyError. */
export function unwrapKey(kek: Buffer, wrapped: Buffer, aad: string): Buffer {
	checkKek(kek);
	if (!Buffer.isBuffer(wrapped) || wrapped.length <= IV_BYTES + TAG_BYTES) throw new VaultKeyError('wrapped key too short');
	try {
		const d = createDecipheriv('aes-256-gcm', kek, wrapped.subarray(0, IV_BYTES));
		d.setAAD(Buffer.from(aad, 'utf8'));
		d.setAuthTag(wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
		return Buffer.concat([d.update(wrapped.subarray(IV_BYTES + TAG_BYTES)), d.final()]);
	} catch {
		throw new VaultKeyError('the wrapped key does not open with this key and context (wrong key, wrong context or altered)');
	}
}

/** Decodes a base64 key of exactly 32 bytes; `what` names it in the error, never its value. */
function decodeKey(text: string, what: string): Buffer {
	const s = text.trim();
	const key = Buffer.from(s, 'base64');
	if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(s) || key.length !== KEY_BYTES)
		throw new Error(`${what} must be the base64 encoding of ${KEY_BYTES} random bytes (for example: openssl rand -base64 32)`);
	return key;
}

function envKeyId(key: Buffer): string {
	return 'env-' + createHash('sha256').update(key).digest('hex').slice(0, 8);
}

function newKeyId(): string {
	return 'k-' + randomBytes(6).toString('hex');
}

/** Where the key file is: VAULT_MASTER_KEY_FILE, else DATA_DIR/keys/vault-master.json. */
export function masterKeyFilePath(env: NodeJS.ProcessEnv, dataDir: string): string {
	return env.VAULT_MASTER_KEY_FILE ? resolve(env.VAULT_MASTER_KEY_FILE) : join(resolve(dataDir), 'keys', 'vault-master.json');
}

type KeyFile = { current: string; keys: Record<string, string> };

function readKeyFile(path: string): { current: string; keys: Map<string, Buffer> } {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (e) {
		throw new Error(`cannot read the vault master key file ${path} (${(e as NodeJS.ErrnoException).code})`, { cause: e });
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		// not chained: JSON.parse's message quotes the file, keys included
		throw new Error(`the vault master key file ${path} is not valid JSON`);
	}
	const f = parsed as Partial<KeyFile> | null;
	if (!f || typeof f !== 'object' || typeof f.current !== 'string' || !f.keys || typeof f.keys !== 'object' || Array.isArray(f.keys))
		throw new Error(`the vault master key file ${path} must hold { "current": id, "keys": { id: base64 } }`);
	const keys = new Map<string, Buffer>();
	for (const [id, value] of Object.entries(f.keys)) {
		if (!KEY_ID.test(id)) throw new Error(`the vault master key file ${path} has an invalid key id (letters, digits, '-' and '_' only)`);
		if (typeof value !== 'string') throw new Error(`key ${id} in ${path} must be a base64 string`);
		keys.set(id, decodeKey(value, `key ${id} in ${path}`));
	}
	if (!keys.has(f.current)) throw new Error(`the vault master key file ${path} names a current key (${f.current}) it does not hold`);
	return { current: f.current, keys };
}

function serialise(current: string, keys: Map<string, Buffer>): string {
	const out: KeyFile = { current, keys: {} };
	for (const [id, key] of keys) out.keys[id] = key.toString('base64');
	return JSON.stringify(out, null, 2) + '\n';
}

/** Writes a temporary file beside `path` (mode 0600, synced) and returns its name. */
function writeTemp(path: string, text: string): string {
	const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
	const fd = openSync(tmp, 'wx', 0o600);
	try {
		writeSync(fd, text);
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
	return tmp;
}

function syncDir(dir: string): void {
	try {
		const fd = openSync(dir, 'r');
		try {
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
	} catch {
		/* some file systems cannot sync a folder; the file itself is synced */
	}
}

/** Creates the key file with one fresh key, unless another process did first. */
function createKeyFile(path: string): void {
	const dir = dirname(path);
	if (!existsSync(dir)) {
		mkdirSync(dir, { recursive: true, mode: 0o700 });
		chmodSync(dir, 0o700); // the umask may have widened it
	}
	const id = newKeyId();
	const tmp = writeTemp(path, serialise(id, new Map([[id, newDataKey()]])));
	try {
		linkSync(tmp, path); // fails if the file appeared meanwhile: the first one stays
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
	} finally {
		unlinkSync(tmp);
	}
	syncDir(dir);
}

/**
 * Adds a fresh key to the key file and makes it current; the older keys stay, so the
 * person keys they wrap still open until they are rewrapped. The file is replaced
 * atomically. Running processes keep wrapping with the key they loaded until restarted.
 */
export function rotateMasterKeyFile(path: string): { newId: string } {
	const { keys } = readKeyFile(path);
	let newId = newKeyId();
	while (keys.has(newId)) newId = newKeyId();
	keys.set(newId, newDataKey());
	const tmp = writeTemp(path, serialise(newId, keys));
	try {
		renameSync(tmp, path);
	} catch (e) {
		unlinkSync(tmp);
		throw e;
	}
	syncDir(dirname(path));
	return { newId };
}

function keyRing(current: string, keys: Map<string, Buffer>): MasterKeys {
	return {
		currentId: () => current,
		has: (keyId) => keys.has(keyId),
		async wrap(plain, aad) {
			return { keyId: current, wrapped: wrapKey(keys.get(current)!, plain, aad) };
		},
		async unwrap(keyId, wrapped, aad) {
			const kek = keys.get(keyId);
			if (!kek) throw new VaultKeyError(`unknown vault master key ${keyId}`);
			return unwrapKey(kek, wrapped, aad);
		}
	};
}

/**
 * The master keys from VAULT_MASTER_KEY, else from the key file. A missing key file is an
 * error unless `create` (the embedded default's first start) makes it.
 */
export function loadMasterKeys(opts: { env?: NodeJS.ProcessEnv; dataDir: string; create?: boolean }): MasterKeys {
	const env = opts.env ?? process.env;
	if (env.VAULT_MASTER_KEY) {
		if (env.VAULT_MASTER_KEY_FILE) throw new Error('set VAULT_MASTER_KEY or VAULT_MASTER_KEY_FILE, not both');
		const key = decodeKey(env.VAULT_MASTER_KEY, 'VAULT_MASTER_KEY');
		const keys = new Map([[envKeyId(key), key]]);
		for (const [i, old] of (env.VAULT_MASTER_KEY_PREVIOUS ?? '')
			.split(',')
			.filter((s) => s.trim())
			.entries()) {
			const k = decodeKey(old, `VAULT_MASTER_KEY_PREVIOUS (key ${i + 1})`);
			keys.set(envKeyId(k), k);
		}
		return keyRing(envKeyId(key), keys);
	}
	if (env.VAULT_MASTER_KEY_PREVIOUS) throw new Error('VAULT_MASTER_KEY_PREVIOUS needs VAULT_MASTER_KEY');
	const path = masterKeyFilePath(env, opts.dataDir);
	if (!existsSync(path)) {
		if (!opts.create)
			throw new Error(`no vault master key: set VAULT_MASTER_KEY (base64 of 32 random bytes) or VAULT_MASTER_KEY_FILE, or create the key file ${path}`);
		createKeyFile(path);
	}
	const { current, keys } = readKeyFile(path);
	return keyRing(current, keys);
}
