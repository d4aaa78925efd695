/**
 * Documents joined to a referral (issue 15, item 7). The person picks documents of their
 * vault for a referral still open; each becomes a grant of kind 'document_share' to the
 * receiving place — its structure's team, or, for a place without an account, the place
 * itself (read through the referral's signed link only) — until the referral's horizon at
 * most, its evidence naming the referral. They end with the referral: referral/ calls
 * followReferralShares in the transaction of each of its transitions (revoked by the system
 * when it ends, kept as long as it may stay open when it is accepted).
 *
 * The vault knows nothing of referrals but these facts, handed by referral/: the vault does
 * not import referral/, referral/ imports the vault.
 */
import { inArray } from 'drizzle-orm';
import type { Database, Tx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { grantInForce, grantsOfKinds, insertGrant, liveGrantsByEvidence, revokeGrant, setGrantEnd, type Grant } from '../grants/index.ts';
import { can } from '../accounts/index.ts';
import { uncheckedRecord } from '../beneficiaries/index.ts';
import { DomainError } from '../errors.ts';
import { parisDay } from '../../time.ts';
import { vaultDocuments } from './db.ts';
import { auditIp, presenceGrant, referralOfGrant, vaultGrantsOf, type PlaceLinkReader, type VaultActor } from './access.ts';
import { documentViews, type DocumentView } from './documents.ts';
import { scopeForDocument } from './model.ts';

type Person = Extract<VaultActor, { kind: 'person' }>;

/** Who receives a referral's documents: the structure running the place, or the place without an account (by its link). */
export interface ReferralGrantee {
	id: string;
	/** the structure whose team answers in its space; null: the place answers through the referral's link */
	granteeOrganisationId: string | null;
	placeId: string;
	/** the person's département (the referral's), for the journal */
	departmentCode: string;
}

/** What the vault needs to know of a referral to join documents to it (referral/ hands it, after its own checks). */
export interface ReferralFacts extends ReferralGrantee {
	placeName: string;
	/** the structure that sent the referral: the grants are recorded with it, as the referral's consent was */
	senderOrganisationId: string;
	/** the referral's horizon: the documents are shared until then at most */
	until: Date;
}

const UUID = /^[0-9a-f-]{36}$/i;

const granteeOf = (r: ReferralGrantee) => ({
	kind: 'document_share' as const,
	granteeOrganisationId: r.granteeOrganisationId,
	granteePlaceId: r.granteeOrganisationId ? null : r.placeId,
	key: 'referralId',
	value: r.id
});

const documentOf = (g: Pick<Grant, 'scopes'>): string | null => {
	const s = g.scopes.find((x) => x.startsWith('document:'));
	return s ? s.slice(9) : null;
};

/**
 * The professional who sends the referral, at the counter with the person: the vault open to
 * them by the person's code (a grant naming them), and the person saying yes to sharing these
 * papers with the place (a box the professional ticks, as for a paper asked for).
 */
export type CounterHelper = Extract<VaultActor, { kind: 'professional' }> & { beneficiaryId: string; personAgrees: boolean };

/**
 * The person joins documents of their vault to a referral — themselves in Mon espace, or at
 * the counter through the professional who has their vault open with them: one grant per
 * document (each can be stopped alone), journaled on their record. A document already
 * joined is skipped.
 */
export async function shareWithReferral(
	database: Database,
	who: Person | CounterHelper,
	ref: ReferralFacts,
	documentIds: readonly string[],
	now = new Date(),
	/** run first in the transaction: referral/ locks the referral and checks it is still open */
	recheck: (tx: Tx) => Promise<void> = async () => {}
): Promise<{ shared: number }> {
	const ids = [...new Set(documentIds.filter((d) => UUID.test(d)))];
	if (!ids.length)
		throw new DomainError('invalid', 'Aucun document n’a été joint. Cochez au moins un document.', {
			fields: { documents: 'Cochez au moins un document.' }
		});
	if (ref.until.getTime() <= now.getTime())
		throw new DomainError('conflict', 'Cette orientation est terminée\u00a0: vous ne pouvez plus y joindre de documents.');
	const beneficiaryIds = who.kind === 'person' ? who.beneficiaryIds : [who.beneficiaryId];
	if (who.kind === 'professional') {
		if (!presenceGrant(await vaultGrantsOf(database.db, who.beneficiaryId), who.actor, now))
			throw new DomainError('forbidden', 'Ouvrez d’abord le coffre avec la personne\u00a0: elle confirme avec un code.');
		if (!who.personAgrees)
			throw new DomainError('invalid', 'Aucun document n’a été joint\u00a0: cochez la case quand la personne, présente, a dit qu’elle accepte.', {
				fields: { accord: 'Cochez la case quand la personne, présente, a dit qu’elle accepte.' }
			});
	}
	const rows = await database.db.select().from(vaultDocuments).where(inArray(vaultDocuments.id, ids));
	if (rows.length !== ids.length || rows.some((r) => !beneficiaryIds.includes(r.beneficiaryId)))
		throw new DomainError('not_found', 'Ce document n’existe pas, ou vous n’y avez pas accès.');
	const already = new Set(
		(await grantsOfKinds(database.db, beneficiaryIds, ['document_share'])).filter((g) => referralOfGrant(g) === ref.id && grantInForce(g, now)).map(documentOf)
	);
	const fresh = rows.filter((r) => !already.has(r.id));
	if (!fresh.length) return { shared: 0 };
	return database.db.transaction(async (tx) => {
		await recheck(tx);
		for (const d of fresh) {
			const scope = scopeForDocument(d.id);
			const grantId = await insertGrant(tx, {
				kind: 'document_share',
				beneficiaryId: d.beneficiaryId,
				granteeOrganisationId: ref.granteeOrganisationId,
				granteePlaceId: ref.granteeOrganisationId ? null : ref.placeId,
				scopes: [scope],
				purpose: `Préparer votre rendez-vous à ${ref.placeName}`,
				method: who.kind === 'person' ? 'code' : 'signature',
				status: 'in_force',
				validFrom: now,
				validUntil: ref.until,
				evidence: who.kind === 'person' ? { from: 'mon-espace', referralId: ref.id } : { from: 'presence', referralId: ref.id, personAgreedAtCounter: true },
				recordedBy: who.kind === 'person' ? null : who.actor.userId,
				recordedByOrganisationId: ref.senderOrganisationId
			});
			const record = await uncheckedRecord(tx, d.beneficiaryId);
			await journal(tx, {
				actor: who.kind === 'person' ? { kind: 'person' } : { kind: 'user', id: who.actor.userId },
				action: 'vault.shared',
				targetType: 'beneficiary',
				targetId: d.beneficiaryId,
				departmentCode: record?.departmentCode ?? ref.departmentCode,
				ip: auditIp(who),
				details: {
					grantId,
					referralId: ref.id,
					// the receiving structure (or the place); a professional at the counter acts for the sending one
					...(who.kind === 'person'
						? ref.granteeOrganisationId
							? { organisationId: ref.granteeOrganisationId }
							: { placeId: ref.placeId }
						: {
								organisationId: ref.senderOrganisationId,
								...(ref.granteeOrganisationId ? { toOrganisationId: ref.granteeOrganisationId } : { placeId: ref.placeId })
							}),
					scope,
					until: parisDay(new Date(ref.until.getTime() - 1)),
					...(who.kind === 'professional' ? { personAgreed: true } : {})
				}
			});
		}
		return { shared: fresh.length };
	});
}

/** A document joined to a referral, with the grant that carries it (the person stops it with « Ne plus partager »). */
export type JoinedDocument = DocumentView & { grantId: string; until: Date | null };

/**
 * The documents joined to a referral that this reader may open now: the person (their
 * own), the place's team (a grant to their structure reaches them), or the place without an
 * account through its link. Nothing once the referral has ended: its grants are revoked.
 */
export async function referralDocuments(
	database: Database,
	who: VaultActor | PlaceLinkReader,
	ref: ReferralGrantee,
	now = new Date()
): Promise<JoinedDocument[]> {
	const list = (
		who.kind === 'person'
			? (await grantsOfKinds(database.db, who.beneficiaryIds, ['document_share'])).filter((g) => referralOfGrant(g) === ref.id)
			: await liveGrantsByEvidence(database.db, granteeOf(ref))
	).filter((g) => grantInForce(g, now));
	const byDocument = new Map<string, Grant>();
	for (const g of list) {
		const id = documentOf(g);
		if (id && !byDocument.has(id)) byDocument.set(id, g);
	}
	if (!byDocument.size) return [];
	const rows = (
		await database.db
			.select()
			.from(vaultDocuments)
			.where(inArray(vaultDocuments.id, [...byDocument.keys()]))
	).filter((r) => {
		const g = byDocument.get(r.id)!;
		if (g.beneficiaryId !== r.beneficiaryId) return false;
		if (who.kind === 'person') return who.beneficiaryIds.includes(r.beneficiaryId);
		if (who.kind === 'link') return g.granteePlaceId === who.placeId && who.referralId === ref.id;
		return can(who.actor, 'vault.read', { grants: [g], document: r, at: now });
	});
	return (await documentViews(database, rows)).map((d) => ({ ...d, grantId: byDocument.get(d.id)!.id, until: byDocument.get(d.id)!.validUntil }));
}

/**
 * A referral moved (in referral/'s transaction): when it ends (`until` null) the documents
 * joined to it stop being shared at once, revoked by the system; while it stays open, they
 * stay shared until its new horizon (an accepted referral keeps them longer than one
 * waiting for an answer). Each change journaled on the person's record.
 */
export async function followReferralShares(tx: Tx, ref: ReferralGrantee, until: Date | null, now = new Date()): Promise<number> {
	const list = await liveGrantsByEvidence(tx, granteeOf(ref));
	let changed = 0;
	for (const g of list) {
		if (until && g.validUntil && g.validUntil.getTime() >= until.getTime()) continue;
		if (until && !grantInForce(g, now)) continue;
		if (until) await setGrantEnd(tx, g.id, until);
		else await revokeGrant(tx, g.id, { by: 'system' }, now);
		await journal(tx, {
			actor: { kind: 'system' },
			action: until ? 'vault.share_extended' : 'vault.share_revoked',
			targetType: 'beneficiary',
			targetId: g.beneficiaryId,
			departmentCode: ref.departmentCode,
			details: { grantId: g.id, kind: g.kind, referralId: ref.id, ...(until ? { until: parisDay(new Date(until.getTime() - 1)) } : {}) }
		});
		changed++;
	}
	return changed;
}
