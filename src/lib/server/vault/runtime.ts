/**
 * What the vault needs outside the database: the master keys (a key file or the
 * environment, behind the MasterKeys interface) and the blob store (the file system under
 * DATA_DIR, or S3-compatible storage). Built once from the environment; tests set their own.
 */
import { dataDir } from '../paths.ts';
import { loadMasterKeys, type MasterKeys } from './store/keys.ts';
import { blobStoreFromEnv, type BlobStore } from './store/blobs.ts';

export interface VaultRuntime {
	keys: MasterKeys;
	blobs: BlobStore;
}

let current: VaultRuntime | null = null;

export function vaultRuntime(): VaultRuntime {
	if (!current) {
		const dir = dataDir();
		// the embedded default (and development) creates its key file on first start; a production
		// deployment sets VAULT_MASTER_KEY or VAULT_MASTER_KEY_FILE, or the first vault operation stops with how to
		const create = process.env.NODE_ENV !== 'production' || !process.env.DATABASE_URL;
		current = { keys: loadMasterKeys({ env: process.env, dataDir: dir, create }), blobs: blobStoreFromEnv(process.env, dir) };
	}
	return current;
}

/** Tests and the command line: another key set or store (null: back to the environment's). */
export function setVaultRuntime(r: VaultRuntime | null): void {
	current = r;
}
