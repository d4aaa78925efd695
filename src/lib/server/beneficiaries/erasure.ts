/**
 * A record folded into another or emptied: the merge of two records of one organisation,
 * erasure on request (RGPD art. 17), and anonymisation after 24 months without activity.
 */
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Database, Tx } from '../db/client.ts';
import { journal, type AuditActor } from '../audit/index.ts';
import { type Actor, clearKeysNaming } from '../accounts/index.ts';
import { referrals } from '../referral/db.ts';
import { accompaniments } from '../accompaniments/db.ts';
import { purgeMessagesOf } from '../mail/index.ts';
import { beneficiaries, consentRequests, assessments, personCodes, personLinks } from './db.ts';
import { endGrantsOf, moveGrants } from '../grants/index.ts';
import { CareError, holdingOrganisations, loadBeneficiary, userActor, type Beneficiary } from './access.ts';
import { endAllAccess } from './person-access.ts';
import { nameKeyOf, retentionCutoff, NO_CONTACT } from './model.ts';

/**
 * Merges `dropId` into `keepId` (two records of the same organisation): consents,
 * assessments, referrals, accompaniments and codes move to the kept record; its empty
 * fields take the other's values; the other is emptied and points to the kept one.
 */
export async function mergeBeneficiaries(database: Database, actor: Actor, keepId: string, dropId: string, ip?: string | null): Promise<void> {
	if (keepId === dropId) throw new CareError('invalid', 'Choisissez deux dossiers différents.');
	const keep = await loadBeneficiary(database.db, actor, keepId, 'write');
	const drop = await loadBeneficiary(database.db, actor, dropId, 'write');
	if (keep.organisationId !== drop.organisationId || !holdingOrganisations(actor).includes(keep.organisationId))
		throw new CareError('forbidden', 'Seuls deux dossiers de votre structure peuvent être fusionnés.');
	if (keep.anonymisedAt || drop.anonymisedAt) throw new CareError('conflict', 'Un dossier anonymisé ne peut pas être fusionné.');
	const fill: Partial<Beneficiary> = {};
	for (const k of ['firstName', 'lastName', 'pseudonym', 'birthYear', 'communeCode', 'communeName', 'phone', 'email', 'accessibilityNote'] as const)
		if (keep[k] == null && drop[k] != null) (fill as Record<string, unknown>)[k] = drop[k];
	const needs = [...new Set([...keep.accessibilityNeeds, ...drop.accessibilityNeeds])];
	await database.db.transaction(async (tx) => {
		// the other capabilities' rows that point to the person move with them
		await moveGrants(tx, dropId, keepId);
		await tx.update(consentRequests).set({ beneficiaryId: keepId }).where(eq(consentRequests.beneficiaryId, dropId));
		await tx.update(assessments).set({ beneficiaryId: keepId }).where(eq(assessments.beneficiaryId, dropId));
		await tx.update(personCodes).set({ beneficiaryId: keepId }).where(eq(personCodes.beneficiaryId, dropId));
		await tx.update(personLinks).set({ beneficiaryId: keepId }).where(eq(personLinks.beneficiaryId, dropId));
		await tx.update(referrals).set({ beneficiaryId: keepId }).where(eq(referrals.beneficiaryId, dropId));
		await tx.update(accompaniments).set({ beneficiaryId: keepId }).where(eq(accompaniments.beneficiaryId, dropId));
		const lastActivityAt = keep.lastActivityAt > drop.lastActivityAt ? keep.lastActivityAt : drop.lastActivityAt;
		await tx
			.update(beneficiaries)
			.set({ ...fill, accessibilityNeeds: needs, nameKey: nameKeyOf({ ...keep, ...fill }), updatedAt: new Date(), lastActivityAt })
			.where(eq(beneficiaries.id, keepId));
		await tx
			.update(beneficiaries)
			.set({ ...EMPTY_IDENTITY, mergedInto: keepId, updatedAt: new Date() })
			.where(eq(beneficiaries.id, dropId));
		await journal(tx, {
			actor: userActor(actor),
			action: 'beneficiary.merged',
			targetType: 'beneficiary',
			targetId: keepId,
			departmentCode: keep.departmentCode,
			ip,
			before: { keep, drop },
			details: { mergedId: dropId, filled: Object.keys(fill) }
		});
	});
}

