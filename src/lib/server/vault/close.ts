/**
 * The person closes their vault (issue 15, item 9): the page offers the export first; then,
 * in one transaction, every share and presence ends, the documents' rows go and the keys
 * are destroyed (crypto-erasure, the same as erasing the record). The stored bytes, which
 * nothing can read any more, are removed right after, and by the monthly purge otherwise.
 */
import { inArray, and, isNotNull } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { grantsOfKinds, revokeGrant } from '../grants/index.ts';
import { uncheckedRecord } from '../beneficiaries/index.ts';
import { vaultDocuments, vaultKeys } from './db.ts';
import { vaultRuntime } from './runtime.ts';
import { auditIp, type VaultActor } from './access.ts';
import { VAULT_GRANT_KINDS } from './model.ts';

export async function closeVault(database: Database, who: Extract<VaultActor, { kind: 'person' }>, now = new Date()): Promise<{ documents: number }> {
	const ids = [...who.beneficiaryIds];
	if (!ids.length) return { documents: 0 };
	const blobs = await database.db.transaction(async (tx) => {
		const rows = await tx
			.delete(vaultDocuments)
			.where(inArray(vaultDocuments.beneficiaryId, ids))
			.returning({ blob: vaultDocuments.blob, thumb: vaultDocuments.thumbBlob, b: vaultDocuments.beneficiaryId });
		for (const g of await grantsOfKinds(tx, ids, VAULT_GRANT_KINDS)) if (!g.revokedAt) await revokeGrant(tx, g.id, { by: 'person' }, now);
		const keys = await tx
			.update(vaultKeys)
			.set({ wrapped: null, destroyedAt: now })
			.where(and(inArray(vaultKeys.beneficiaryId, ids), isNotNull(vaultKeys.wrapped)))
			.returning({ b: vaultKeys.beneficiaryId });
		for (const b of new Set([...rows.map((r) => r.b), ...keys.map((k) => k.b)])) {
			const record = await uncheckedRecord(tx, b);
			await journal(tx, {
				actor: { kind: 'person' },
				action: 'vault.closed',
				targetType: 'beneficiary',
				targetId: b,
				departmentCode: record?.departmentCode,
				ip: auditIp(who),
				details: { documents: rows.filter((r) => r.b === b).length }
			});
		}
		return rows;
	});
	const store = vaultRuntime().blobs;
	await Promise.allSettled(blobs.flatMap((r) => [store.delete(r.blob), r.thumb ? store.delete(r.thumb) : Promise.resolve()]));
	return { documents: blobs.length };
}
