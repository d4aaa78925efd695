/**
 * Sending a referral with the person's consent: given on site or orally, it leaves at once;
 * asked by SMS, it waits for the person's OUI (beneficiaries/consent-sms.ts), then leaves
 * in the reply's transaction. The place's team gets it on the platform, or a place without
 * an account by a signed link at its e-mail, or the prescriber tells the place.
 */
import type { Database, Tx } from '../db/client.ts';
import { journal, type AuditActor } from '../audit/index.ts';
import { can, fieldErrors, organisationNames, type Actor } from '../accounts/index.ts';
import { placeForReferral } from '../places/index.ts';
import { queueMail } from '../mail/index.ts';
import type { InboundSms } from '../sms/index.ts';
import {
	CareError,
	loadBeneficiary,
	recordConsent,
	canAskBySms,
	requestConsentBySms,
	answerConsentReply,
	consentInput,
	NO_MOBILE,
	SMS_NOT_READY,
	uncheckedAssessment,
	type Beneficiary,
	type ReplyOutcome
} from '../beneficiaries/index.ts';
import { referrals, referralEvents } from './db.ts';
import { referralByLinkMail, referralReceivedMail, personMessage } from './messages.ts';
import { answerLink, nameForPlace, newNonce, notifyPerson, placeOrganisations, teamEmails, type Delivery, type Links } from './core.ts';

export interface SendInput {
	beneficiaryId: string;
	organisationId: string;
	placeId: string;
	reason: string;
	assessmentId?: string | null;
	consent: unknown;
	/** the place receives nothing online: the prescriber tells it themselves (by phone, in person) */
	selfNotify?: boolean;
	/** the form's rule: an assessment is joined only when the person agreed to share it (scope 'assessment') */
	assessmentNeedsScope?: boolean;
}

type Place = { id: string; nom: string; departmentCode: string | null; courriels: string[] };
interface Prepared {
	b: Beneficiary;
	place: Place;
	toOrg: string | null;
	delivery: Delivery;
	fromName: string;
	reason: string;
	assessmentId: string | null;
	method: string;
}

/** Checks everything a referral needs before anything is written; every error at once, per field. */
async function prepareReferral(database: Database, actor: Actor, input: SendInput, links?: Links): Promise<Prepared> {
	if (!can(actor, 'referral.send', { organisationId: input.organisationId }))
		throw new CareError('forbidden', 'Seuls les prescripteurs et les médiateurs peuvent orienter une personne.');
	const b = await loadBeneficiary(database.db, actor, input.beneficiaryId, 'write');
	if (b.organisationId !== input.organisationId) throw new CareError('forbidden', 'Seule la structure qui suit la personne peut l’orienter.');
	if (b.anonymisedAt) throw new CareError('conflict', 'Ce dossier a été anonymisé\u00a0: la personne ne peut plus être orientée.');
	const reason = String(input.reason ?? '').trim();
	const fields: Record<string, string> = {};
	const place = await placeForReferral(database.db, String(input.placeId ?? '').slice(0, 200));
	if (!place) fields.placeId = 'Choisissez un lieu dans la liste.';
	else if (place.closure === 'permanent') fields.placeId = `${place.nom} a fermé définitivement\u00a0: choisissez un autre lieu.`;
	if (reason.length < 5)
		fields.reason = 'Écrivez en une ou deux phrases ce dont la personne a besoin. Exemple\u00a0: « Créer son compte Ameli et le garder en mémoire. »';
	else if (reason.length > 2000) fields.reason = '2\u202f000 caractères au plus.';
	// the consent, box by box: checked here with the rest, so that every error shows at once
	const consent = consentInput.safeParse(input.consent);
	if (!consent.success) Object.assign(fields, fieldErrors(consent.error.issues));
	const scope = consent.success ? consent.data.scope : [];
	if (input.assessmentId) {
		const a = /^[0-9a-f-]{36}$/i.test(input.assessmentId) ? await uncheckedAssessment(database.db, input.assessmentId) : undefined;
		if (!a || a.beneficiaryId !== b.id) fields.assessmentId = 'Ce diagnostic n’est pas celui de la personne.';
		else if (input.assessmentNeedsScope && consent.success && !scope.includes('assessment'))
			fields.scope ??= 'Vous joignez son diagnostic\u00a0: cochez « Diagnostic numérique » si elle accepte de le partager, ou ne le joignez pas.';
	}
	const method = String((input.consent as { method?: unknown } | null)?.method ?? '');
	if (method === 'sms' && links?.smsReady === false) fields.method = SMS_NOT_READY;
	else if (method === 'sms' && !canAskBySms(b)) fields.method = NO_MOBILE;
	const placeOrgs = place ? await placeOrganisations(database.db, place.id) : [];
	const toOrg = placeOrgs[0] ?? null;
	const delivery: Delivery = toOrg ? 'team' : place?.courriels.length ? 'email' : 'prescriber';
	if (place && delivery === 'prescriber' && !input.selfNotify)
		fields.selfNotify = `${place.nom} ne reçoit pas d’orientation en ligne (ni équipe sur la plateforme, ni adresse e-mail)\u00a0: cochez « Je préviens le lieu moi-même », ou choisissez un autre lieu.`;
	if (Object.keys(fields).length) throw new CareError('invalid', 'Le formulaire contient des erreurs.', fields);
	const fromName = (await organisationNames(database.db, [input.organisationId])).get(input.organisationId) ?? '';
	return { b, place: place!, toOrg, delivery, fromName, reason, assessmentId: input.assessmentId || null, method };
}

