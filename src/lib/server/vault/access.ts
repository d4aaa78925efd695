/**
 * Who is acting on a vault, and what they may reach (L.103, criterion 4: exclusive access).
 * The person, in their own session, reaches their records' documents. A professional
 * reaches a document only under a grant of the person in force that covers it (a share per
 * document or category, or the person present at the counter); the structure holding the
 * record, the coordinators and the instance's administrator reach nothing by their rank.
 * Every refusal to a professional is journaled, and shown to the person.
 */
import type { DbOrTx } from '../db/client.ts';
import { can, type Actor } from '../accounts/index.ts';
import { grantsOfKinds, grantInForce, type Grant } from '../grants/index.ts';
import { journal } from '../audit/index.ts';
import { personIp } from '../beneficiaries/index.ts';
import { DomainError } from '../errors.ts';
import { VAULT_GRANT_KINDS } from './model.ts';
import type { VaultDocumentRow } from './db.ts';

export type VaultActor = { kind: 'person'; beneficiaryIds: readonly string[]; ip?: string | null } | { kind: 'professional'; actor: Actor; ip?: string | null };

export const NOT_FOUND = 'Ce document n’existe pas, ou vous n’y avez pas accès.';

export const auditActor = (who: VaultActor) => (who.kind === 'person' ? { kind: 'person' as const } : { kind: 'user' as const, id: who.actor.userId });
export const auditIp = (who: VaultActor) => (who.kind === 'person' ? personIp(who.ip) : (who.ip ?? null));

/** The person's vault grants (shares, presence), all of them: the rule picks those in force that reach the actor. */
export async function vaultGrantsOf(db: DbOrTx, beneficiaryId: string): Promise<Grant[]> {
	return grantsOfKinds(db, [beneficiaryId], VAULT_GRANT_KINDS);
}

/** The grant that lets this professional read this document now, if any (the first found). */
export function grantFor(list: readonly Grant[], actor: Actor, doc: { id: string; category: string }, at: Date): Grant | null {
	if (!can(actor, 'vault.read', { grants: list, document: doc, at })) return null;
	return list.find((g) => grantInForce(g, at) && can(actor, 'vault.read', { grants: [g], document: doc, at })) ?? null;
}

/** The person present at the counter: the grant naming this professional over the whole vault, in force now. */
export function presenceGrant(list: readonly Grant[], actor: Actor, at: Date): Grant | null {
	return list.find((g) => g.kind === 'vault_presence' && can(actor, 'vault.deposit', { grants: [g], at })) ?? null;
}

/** A professional's refused attempt, journaled in its own transaction (it stays when the request fails). */
export async function journalRefusal(
	db: DbOrTx,
	who: Extract<VaultActor, { kind: 'professional' }>,
	doc: Pick<VaultDocumentRow, 'id' | 'beneficiaryId' | 'departmentCode'>,
	what: string
): Promise<never> {
	await journal(db, {
		actor: { kind: 'user', id: who.actor.userId },
		action: 'vault.access_refused',
		targetType: 'beneficiary',
		targetId: doc.beneficiaryId,
		departmentCode: doc.departmentCode,
		ip: who.ip ?? null,
		details: { documentId: doc.id, what }
	});
	throw new DomainError('not_found', NOT_FOUND);
}
