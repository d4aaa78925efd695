/**
 * What a backup of the instance (ops/backup.ts) needs to know of the vault:
 * - where the encrypted documents are: a folder (VAULT_STORAGE=fs, DATA_DIR/vault), which the
 *   backup copies, or a bucket (s3), which it names but does not copy;
 * - which master keys wrap the persons' keys (their ids only, never a key): the backup
 *   records them, and a restore checks that the keys it will run with hold them all. The
 *   master keys are never part of a backup (DATA_DIR/keys is not copied): whoever holds a
 *   backup without them reads no document.
 */
import { isNotNull } from 'drizzle-orm';
import { join, resolve } from 'node:path';
import type { Database } from '../db/client.ts';
import { vaultKeys } from './db.ts';
import { loadMasterKeys, masterKeyFilePath } from './store/keys.ts';

export type VaultStorage = { storage: 'fs'; dir: string } | { storage: 's3'; bucket: string; prefix: string | null; endpoint: string | null };

/** Where the vault's blobs live, as the server would find them (VAULT_STORAGE and its S3_* settings). */
export function vaultStorage(env: NodeJS.ProcessEnv, dataDir: string): VaultStorage {
	const kind = (env.VAULT_STORAGE || 'fs').toLowerCase();
	if (kind === 's3') return { storage: 's3', bucket: env.S3_BUCKET ?? '', prefix: env.S3_PREFIX || null, endpoint: env.S3_ENDPOINT || null };
	return { storage: 'fs', dir: join(resolve(dataDir), 'vault') };
}

/** The ids of the master keys that wrap a live person key (sorted): what a restore must be given. */
export async function masterKeyIdsInUse(database: Database): Promise<string[]> {
	// the owner's connection: the request role has no privilege on vault_keys
	const rows = await database.privileged.db.selectDistinct({ id: vaultKeys.masterKeyId }).from(vaultKeys).where(isNotNull(vaultKeys.wrapped));
	return rows.map((r) => r.id).sort();
}

/**
 * Whether the master keys this process would run with (VAULT_MASTER_KEY, VAULT_MASTER_KEY_FILE
 * or DATA_DIR/keys/vault-master.json; never created here) hold every id in `needed`.
 * `problem` is a sentence for the operator (ids and paths only), null when all are there.
 */
export function checkMasterKeys(needed: readonly string[], env: NodeJS.ProcessEnv, dataDir: string): { problem: string | null; missing: string[] } {
	if (!needed.length) return { problem: null, missing: [] };
	const ids = needed.join(', ');
	const how = `set VAULT_MASTER_KEY (and VAULT_MASTER_KEY_PREVIOUS for older keys) or VAULT_MASTER_KEY_FILE, or copy the instance's key file to ${masterKeyFilePath(env, dataDir)} (mode 0600)`;
	let keys;
	try {
		keys = loadMasterKeys({ env, dataDir, create: false });
	} catch (e) {
		return {
			problem: `the vault's master key is not here (${(e as Error).message}). Backups never hold it: ${how}. The documents need the master key(s) ${ids}.`,
			missing: [...needed]
		};
	}
	const missing = needed.filter((id) => !keys.has(id));
	if (!missing.length) return { problem: null, missing };
	return {
		problem: `the vault's master keys here do not include ${missing.join(', ')}, which the backup's documents need (they need ${ids}): ${how}.`,
		missing
	};
}