// ——— retention, erasure ———

const EMPTY_IDENTITY = {
	firstName: null,
	lastName: null,
	pseudonym: null,
	birthYear: null,
	phone: null,
	email: null,
	accessibilityNote: null,
	accessibilityNeeds: [] as string[],
	nameKey: null
};

/**
 * Empties a record in place: identity and contact, free texts of its referrals, the
 * answers of its assessments (their levels stay, unlinked from anyone), codes; consents
 * in force are withdrawn. The commune stays (counts per commune stay true). What
 * outlives the record elsewhere goes with it: every message to or about the person in the
 * outbox (sent, or pending: then never sent), the throttle counters naming their phone or
 * e-mail, their links (revoked) and sessions (ended). The journal keeps ids, never names:
 * past entries are not rewritten (hash chain); entries by the person keep only their
 * network (personIp).
 */
async function anonymise(tx: Tx, b: Beneficiary, now: Date): Promise<void> {
	await purgeMessagesOf(tx, { beneficiaryId: b.id, addresses: [b.phone, b.email] });
	await clearKeysNaming(tx, [b.phone, b.email]);
	await endAllAccess(tx, b.id, now);
	await tx
		.update(beneficiaries)
		.set({ ...EMPTY_IDENTITY, preferredContact: NO_CONTACT, anonymisedAt: now, updatedAt: now })
		.where(eq(beneficiaries.id, b.id));
	// grants in force are revoked; consents still waiting for an SMS answer are cancelled (a later OUI opens nothing); the number they went to is forgotten
	await endGrantsOf(tx, b.id, now);
	await tx
		.update(consentRequests)
		.set({ phone: '', referral: null, closedAt: sql`coalesce(${consentRequests.closedAt}, ${now.toISOString()}::timestamptz)` })
		.where(eq(consentRequests.beneficiaryId, b.id));
	await tx.update(referrals).set({ reason: '', declineNote: null }).where(eq(referrals.beneficiaryId, b.id));
	await tx.update(assessments).set({ answers: {} }).where(eq(assessments.beneficiaryId, b.id));
	await tx.delete(personCodes).where(eq(personCodes.beneficiaryId, b.id));
}

/** Erasure on request (RGPD art. 17), by the holding organisation. */
export async function eraseBeneficiary(database: Database, actor: Actor, id: string, ip?: string | null): Promise<void> {
	const b = await loadBeneficiary(database.db, actor, id, 'write');
	if (!holdingOrganisations(actor).includes(b.organisationId)) throw new CareError('forbidden', 'Seule la structure qui tient le dossier peut l’effacer.');
	if (b.anonymisedAt) return;
	await database.db.transaction(async (tx) => {
		await anonymise(tx, b, new Date());
		await journal(tx, {
			actor: userActor(actor),
			action: 'beneficiary.erased',
			targetType: 'beneficiary',
			targetId: id,
			departmentCode: b.departmentCode,
			ip,
			before: b
		});
	});
}

/** The scheduled job: anonymises the records without activity for 24 months. */
export async function anonymiseInactive(database: Database, now = new Date(), batch = 500): Promise<number> {
	const cutoff = retentionCutoff(now);
	let total = 0;
	for (;;) {
		const stale = await database.db
			.select()
			.from(beneficiaries)
			.where(and(isNull(beneficiaries.anonymisedAt), isNull(beneficiaries.mergedInto), lt(beneficiaries.lastActivityAt, cutoff)))
			.limit(batch);
		if (!stale.length) return total;
		await database.db.transaction(async (tx) => {
			for (const b of stale) await anonymise(tx, b, now);
			await journal(
				tx,
				...stale.map((b) => ({
					actor: { kind: 'system' } as AuditActor,
					action: 'beneficiary.anonymised',
					targetType: 'beneficiary',
					targetId: b.id,
					departmentCode: b.departmentCode,
					details: { reason: 'inactive-24-months' }
				}))
			);
		});
		total += stale.length;
	}
}
