/**
 * Consent given by SMS reply. The professional asks; the consent is recorded 'pending'
 * (it opens nothing) and an SMS goes to the person's mobile, in the same transaction: who
 * asks, what is shared with whom, "Répondez OUI 4821 pour accepter, NON 4821 pour refuser".
 * The provider posts the person's reply (sms/inbound.ts, route /api/sms/entrant):
 *
 * - OUI (ok, d'accord…): the consent is in force from the reply's time, journaled
 *   'consent.confirmed' by the person; the referral that waited for it is sent.
 * - NON (stop…): the consent is refused ('consent.refused'); nothing is sent.
 * - anything else, an unknown number, a request already answered: nothing changes
 *   (logged without the number nor the text). The same reply twice changes nothing.
 *
 * A request is open CONSENT_REQUEST_DAYS days; an expired one cannot be confirmed. The
 * professional sees it on the record, may cancel it or send it once more, and gets the
 * answer by e-mail.
 */
import { randomInt } from 'node:crypto';
import { and, desc, eq, isNull, lte } from 'drizzle-orm';
import type { Database, DbOrTx, Tx } from '../db/client.ts';
import { journal, type AuditActor } from '../audit/index.ts';
import type { Actor } from '../accounts/index.ts';
import { activeUserEmail, organisationNames } from '../accounts/index.ts';
import { placeNames } from '../places/index.ts';
import { closePendingGrant, confirmGrant, grantById, grantsById, type Grant } from '../grants/index.ts';
import { queueMail, plainMail, tagOutbox } from '../mail/index.ts';
import { queueSms, isMobile, toGsm7, smsSegments, smsConfigured, SMS_MAX_SEGMENTS } from '../sms/index.ts';
import type { InboundSms } from '../sms/index.ts';
import { log } from '../log.ts';
import { beneficiaries, consentRequests } from './db.ts';
import { consentRequestText, parseConsentReply, shortName, CONSENT_REQUEST_DAYS, CONSENT_REQUEST_RESENDS } from './model.ts';
import { CareError, loadBeneficiary, holdingOrganisations, touchBeneficiary, type Beneficiary } from './access.ts';

const DAY = 86_400_000;
const userActor = (actor: Actor): AuditActor => ({ kind: 'user', id: actor.userId });

export type ConsentRequest = typeof consentRequests.$inferSelect;
/** The referral sent once the person says OUI. */
export interface ReferralDraft {
	placeId: string;
	reason: string;
	assessmentId: string | null;
}

export interface Links {
	origin: string;
	instanceName: string;
}

export const NO_MOBILE =
	'La fiche de la personne n’a pas de numéro de portable\u00a0: elle ne peut pas recevoir de SMS. Ajoutez son portable sur sa fiche, ou choisissez un autre moyen de recueillir son accord.';

/**
 * Can this site ask for a consent by SMS at all? Only when SMS leave (a provider is
 * configured) AND replies come back (the provider's webhook has its shared secret):
 * otherwise the request would wait in the outbox, or the OUI would be refused (401), and
 * the referral would expire silently.
 */
export const smsConsentReady = (env: NodeJS.ProcessEnv = process.env) => smsConfigured(env) && !!env.SMS_INBOUND_SECRET;

export const SMS_NOT_READY =
	'L’accord par SMS n’est pas possible sur ce site\u00a0: l’envoi des SMS ou la réception des réponses n’est pas configuré. Recueillez son accord sur place (signature) ou à l’oral.';

/** Can this record receive a consent request by SMS? */
export const canAskBySms = (b: Pick<Beneficiary, 'phone' | 'anonymisedAt'>) => !b.anonymisedAt && !!b.phone && isMobile(b.phone);

const fits = (t: string) => smsSegments(toGsm7(t)) <= SMS_MAX_SEGMENTS;

