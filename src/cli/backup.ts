/**
 * `maillage backup` and `maillage restore`: one file holding the database, the audit
 * journal's checkpoints and the vault's encrypted documents when they are on disk, never
 * the vault's master keys (see src/lib/server/ops/backup.ts). The embedded database is
 * dumped by the running server when there is one (its control socket), else directly.
 */
import { join, resolve } from 'node:path';
import { openDatabase } from '../lib/server/db/client.ts';
import { dataDir } from '../lib/server/paths.ts';
import { backup, backupFromDump, liveHolder, restore, BackupError, type Manifest } from '../lib/server/ops/backup.ts';
import { controlSocketPath, requestDump } from '../lib/server/ops/control.ts';
import { formatAuditReport, verifyAudit } from '../lib/server/audit/index.ts';
import { verifyLedger } from '../lib/server/pass/index.ts';

const say = (m: string) => process.stderr.write(m + '\n');

function defaultName(kind: string): string {
	return `maillage-${kind}-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.tar`;
}

function describe(m: Manifest): string {
	const size = Object.values(m.files).reduce((s, f) => s + f.bytes, 0);
	return `${m.kind} database of ${m.createdAt}, ${(size / 1024 / 1024).toFixed(1)} MiB, ${Object.keys(m.files).join(', ')}`;
}

/** What the operator must keep beside the backup: the vault's master keys are never in it. */
function vaultNote(m: Manifest): string | null {
	const v = m.vault;
	if (!v) return null;
	const where = v.storage === 'fs' ? `${v.blobs} encrypted document file(s) copied` : `documents left in the bucket ${v.bucket} (not copied)`;
	if (!v.masterKeyIds.length) return `vault: ${where}; no master key in use yet`;
	return `vault: ${where}. The master key(s) ${v.masterKeyIds.join(', ')} are NOT in the backup: keep the key file (DATA_DIR/keys/vault-master.json) or VAULT_MASTER_KEY in a separate safe; without them no document can be read`;
}

export async function backupCommand(out: string | undefined): Promise<number> {
	const embedded = !process.env.DATABASE_URL;
	const file = resolve(out ?? defaultName(embedded ? 'pglite' : 'postgres'));
	if (embedded && liveHolder(join(dataDir(), 'pglite'))) {
		// the server holds the embedded database: it makes the dump itself
		const { dump, lastMigration, masterKeyIds } = await requestDump(controlSocketPath());
		const m = await backupFromDump(file, dump, lastMigration, masterKeyIds);
		say(`backup written by the running server to ${file}: ${describe(m)}`);
		const note = vaultNote(m);
		if (note) say(note);
		return 0;
	}
	const database = await openDatabase({ migrate: false });
	try {
		const m = await backup(database, file);
		say(`backup written to ${file}: ${describe(m)}`);
		const note = vaultNote(m);
		if (note) say(note);
		return 0;
	} finally {
		await database.close();
	}
}

export async function restoreCommand(file: string | undefined, force: boolean): Promise<number> {
	if (!file) throw new BackupError('restore needs the backup file: maillage restore <file> [--force]');
	const r = await restore(resolve(file), { force });
	say(`restored: ${describe(r.manifest)}`);
	if (r.vault) say(r.vault);
	for (const a of r.setAside) say(`set aside (not deleted): ${a}`);
	// the restored data is checked at once: the journal's chain and checkpoints, the ledger
	const database = await openDatabase({ migrate: false, ...(r.manifest.kind === 'pglite' ? { dataDir: join(dataDir(), 'pglite') } : {}) });
	try {
		const chain = await verifyAudit(database);
		say(formatAuditReport(chain).trimEnd());
		const ledger = await verifyLedger(database);
		say(ledger.ok ? 'pass: every invariant holds' : `pass: ${ledger.breaches.length} breach(es)\n${ledger.breaches.map((b) => `  - ${b}`).join('\n')}`);
		return chain.ok && ledger.ok ? 0 : 1;
	} finally {
		await database.close();
	}
}
