/**
 * `maillage vault …`: the coffre-fort's upkeep from the command line (issue 15).
 * - rotate-master-key: a new master key in the key file, made current, then every person
 *   key rewrapped with it (counts printed). When the key comes from VAULT_MASTER_KEY, the
 *   operator changes the environment (the command says how) and the command rewraps.
 * - check: the integrity check of every document (exit 1 and the failing ids when any fails).
 * - purge-orphans: removes the stored blobs no document names any more.
 * Nothing personal is printed: counts, key ids and document ids only.
 */
import { dataDir } from '../lib/server/paths.ts';
import type { Database } from '../lib/server/db/client.ts';
import {
	checkIntegrity,
	loadMasterKeys,
	masterKeyFilePath,
	purgeOrphanBlobs,
	rewrapPersonKeys,
	rotateMasterKeyFile,
	setVaultRuntime,
	vaultRuntime
} from '../lib/server/vault/index.ts';
import type { VaultCommand } from './vault-help.ts';

export { VAULT_HELP, VAULT_COMMANDS, isVaultCommand, type VaultCommand } from './vault-help.ts';

export const ENV_KEY_STEPS = `The vault master key comes from VAULT_MASTER_KEY: the command cannot change it.
To rotate it:
  1. make a new key: openssl rand -base64 32
  2. set it as VAULT_MASTER_KEY, and put the old one in VAULT_MASTER_KEY_PREVIOUS
     (comma-separated if there are several);
  3. restart the server, then run "maillage vault rotate-master-key" again: it rewraps
     every person key with the new key;
  4. once it says 0 keys are left on an older key, remove VAULT_MASTER_KEY_PREVIOUS.
`;

type Out = { out: (s: string) => void; err: (s: string) => void };
const std: Out = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

/** Runs one vault command on an open database; returns the exit code. */
export async function vaultCommand(database: Database, sub: VaultCommand, io: Out = std, env: NodeJS.ProcessEnv = process.env): Promise<number> {
	if (sub === 'rotate-master-key') {
		if (env.VAULT_MASTER_KEY) {
			io.err(ENV_KEY_STEPS);
			const { rewrapped, current } = await rewrapPersonKeys(database, vaultRuntime().keys);
			io.out(`current master key: ${current}\nperson keys rewrapped: ${rewrapped}\n`);
			return 0;
		}
		const path = masterKeyFilePath(env, dataDir());
		// a first rotation on a new installation: the file is made as the server would on its first start
		loadMasterKeys({ env, dataDir: dataDir(), create: true });
		const { newId } = rotateMasterKeyFile(path);
		const keys = loadMasterKeys({ env, dataDir: dataDir() });
		setVaultRuntime({ keys, blobs: vaultRuntime().blobs });
		const { rewrapped } = await rewrapPersonKeys(database, keys);
		io.out(`new master key: ${newId} (in ${path})\nperson keys rewrapped: ${rewrapped}\n`);
		io.err('Restart the server so that it wraps new keys with the new master key. Keep a copy of the key file with the backups.\n');
		return 0;
	}
	if (sub === 'check') {
		const report = await checkIntegrity(database);
		io.out(`documents checked: ${report.checked}\nfailed: ${report.failed.length}\n`);
		for (const f of report.failed) io.out(`  ${f.id}  ${f.reason}\n`);
		return report.failed.length ? 1 : 0;
	}
	const removed = await purgeOrphanBlobs(database);
	io.out(`orphan files removed: ${removed}\n`);
	return 0;
}