/** A 4-digit reference that no other open request of this phone uses. */
async function newReference(tx: Tx, phone: string): Promise<string> {
	const open = await tx
		.select({ r: consentRequests.reference })
		.from(consentRequests)
		.where(and(eq(consentRequests.phone, phone), isNull(consentRequests.closedAt)));
	const taken = new Set(open.map((o) => o.r));
	for (;;) {
		const r = String(randomInt(1000, 10_000));
		if (!taken.has(r)) return r;
	}
}

async function requestText(db: DbOrTx, req: Pick<ConsentRequest, 'organisationId' | 'reference' | 'consentId'>): Promise<string> {
	const c = await grantById(db, req.consentId);
	const [orgs, placesById] = await Promise.all([organisationNames(db, [req.organisationId, c?.granteeOrganisationId]), placeNames(db, [c?.granteePlaceId])]);
	const withName =
		(c?.granteePlaceId && placesById.get(c.granteePlaceId)) || (c?.granteeOrganisationId && orgs.get(c.granteeOrganisationId)) || 'un lieu d’accompagnement';
	return toGsm7(consentRequestText({ organisation: orgs.get(req.organisationId) ?? '', withName, scope: c?.scopes ?? [], reference: req.reference }, fits));
}

/**
 * Asks the person by SMS for a consent just recorded 'pending' (recordConsent with the
 * method 'sms'), in the caller's transaction: the request, its SMS, the journal entry.
 */
export async function requestConsentBySms(
	database: Database,
	tx: Tx,
	actor: Actor,
	r: { beneficiary: Beneficiary; consentId: string; organisationId: string; referral?: ReferralDraft | null },
	ip?: string | null,
	now = new Date()
): Promise<ConsentRequest> {
	const b = r.beneficiary;
	if (!canAskBySms(b)) throw new CareError('invalid', NO_MOBILE, { method: NO_MOBILE });
	const reference = await newReference(tx, b.phone!);
	const [req] = await tx
		.insert(consentRequests)
		.values({
			consentId: r.consentId,
			beneficiaryId: b.id,
			organisationId: r.organisationId,
			requestedBy: actor.userId,
			phone: b.phone!,
			reference,
			sentAt: now,
			expiresAt: new Date(now.getTime() + CONSENT_REQUEST_DAYS * DAY),
			referral: r.referral ?? null
		})
		.returning();
	const outboxId = await queueSms(database, tx, { to: req.phone, text: await requestText(tx, req), template: 'consent-request' });
	await tagOutbox(tx, outboxId, req.beneficiaryId);
	await tx.update(consentRequests).set({ outboxId }).where(eq(consentRequests.id, req.id));
	await journal(tx, {
		actor: userActor(actor),
		action: 'consent.requested',
		targetType: 'beneficiary',
		targetId: b.id,
		departmentCode: b.departmentCode,
		ip,
		details: { consentId: r.consentId, requestId: req.id, channel: 'sms', withReferral: !!r.referral }
	});
	return { ...req, outboxId };
}

// ——— the professional: see, cancel, resend ———

export interface ConsentRequestView {
	id: string;
	consentId: string;
	withName: string;
	purpose: string;
	scope: string[];
	sentAt: Date;
	expiresAt: Date;
	resends: number;
	canResend: boolean;
	/** 'pending' until the person answers; 'expired' once past its date even before the hourly job */
	status: string;
	closedAt: Date | null;
	referralId: string | null;
}

