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
import { VAULT_OPENING_KINDS, scopesCover } from './model.ts';
import type { VaultDocumentRow } from './db.ts';

export type VaultActor = { kind: 'person'; beneficiaryIds: readonly string[]; ip?: string | null } | { kind: 'professional'; actor: Actor; ip?: string | null };

/**
 * A place without an account reading the documents the person joined to a referral, through
 * the referral's signed link (checked by referral/, which names the place and the referral):
 * it reads only under a grant to that place carrying that referral, and only reads.
 */
export type PlaceLinkReader = { kind: 'link'; placeId: string; referralId: string; ip?: string | null };

/** The referral a grant was given for (a document joined to a referral), if any. */
export const referralOfGrant = (g: Pick<Grant, 'evidence'>): string | null => {
	const e = g.evidence as { referralId?: unknown } | null;
	return e && typeof e.referralId === 'string' ? e.referralId : null;
};

export const NOT_FOUND = 'Ce document n’existe pas, ou vous n’y avez pas accès.';

export const auditActor = (who: VaultActor | PlaceLinkReader) =>
	who.kind === 'person' ? { kind: 'person' as const } : who.kind === 'link' ? { kind: 'link' as const } : { kind: 'user' as const, id: who.actor.userId };
export const auditIp = (who: VaultActor | PlaceLinkReader) => (who.kind === 'person' ? personIp(who.ip) : (who.ip ?? null));

/**
 * The person's grants that may open documents (shares, presence, a mandate with its vault's
 * categories), all of them: the rule picks those in force that reach the actor.
 */
export async function vaultGrantsOf(db: DbOrTx, beneficiaryId: string): Promise<Grant[]> {
	return grantsOfKinds(db, [beneficiaryId], VAULT_OPENING_KINDS);
}

/** A mandate in force that opened the vault to the actor's structure for this category (a helper adding a paper), if any. */
export function mandateGrantFor(list: readonly Grant[], actor: Actor, category: string, at: Date): Grant | null {
	return (
		list.find(
			(g) => g.kind === 'mandate' && g.scopes.includes(`category:${category}`) && can(actor, 'vault.read', { grants: [g], document: { id: '', category }, at })
		) ?? null
	);
}

/** The grant that lets this professional read this document now, if any (the first found). */
export function grantFor(list: readonly Grant[], actor: Actor, doc: { id: string; category: string }, at: Date): Grant | null {
	if (!can(actor, 'vault.read', { grants: list, document: doc, at })) return null;
	return list.find((g) => grantInForce(g, at) && can(actor, 'vault.read', { grants: [g], document: doc, at })) ?? null;
}

/** The grant that lets a place without an account read this document now, through the referral's link. */
export function linkGrantFor(list: readonly Grant[], who: PlaceLinkReader, doc: { id: string; category: string }, at: Date): Grant | null {
	return (
		list.find(
			(g) =>
				g.kind === 'document_share' &&
				g.granteePlaceId === who.placeId &&
				referralOfGrant(g) === who.referralId &&
				grantInForce(g, at) &&
				scopesCover(g.scopes, doc)
		) ?? null
	);
}

/** The person present at the counter: the grant naming this professional over the whole vault, in force now. */
export function presenceGrant(list: readonly Grant[], actor: Actor, at: Date): Grant | null {
	return list.find((g) => g.kind === 'vault_presence' && can(actor, 'vault.deposit', { grants: [g], at })) ?? null;
}

/** A professional's refused attempt, journaled in its own transaction (it stays when the request fails). */
export async function journalRefusal(
	db: DbOrTx,
	who: Extract<VaultActor, { kind: 'professional' }> | PlaceLinkReader,
	doc: Pick<VaultDocumentRow, 'id' | 'beneficiaryId' | 'departmentCode'>,
	what: string
): Promise<never> {
	await journal(db, {
		actor: auditActor(who),
		action: 'vault.access_refused',
		targetType: 'beneficiary',
		targetId: doc.beneficiaryId,
		departmentCode: doc.departmentCode,
		ip: who.ip ?? null,
		details: { documentId: doc.id, what, ...(who.kind === 'link' ? { referralId: who.referralId, placeId: who.placeId } : {}) }
	});
	throw new DomainError('not_found', NOT_FOUND);
}