/** Writes the referral, its first event and journal entry, and its messages (place's team or link, person), in the caller's transaction. */
async function insertReferral(
	database: Database,
	tx: Tx,
	p: Omit<Prepared, 'method'> & { organisationId: string; prescriberId: string | null; consentId: string },
	audit: AuditActor,
	links: Links,
	ip?: string | null,
	details: Record<string, unknown> = {}
): Promise<string> {
	const { b, place, toOrg } = p;
	const [r] = await tx
		.insert(referrals)
		.values({
			beneficiaryId: b.id,
			fromOrganisationId: p.organisationId,
			prescriberId: p.prescriberId,
			placeId: place.id,
			toOrganisationId: toOrg,
			consentId: p.consentId,
			assessmentId: p.assessmentId,
			reason: p.reason,
			status: 'sent',
			departmentCode: b.departmentCode,
			placeDepartmentCode: place.departmentCode,
			linkNonce: newNonce(),
			delivery: p.delivery
		})
		.returning();
	await tx
		.insert(referralEvents)
		.values({ referralId: r.id, type: 'send', actorKind: 'prescriber', userId: p.prescriberId, fromStatus: null, toStatus: 'sent' });
	await journal(tx, {
		actor: audit,
		action: 'referral.sent',
		targetType: 'referral',
		targetId: r.id,
		departmentCode: b.departmentCode,
		ip,
		details: { placeId: place.id, beneficiaryId: b.id, toOrganisationId: toOrg, delivery: p.delivery, ...details }
	});
	// the place's e-mail names the person only as far as the consent's scope goes
	const personName = await nameForPlace(tx, r);
	if (toOrg) {
		for (const to of await teamEmails(tx, toOrg))
			await queueMail(
				database,
				tx,
				referralReceivedMail({
					to,
					placeName: place.nom,
					fromOrganisation: p.fromName,
					personName,
					link: `${links.origin}/espace/orientations/${r.id}`,
					instanceName: links.instanceName
				}),
				b.id
			);
	} else if (p.delivery === 'email' && place.courriels[0]) {
		const link = answerLink(r, links);
		await queueMail(
			database,
			tx,
			referralByLinkMail({
				to: place.courriels[0],
				placeName: place.nom,
				fromOrganisation: p.fromName,
				personName,
				link: link.href,
				expiresAt: link.expiresAt,
				instanceName: links.instanceName,
				step: 'answer'
			}),
			b.id
		);
	}
	await notifyPerson(
		database,
		tx,
		b,
		(link) => personMessage({ status: 'sent', placeName: place.nom, prescriberOrganisation: p.fromName, link, instanceName: links.instanceName }),
		links
	);
	return r.id;
}

export type SendResult = { status: 'sent'; id: string } | { status: 'consent_requested'; requestId: string; consentId: string };