/** The requests of a record, newest first (for its holders: others get none). */
export async function consentRequestsOf(database: Database, actor: Actor, beneficiaryId: string, now = new Date()): Promise<ConsentRequestView[]> {
	const b = await loadBeneficiary(database.db, actor, beneficiaryId, 'read');
	if (!holdingOrganisations(actor).includes(b.organisationId)) return [];
	const requests = await database.db
		.select()
		.from(consentRequests)
		.where(eq(consentRequests.beneficiaryId, beneficiaryId))
		.orderBy(desc(consentRequests.sentAt));
	const grants = await grantsById(
		database.db,
		requests.map((r) => r.consentId)
	);
	const rows = requests.flatMap((r) => {
		const c = grants.get(r.consentId);
		return c ? [{ r, c }] : [];
	});
	const [orgs, placesById] = await Promise.all([
		organisationNames(
			database.db,
			rows.map(({ c }) => c.granteeOrganisationId)
		),
		placeNames(
			database.db,
			rows.map(({ c }) => c.granteePlaceId)
		)
	]);
	return rows.map(({ r, c }) => {
		const place = c.granteePlaceId ? placesById.get(c.granteePlaceId) : undefined;
		const org = c.granteeOrganisationId ? orgs.get(c.granteeOrganisationId) : undefined;
		const status = c.status === 'pending' && r.expiresAt <= now ? 'expired' : c.status;
		return {
			id: r.id,
			consentId: c.id,
			withName: place ?? org ?? '—',
			purpose: c.purpose,
			scope: c.scopes,
			sentAt: r.sentAt,
			expiresAt: r.expiresAt,
			resends: r.resends,
			canResend: status === 'pending' && r.resends < CONSENT_REQUEST_RESENDS,
			status,
			closedAt: r.closedAt,
			referralId: r.referralId
		};
	});
}

/** A request of the actor's organisation, locked, with its consent and record; not_found otherwise. */
async function lockOwnRequest(tx: Tx, actor: Actor, requestId: string) {
	const notFound = new CareError('not_found', 'Cette demande n’existe pas, ou vous n’y avez pas accès.');
	if (!/^[0-9a-f-]{36}$/i.test(requestId)) throw notFound;
	const [req] = await tx.select().from(consentRequests).where(eq(consentRequests.id, requestId)).for('update');
	if (!req) throw notFound;
	const [b] = await tx.select().from(beneficiaries).where(eq(beneficiaries.id, req.beneficiaryId));
	if (!b || !holdingOrganisations(actor).includes(b.organisationId)) throw notFound;
	const c = (await grantById(tx, req.consentId, true))!;
	return { req, b, c };
}

/** The professional cancels a request still waiting: nothing will be shared, a later OUI changes nothing. */
export async function cancelConsentRequest(database: Database, actor: Actor, requestId: string, ip?: string | null, now = new Date()): Promise<void> {
	await database.db.transaction(async (tx) => {
		const { req, b, c } = await lockOwnRequest(tx, actor, requestId);
		// cancelled twice (a page kept open): it is cancelled, that is all
		if (c.status === 'cancelled') return;
		if (c.status !== 'pending') throw new CareError('conflict', 'La personne a déjà répondu\u00a0: la demande ne peut plus être annulée.');
		await closePendingGrant(tx, c.id, 'cancelled');
		await tx.update(consentRequests).set({ closedAt: now }).where(eq(consentRequests.id, req.id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'consent.request_cancelled',
			targetType: 'beneficiary',
			targetId: b.id,
			departmentCode: b.departmentCode,
			ip,
			details: { consentId: c.id, requestId: req.id }
		});
	});
}

/** Sends the SMS once more (once), to the same number, with the same reference; the request is open 7 days from now. */
export async function resendConsentRequest(database: Database, actor: Actor, requestId: string, ip?: string | null, now = new Date()): Promise<void> {
	await database.db.transaction(async (tx) => {
		const { req, b, c } = await lockOwnRequest(tx, actor, requestId);
		if (c.status !== 'pending' || req.expiresAt <= now)
			throw new CareError('conflict', 'La demande n’attend plus de réponse\u00a0: elle ne peut pas être renvoyée.');
		if (req.resends >= CONSENT_REQUEST_RESENDS)
			throw new CareError('conflict', 'Le SMS a déjà été renvoyé une fois. Appelez la personne, ou annulez la demande et recueillez son accord autrement.');
		const outboxId = await queueSms(database, tx, { to: req.phone, text: await requestText(tx, req), template: 'consent-request' });
		await tagOutbox(tx, outboxId, req.beneficiaryId);
		await tx
			.update(consentRequests)
			.set({ resends: req.resends + 1, sentAt: now, expiresAt: new Date(now.getTime() + CONSENT_REQUEST_DAYS * DAY), outboxId })
			.where(eq(consentRequests.id, req.id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'consent.request_resent',
			targetType: 'beneficiary',
			targetId: b.id,
			departmentCode: b.departmentCode,
			ip,
			details: { consentId: c.id, requestId: req.id }
		});
	});
}

