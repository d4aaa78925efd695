/**
 * A person's consents: grants of kind 'consent' (../grants/), listed for their record,
 * recorded (on site, orally, or pending an SMS answer: consent-sms.ts), withdrawn by the
 * person or by the holding organisation. Only a consent in force opens the record to
 * another structure (access.ts).
 */
import { eq } from 'drizzle-orm';
import type { Database, DbOrTx, Tx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, fieldErrors, organisationNames, type Actor } from '../accounts/index.ts';
import { placeNames } from '../places/index.ts';
import { grantById, grantsOf, insertGrant, revokeGrant, type Grant } from '../grants/index.ts';
import { beneficiaries } from './db.ts';
import { CareError, touchBeneficiary, userActor, type Beneficiary } from './access.ts';
import { consentInput, CONSENT_METHODS, CONSENT_SCOPES, CONSENT_STATUSES, personIp, type ConsentInput, type ConsentScope } from './model.ts';

export interface ConsentView {
	id: string;
	purpose: string;
	scope: ConsentScope[];
	scopeLabels: string[];
	withOrganisation: string | null;
	withPlace: string | null;
	method: string;
	methodLabel: string;
	givenAt: Date;
	/** see CONSENT_STATUSES; only 'in_force' opens anything */
	status: string;
	statusLabel: string;
	withdrawnAt: Date | null;
	withdrawnBy: string | null;
}

/** What a page shows of consents (grants of kind 'consent'), with the names of whom they were given to. */
export async function consentViews(db: DbOrTx, rows: readonly Grant[]): Promise<ConsentView[]> {
	const [orgs, placesById] = await Promise.all([
		organisationNames(
			db,
			rows.map((c) => c.granteeOrganisationId)
		),
		placeNames(
			db,
			rows.map((c) => c.granteePlaceId)
		)
	]);
	return rows.map((c) => ({
		id: c.id,
		purpose: c.purpose,
		scope: c.scopes as ConsentScope[],
		scopeLabels: (c.scopes as ConsentScope[]).map((s) => CONSENT_SCOPES[s] ?? s),
		withOrganisation: c.granteeOrganisationId ? (orgs.get(c.granteeOrganisationId) ?? null) : null,
		withPlace: c.granteePlaceId ? (placesById.get(c.granteePlaceId) ?? null) : null,
		method: c.method,
		methodLabel: CONSENT_METHODS[c.method as keyof typeof CONSENT_METHODS] ?? c.method,
		givenAt: c.validFrom,
		status: c.status,
		// a consent withdrawn (or past its end) is no longer « En cours », whatever its status was when given
		statusLabel: c.revokedAt
			? 'Retiré'
			: c.validUntil && c.validUntil.getTime() <= Date.now()
				? 'Terminé'
				: (CONSENT_STATUSES[c.status as keyof typeof CONSENT_STATUSES] ?? c.status),
		withdrawnAt: c.revokedAt,
		withdrawnBy: c.revokedBy
	}));
}

export async function consentsOf(db: DbOrTx, beneficiaryId: string): Promise<ConsentView[]> {
	return consentViews(db, await grantsOf(db, beneficiaryId));
}

/**
 * Records a consent in the caller's transaction (a referral records its own). Given by SMS
 * reply, it is recorded 'pending' and opens nothing until the person answers OUI: the
 * caller asks them (consent-sms.ts requestConsentBySms) in the same transaction.
 */
export async function recordConsent(
	tx: Tx,
	actor: Actor,
	c: {
		beneficiary: Beneficiary;
		recordedByOrganisationId: string;
		withOrganisationId: string | null;
		withPlaceId: string | null;
		purpose: string;
		input: unknown;
	},
	ip?: string | null
): Promise<{ id: string; input: ConsentInput }> {
	const parsed = consentInput.safeParse(c.input);
	if (!parsed.success) throw new CareError('invalid', 'Le consentement n’est pas complet.', fieldErrors(parsed.error.issues));
	const id = await insertGrant(tx, {
		beneficiaryId: c.beneficiary.id,
		scopes: parsed.data.scope,
		granteeOrganisationId: c.withOrganisationId,
		granteePlaceId: c.withPlaceId,
		purpose: c.purpose,
		method: parsed.data.method,
		status: parsed.data.method === 'sms' ? 'pending' : 'in_force',
		// an oral statement is confirmed by the professional who records it; a signature is on the paper form they keep
		evidence: parsed.data.method === 'sms' ? {} : { confirmedBy: actor.userId, organisationId: c.recordedByOrganisationId },
		recordedBy: actor.userId,
		recordedByOrganisationId: c.recordedByOrganisationId
	});
	const row = { id };
	await touchBeneficiary(tx, c.beneficiary.id);
	await journal(tx, {
		actor: userActor(actor),
		action: 'consent.recorded',
		targetType: 'beneficiary',
		targetId: c.beneficiary.id,
		departmentCode: c.beneficiary.departmentCode,
		ip,
		details: {
			consentId: row.id,
			scope: parsed.data.scope,
			method: parsed.data.method,
			withOrganisationId: c.withOrganisationId,
			pending: parsed.data.method === 'sms'
		}
	});
	return { id: row.id, input: parsed.data };
}

/**
 * Withdraws a consent: by the person (on their page: `beneficiaryIds` are theirs) or by a
 * professional of the holding organisation. Access through it ends at once.
 */
export async function withdrawConsent(database: Database, by: { actor: Actor } | { person: string[] }, consentId: string, ip?: string | null): Promise<void> {
	await database.db.transaction(async (tx) => {
		const c = /^[0-9a-f-]{36}$/i.test(consentId) ? await grantById(tx, consentId, true) : null;
		if (!c) throw new CareError('not_found', 'Ce consentement n’existe pas.');
		const [b] = await tx.select().from(beneficiaries).where(eq(beneficiaries.id, c.beneficiaryId));
		if ('actor' in by) {
			if (!can(by.actor, 'beneficiary.write', { organisationId: b.organisationId })) throw new CareError('not_found', 'Ce consentement n’existe pas.');
		} else if (!by.person.includes(c.beneficiaryId)) throw new CareError('not_found', 'Ce consentement n’existe pas.');
		if (c.revokedAt) return;
		// a consent that was never in force (waiting for an SMS answer, refused…) has nothing to withdraw
		if (c.status !== 'in_force')
			throw new CareError(
				'conflict',
				c.status === 'pending' ? 'Ce consentement attend la réponse de la personne par SMS\u00a0: annulez la demande.' : 'Ce consentement n’est pas en cours.'
			);
		await revokeGrant(tx, consentId, 'actor' in by ? { by: 'professional', userId: by.actor.userId } : { by: 'person' });
		await touchBeneficiary(tx, b.id);
		await journal(tx, {
			actor: 'actor' in by ? userActor(by.actor) : { kind: 'person' },
			action: 'consent.withdrawn',
			targetType: 'beneficiary',
			targetId: b.id,
			departmentCode: b.departmentCode,
			// the person's own address: its network only
			ip: 'actor' in by ? ip : personIp(ip),
			details: { consentId }
		});
	});
}
