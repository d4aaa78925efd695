/**
 * A person's consents: listed for their record, recorded (on site, orally, or pending an
 * SMS answer: consent-sms.ts), withdrawn by the person or by the holding organisation.
 * Only a consent in force opens the record to another structure (access.ts).
 */
import { desc, eq } from 'drizzle-orm';
import type { Database, DbOrTx, Tx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, fieldErrors, type Actor } from '../accounts/index.ts';
import { organisations } from '../accounts/db.ts';
import { places } from '../places/db.ts';
import { beneficiaries, consents } from './db.ts';
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

export async function consentsOf(db: DbOrTx, beneficiaryId: string): Promise<ConsentView[]> {
	const rows = await db
		.select({ c: consents, org: organisations.name, place: places.nom })
		.from(consents)
		.leftJoin(organisations, eq(organisations.id, consents.withOrganisationId))
		.leftJoin(places, eq(places.id, consents.withPlaceId))
		.where(eq(consents.beneficiaryId, beneficiaryId))
		.orderBy(desc(consents.givenAt));
	return rows.map(({ c, org, place }) => ({
		id: c.id,
		purpose: c.purpose,
		scope: c.scope as ConsentScope[],
		scopeLabels: (c.scope as ConsentScope[]).map((s) => CONSENT_SCOPES[s] ?? s),
		withOrganisation: org,
		withPlace: place,
		method: c.method,
		methodLabel: CONSENT_METHODS[c.method as keyof typeof CONSENT_METHODS] ?? c.method,
		givenAt: c.givenAt,
		status: c.status,
		statusLabel: CONSENT_STATUSES[c.status as keyof typeof CONSENT_STATUSES] ?? c.status,
		withdrawnAt: c.withdrawnAt,
		withdrawnBy: c.withdrawnBy
	}));
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
	const [row] = await tx
		.insert(consents)
		.values({
			beneficiaryId: c.beneficiary.id,
			scope: parsed.data.scope,
			withOrganisationId: c.withOrganisationId,
			withPlaceId: c.withPlaceId,
			purpose: c.purpose,
			method: parsed.data.method,
			status: parsed.data.method === 'sms' ? 'pending' : 'in_force',
			recordedBy: actor.userId,
			recordedByOrganisationId: c.recordedByOrganisationId
		})
		.returning({ id: consents.id });
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
		const [c] = await tx.select().from(consents).where(eq(consents.id, consentId));
		if (!c) throw new CareError('not_found', 'Ce consentement n’existe pas.');
		const [b] = await tx.select().from(beneficiaries).where(eq(beneficiaries.id, c.beneficiaryId));
		if ('actor' in by) {
			if (!can(by.actor, 'beneficiary.write', { organisationId: b.organisationId })) throw new CareError('not_found', 'Ce consentement n’existe pas.');
		} else if (!by.person.includes(c.beneficiaryId)) throw new CareError('not_found', 'Ce consentement n’existe pas.');
		if (c.withdrawnAt) return;
		// a consent that was never in force (waiting for an SMS answer, refused…) has nothing to withdraw
		if (c.status !== 'in_force')
			throw new CareError(
				'conflict',
				c.status === 'pending' ? 'Ce consentement attend la réponse de la personne par SMS\u00a0: annulez la demande.' : 'Ce consentement n’est pas en cours.'
			);
		await tx
			.update(consents)
			.set({ withdrawnAt: new Date(), withdrawnBy: 'actor' in by ? 'professional' : 'person' })
			.where(eq(consents.id, consentId));
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