// ——— the person's reply ———

export type ReplyOutcome =
	'confirmed' | 'refused' | 'expired' | 'already_answered' | 'ambiguous' | 'not_understood' | 'unknown_number' | 'unknown_reference' | 'no_open_request';

/** The prescriber, by e-mail: what the person answered. */
function answerMail(
	to: string,
	p: { personName: string; withName: string; outcome: 'confirmed' | 'refused' | 'expired'; referralSent: boolean; link: string }
) {
	const lines = {
		confirmed: [
			`${p.personName} a répondu OUI par SMS\u00a0: son accord pour partager ses informations avec ${p.withName} est enregistré.`,
			p.referralSent ? `L’orientation vers ${p.withName} est envoyée.` : ''
		],
		refused: [
			`${p.personName} a répondu NON par SMS\u00a0: ses informations ne sont pas partagées avec ${p.withName}.`,
			p.referralSent ? '' : 'L’orientation n’est pas envoyée. Parlez-en avec la personne si besoin.'
		],
		expired: [
			`${p.personName} n’a pas répondu au SMS qui demandait son accord pour ${p.withName}. La demande a expiré\u00a0: rien n’est partagé.`,
			'L’orientation n’est pas envoyée. Vous pouvez recueillir son accord autrement et l’orienter à nouveau.'
		]
	}[p.outcome].filter(Boolean);
	const subject = {
		confirmed: `${p.personName} a donné son accord par SMS`,
		refused: `${p.personName} a refusé par SMS`,
		expired: `${p.personName} n’a pas répondu au SMS`
	}[p.outcome];
	return plainMail(to, subject, ['Bonjour,', ...lines], { href: p.link, label: 'Voir sa fiche' }, `consent-${p.outcome}`);
}

async function tellPrescriber(
	database: Database,
	tx: Tx,
	req: ConsentRequest,
	b: Beneficiary,
	withName: string,
	outcome: 'confirmed' | 'refused' | 'expired',
	referralSent: boolean,
	links: Links
) {
	if (!req.requestedBy) return;
	const email = await activeUserEmail(tx, req.requestedBy);
	if (!email) return;
	await queueMail(
		database,
		tx,
		answerMail(email, { personName: shortName(b), withName, outcome, referralSent, link: `${links.origin}/espace/personnes/${b.id}` }),
		b.id
	);
}

async function withNameOf(tx: Tx, c: Grant): Promise<string> {
	const place = (await placeNames(tx, [c.granteePlaceId])).get(c.granteePlaceId ?? '');
	if (place) return place;
	return (await organisationNames(tx, [c.granteeOrganisationId])).get(c.granteeOrganisationId ?? '') ?? 'le lieu';
}

const sayToPerson = (database: Database, tx: Tx, phone: string, text: string, template: string) =>
	queueSms(database, tx, { to: phone, text: toGsm7(text), template });

/**
 * Sends the referral that waited for the person's OUI, in the reply's transaction; returns
 * its id. referral/ passes its sendReferralOnConsent (referral/send.ts answerConsentBySms):
 * beneficiaries/ does not depend on referral/.
 */
export type SendOnConsent = (
	database: Database,
	tx: Tx,
	c: { request: ConsentRequest; consent: Grant; beneficiary: Beneficiary; draft: ReferralDraft },
	links: Links
) => Promise<string>;