/**
 * Refers the person with their consent. Given on site or orally, the referral is sent at
 * once. Asked by SMS, the consent is recorded pending and the person gets the SMS: the
 * referral waits, and leaves on its own when they answer OUI (consent-sms.ts); nothing is
 * sent on NON, on no answer within 7 days, or when the professional cancels.
 */
export async function referOrAskConsent(database: Database, actor: Actor, input: SendInput, links: Links, ip?: string | null): Promise<SendResult> {
	const p = await prepareReferral(database, actor, input, links);
	return database.db.transaction(async (tx) => {
		const consent = await recordConsent(
			tx,
			actor,
			{
				beneficiary: p.b,
				recordedByOrganisationId: input.organisationId,
				withOrganisationId: p.toOrg,
				withPlaceId: p.place.id,
				purpose: `Orientation vers ${p.place.nom}`,
				input: input.consent
			},
			ip
		);
		if (consent.input.method === 'sms') {
			const req = await requestConsentBySms(
				database,
				tx,
				actor,
				{
					beneficiary: p.b,
					consentId: consent.id,
					organisationId: input.organisationId,
					referral: { placeId: p.place.id, reason: p.reason, assessmentId: p.assessmentId }
				},
				ip
			);
			return { status: 'consent_requested' as const, requestId: req.id, consentId: consent.id };
		}
		const id = await insertReferral(
			database,
			tx,
			{ ...p, organisationId: input.organisationId, prescriberId: actor.userId, consentId: consent.id },
			{ kind: 'user', id: actor.userId },
			links,
			ip
		);
		return { status: 'sent' as const, id };
	});
}

/** Sends a referral now, with a consent given on site or orally (see referOrAskConsent for a consent asked by SMS). */
export async function sendReferral(database: Database, actor: Actor, input: SendInput, links: Links, ip?: string | null): Promise<{ id: string }> {
	if ((input.consent as { method?: unknown } | null)?.method === 'sms')
		throw new CareError('invalid', 'Un accord par SMS attend la réponse de la personne\u00a0: utilisez referOrAskConsent.');
	const r = await referOrAskConsent(database, actor, input, links, ip);
	if (r.status !== 'sent') throw new Error('unreachable');
	return { id: r.id };
}

/**
 * The person said OUI by SMS to a consent asked with a referral: the referral leaves now,
 * in the reply's transaction, as the prescriber wrote it (journaled as caused by the person).
 */
export async function sendReferralOnConsent(
	database: Database,
	tx: Tx,
	c: {
		request: { organisationId: string; requestedBy: string | null; id: string };
		consent: { id: string; granteeOrganisationId: string | null };
		beneficiary: Beneficiary;
		draft: { placeId: string; reason: string; assessmentId: string | null };
	},
	links: Links
): Promise<string> {
	// the place chosen may have been merged into another while the person had not answered yet (its id lives on in merged_ids)
	const place = await placeForReferral(tx, c.draft.placeId, { followMerge: true });
	if (!place) throw new CareError('not_found', 'Le lieu choisi n’existe plus.');
	const from = { name: (await organisationNames(tx, [c.request.organisationId])).get(c.request.organisationId) ?? '' };
	const a = c.draft.assessmentId ? await uncheckedAssessment(tx, c.draft.assessmentId) : undefined;
	return insertReferral(
		database,
		tx,
		{
			b: c.beneficiary,
			place,
			toOrg: c.consent.granteeOrganisationId,
			delivery: c.consent.granteeOrganisationId ? 'team' : place.courriels.length ? 'email' : 'prescriber',
			fromName: from.name,
			reason: c.draft.reason,
			assessmentId: a?.id ?? null,
			organisationId: c.request.organisationId,
			prescriberId: c.request.requestedBy,
			consentId: c.consent.id
		},
		{ kind: 'person' },
		links,
		null,
		{ afterConsentBySms: true, requestId: c.request.id }
	);
}

/**
 * The person's SMS reply to a consent asked with a referral (beneficiaries/consent-sms.ts):
 * on OUI, the referral that waited for it leaves (sendReferralOnConsent, passed in).
 */
export function answerConsentBySms(database: Database, sms: InboundSms, links: Links): Promise<ReplyOutcome> {
	return answerConsentReply(database, sms, links, sendReferralOnConsent);
}
