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
	uncheckedRecord,
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
import { answerLink, lockReferral, nameForPlace, newNonce, notifyPerson, placeOrganisations, teamEmails, type Delivery, type Links } from './core.ts';
import { apply } from './answer.ts';

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
	return checkReferral(database, b, input, links);
}

/** The checks of a referral for a person already allowed (by the caller's right): place, reason, consent, delivery; every error at once. */
async function checkReferral(database: Database, b: Beneficiary, input: SendInput, links?: Links): Promise<Prepared> {
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

// ——— the set-up accompaniment of a device handed over (equipment/allocation.ts, decision 0023) ———

export interface HandoverReferralInput {
	beneficiaryId: string;
	placeId: string;
	reason: string;
	consent: unknown;
	/** an appointment taken at the handover: the place's team (the actor's structure runs it) accepts the referral with this time */
	appointmentAt?: Date | null;
}

export type PreparedHandoverReferral = Omit<Prepared, 'method'> & { appointmentAt: Date | null };

/**
 * Checks a referral a device's handover proposes, before anything is written: the same checks
 * as a prescriber's (place, reason, consent, delivery), every error at once. The person is at
 * the counter: their consent is given there (signature or orally), never by SMS; an
 * appointment is taken only at a place the actor's structure runs (its team accepts the
 * referral with the time at once). The caller checked its own right (equipment.allocate on
 * the device) and that the person is the request's.
 */
export async function prepareHandoverReferral(database: Database, actor: Actor, input: HandoverReferralInput): Promise<PreparedHandoverReferral> {
	const b = await uncheckedRecord(database.db, input.beneficiaryId);
	if (!b || b.mergedInto) throw new CareError('conflict', 'La personne n’est plus liée à cette demande\u00a0: proposez un accompagnement hors du réseau.');
	const fields: Record<string, string> = {};
	if ((input.consent as { method?: unknown } | null)?.method === 'sms')
		fields.method = 'La personne est présente\u00a0: recueillez son accord sur place (signature ou à l’oral).';
	let p: Prepared | null = null;
	try {
		p = await checkReferral(database, b, { ...input, organisationId: b.organisationId, selfNotify: false });
	} catch (e) {
		if (!(e instanceof CareError) || e.code !== 'invalid') throw e;
		const { selfNotify, ...rest } = e.fields;
		const ours = { ...fields };
		Object.assign(fields, rest, ours);
		// the person leaves with the device: the place must receive the referral online (its team, or its link)
		if (selfNotify)
			fields.placeId ??= 'Ce lieu ne reçoit pas d’orientation en ligne (ni équipe sur la plateforme, ni adresse e-mail)\u00a0: choisissez un autre lieu.';
	}
	if (p && input.appointmentAt !== undefined && input.appointmentAt !== null) {
		const placeOrgs = await placeOrganisations(database.db, p.place.id);
		if (!can(actor, 'referral.answer', { placeOrganisationIds: placeOrgs }))
			fields.placeId = `Un rendez-vous se prend dans un lieu de votre structure\u00a0: ${p.place.nom} n’en est pas un. Choisissez un de vos lieux, ou proposez une orientation.`;
	}
	if (Object.keys(fields).length || !p) throw new CareError('invalid', 'Le formulaire contient des erreurs.', fields);
	return {
		b: p.b,
		place: p.place,
		toOrg: p.toOrg,
		delivery: p.delivery,
		fromName: p.fromName,
		reason: p.reason,
		assessmentId: null,
		appointmentAt: input.appointmentAt ?? null
	};
}

/**
 * Sends the referral a handover proposes, in the handover's transaction (nothing half-written):
 * in the name of the structure that follows the person (its prescriber who asked for the device
 * gets the updates), the consent recorded by the actor for the structure handing the device
 * over; an appointment accepts it at once with its time. Returns the referral's id.
 */
export async function sendHandoverReferral(
	database: Database,
	tx: Tx,
	actor: Actor,
	p: PreparedHandoverReferral,
	c: { recordedByOrganisationId: string; prescriberId: string | null; consent: unknown; handoverOf: { requestId: string; deviceId: string } },
	links: Links,
	ip?: string | null
): Promise<string> {
	const consent = await recordConsent(
		tx,
		actor,
		{
			beneficiary: p.b,
			recordedByOrganisationId: c.recordedByOrganisationId,
			withOrganisationId: p.toOrg,
			withPlaceId: p.place.id,
			purpose: `Orientation vers ${p.place.nom} (prise en main d’un appareil remis)`,
			input: c.consent
		},
		ip
	);
	const id = await insertReferral(
		database,
		tx,
		{ ...p, organisationId: p.b.organisationId, prescriberId: c.prescriberId, consentId: consent.id },
		{ kind: 'user', id: actor.userId },
		links,
		ip,
		{ equipmentHandover: c.handoverOf }
	);
	if (p.appointmentAt) {
		const r = (await lockReferral(tx, id))!;
		await apply(
			database,
			tx,
			r,
			{ type: 'accept', by: 'place', appointmentAt: p.appointmentAt },
			{ kind: 'place', audit: { kind: 'user', id: actor.userId }, userId: actor.userId },
			links,
			ip
		);
	}
	return id;
}