/**
 * Applies a reply the provider posted (already authenticated). Matches the sender's
 * number to the requests sent to it; the reference decides between several open ones.
 * Never throws for what the person wrote: the outcome says what happened.
 */
export async function answerConsentReply(database: Database, sms: InboundSms, links: Links, sendOnConsent: SendOnConsent): Promise<ReplyOutcome> {
	const outcome = await answer(database, sms, links, sendOnConsent);
	// no number, no text: what happened, and to which request at most
	log('info', 'sms consent reply', { outcome: outcome.outcome, ...(outcome.requestId ? { requestId: outcome.requestId } : {}) });
	return outcome.outcome;
}

async function answer(database: Database, sms: InboundSms, links: Links, sendOnConsent: SendOnConsent): Promise<{ outcome: ReplyOutcome; requestId?: string }> {
	if (!sms.from) return { outcome: 'unknown_number' };
	const reply = parseConsentReply(sms.text);
	const db = database.db;
	const requests = await db.select().from(consentRequests).where(eq(consentRequests.phone, sms.from)).orderBy(desc(consentRequests.sentAt)).limit(50);
	const grants = await grantsById(
		db,
		requests.map((r) => r.consentId)
	);
	const sent = requests.flatMap((r) => {
		const g = grants.get(r.consentId);
		return g ? [{ r, status: g.status }] : [];
	});
	if (!sent.length) return { outcome: 'unknown_number' };
	if (!reply.answer) return { outcome: 'not_understood' };
	const open = sent.filter((s) => s.status === 'pending' && !s.r.closedAt);
	let target: (typeof sent)[number] | undefined;
	if (reply.reference) {
		target = open.find((s) => s.r.reference === reply.reference) ?? sent.find((s) => s.r.reference === reply.reference);
		if (!target) return { outcome: 'unknown_reference' };
	} else if (open.length === 1) target = open[0];
	else if (open.length > 1) {
		await db.transaction((tx) =>
			sayToPerson(
				database,
				tx,
				sms.from!,
				`Vous avez plusieurs demandes d'accord en attente. Répondez OUI ou NON suivi du numéro écrit dans le SMS, par exemple\u00a0: ${reply.answer === 'yes' ? 'OUI' : 'NON'} ${open[0].r.reference}`, // typography: gsm (SMS text: straight apostrophes stay GSM-7)
				'consent-reply-help'
			)
		);
		return { outcome: 'ambiguous' };
	} else return { outcome: sent.some((s) => s.status !== 'pending') ? 'already_answered' : 'no_open_request' };

	const requestId = target.r.id;
	return db.transaction(async (tx) => {
		const [req] = await tx.select().from(consentRequests).where(eq(consentRequests.id, requestId)).for('update');
		const c = (await grantById(tx, req.consentId, true))!;
		// the same reply twice, or a reply after the professional cancelled: nothing changes
		if (c.status !== 'pending' || req.closedAt) return { outcome: 'already_answered' as const, requestId };
		const [b] = await tx.select().from(beneficiaries).where(eq(beneficiaries.id, c.beneficiaryId));
		const withName = await withNameOf(tx, c);
		const org = { name: (await organisationNames(tx, [req.organisationId])).get(req.organisationId) };
		const entry = (action: string, details: Record<string, unknown> = {}) =>
			journal(tx, {
				actor: { kind: 'person' },
				action,
				targetType: 'beneficiary',
				targetId: b.id,
				departmentCode: b.departmentCode,
				details: { consentId: c.id, requestId, channel: 'sms', ...details }
			});

		if (req.expiresAt <= sms.at) {
			await expire(database, tx, req, c, b, withName, links, sms.at);
			await sayToPerson(
				database,
				tx,
				req.phone,
				`Cette demande d'accord a expiré\u00a0: rien n'a été transmis à ${withName}. Contactez ${org?.name ?? 'la structure qui vous suit'} si besoin.`, // typography: gsm
				'consent-reply-expired'
			);
			return { outcome: 'expired' as const, requestId };
		}
		if (reply.answer === 'no') {
			await closePendingGrant(tx, c.id, 'refused');
			await tx.update(consentRequests).set({ closedAt: sms.at }).where(eq(consentRequests.id, requestId));
			await touchBeneficiary(tx, b.id);
			await entry('consent.refused');
			await tellPrescriber(database, tx, req, b, withName, 'refused', false, links);
			await sayToPerson(database, tx, req.phone, `C'est noté\u00a0: vous refusez. Rien n'est transmis à ${withName}.`, 'consent-reply-refused'); // typography: gsm
			return { outcome: 'refused' as const, requestId };
		}
		// the proof: the reply's request and reference, and when it came (never the number nor the text: they are in consent_requests until erased)
		await confirmGrant(tx, c.id, sms.at, { smsRequestId: requestId, reference: req.reference, repliedAt: sms.at.toISOString() });
		await tx.update(consentRequests).set({ closedAt: sms.at }).where(eq(consentRequests.id, requestId));
		await touchBeneficiary(tx, b.id);
		await entry('consent.confirmed');
		let referralId: string | null = null;
		const draft = req.referral as ReferralDraft | null;
		if (draft && !b.anonymisedAt && !b.mergedInto) {
			referralId = await sendOnConsent(database, tx, { request: req, consent: c, beneficiary: b, draft }, links);
			await tx.update(consentRequests).set({ referralId }).where(eq(consentRequests.id, requestId));
		}
		await tellPrescriber(database, tx, req, b, withName, 'confirmed', !!referralId, links);
		// the referral's own SMS (when the person asked for SMS) says what happens next; otherwise a short thanks
		if (!referralId || b.preferredContact !== 'sms')
			await sayToPerson(database, tx, req.phone, `Merci, votre accord est enregistré. ${withName} va recevoir votre demande.`, 'consent-reply-confirmed');
		return { outcome: 'confirmed' as const, requestId };
	});
}

async function expire(database: Database, tx: Tx, req: ConsentRequest, c: Grant, b: Beneficiary, withName: string, links: Links, now: Date) {
	await closePendingGrant(tx, c.id, 'expired');
	await tx.update(consentRequests).set({ closedAt: now }).where(eq(consentRequests.id, req.id));
	await journal(tx, {
		actor: { kind: 'system' },
		action: 'consent.expired',
		targetType: 'beneficiary',
		targetId: b.id,
		departmentCode: b.departmentCode,
		details: { consentId: c.id, requestId: req.id }
	});
	await tellPrescriber(database, tx, req, b, withName, 'expired', false, links);
}

/** The hourly job: requests past their date are closed as expired, and their prescriber told. Idempotent. */
export async function expireConsentRequests(database: Database, links: Links, now = new Date()): Promise<number> {
	const due = await database.db
		.select({ id: consentRequests.id })
		.from(consentRequests)
		.where(and(isNull(consentRequests.closedAt), lte(consentRequests.expiresAt, now)))
		.limit(5000);
	let n = 0;
	for (const { id } of due) {
		await database.db.transaction(async (tx) => {
			const [req] = await tx.select().from(consentRequests).where(eq(consentRequests.id, id)).for('update');
			if (!req || req.closedAt) return;
			const c = (await grantById(tx, req.consentId, true))!;
			const [b] = await tx.select().from(beneficiaries).where(eq(beneficiaries.id, c.beneficiaryId));
			if (c.status !== 'pending') {
				await tx.update(consentRequests).set({ closedAt: now }).where(eq(consentRequests.id, id));
				return;
			}
			await expire(database, tx, req, c, b, await withNameOf(tx, c), links, now);
			n++;
		});
	}
	return n;
}
