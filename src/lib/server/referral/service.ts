/**
 * Referrals (orientations): send with the person's consent, answer (the place's team, or
 * a place without an account through a signed link), withdraw (the person or the
 * prescriber), the clock (reminders at day 10 and 20, expiry at day 30), the inbox and
 * team views, the person's own view. Every change: a timeline event, an audit entry, and
 * messages to the prescriber and to the person, in the same transaction (outbox).
 */
import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Database, DbOrTx, Tx } from '../db/client.ts';
import { journal, type AuditActor } from '../audit/service.ts';
import { can, type Actor } from '../accounts/service.ts';
import { memberships, organisationPlaces, organisations, users } from '../accounts/db.ts';
import { places } from '../places/db.ts';
import { queueMail, tagOutbox } from '../mail/service.ts';
import { issuePersonLink, personIp } from '../beneficiaries/person-access.ts';
import { queueSms, toGsm7, smsSegments, SMS_MAX_SEGMENTS } from '../sms/service.ts';
import { signToken, verifyToken } from '../security/secret.ts';
import { beneficiaries, assessments, consents } from '../beneficiaries/db.ts';
import {
	CareError,
	loadBeneficiary,
	recordConsent,
	touchBeneficiary,
	shortName,
	holdingOrganisations,
	revealedFields,
	scopedPerson,
	SCOPE_FIELDS,
	type Beneficiary
} from '../beneficiaries/service.ts';
import { canAskBySms, requestConsentBySms, NO_MOBILE, SMS_NOT_READY } from '../beneficiaries/consent-sms.ts';
import { consentInput } from '../beneficiaries/model.ts';
import { fieldErrors } from '../accounts/service.ts';
import { referrals, referralEvents } from './db.ts';
import { accompaniments } from '../accompaniments/db.ts';
import {
	transition,
	allowedEvents,
	clockDue,
	AWAITING,
	DECLINE_REASONS,
	EXPIRY_DAYS,
	REMINDER_DAYS,
	STATUS_LABELS,
	REFERRAL_STATUSES,
	type ReferralEvent,
	type ReferralStatus,
	type DeclineReason,
	type EventType
} from './model.ts';
import { personMail, personMessage, referralByLinkMail, referralReceivedMail, referralReminderMail, referralUpdateMail } from './messages.ts';

export * from './model.ts';
export { dateFr, dateTimeFr } from './messages.ts';

export type Referral = typeof referrals.$inferSelect;
const DAY = 86_400_000;
const PLACE_TEAM = ['mediator', 'place_manager'];

export interface Links {
	/** the site's origin, for the links in messages */
	origin: string;
	instanceName: string;
	/** false: consent by SMS cannot be asked on this site (consent-sms.ts smsConsentReady) */
	smsReady?: boolean;
}

const newNonce = () => randomBytes(9).toString('base64url');

/** A short reference the person can read on the phone: 'OR-' and 6 characters of the id. */
export const referenceOf = (id: string) => `OR-${id.replace(/-/g, '').slice(0, 6).toUpperCase()}`;

// ——— links ———

const LINK_PURPOSE = 'referral-answer';

/** The link of a place without an account: bound to the referral's current nonce (one answer per link). */
function answerLink(r: Pick<Referral, 'id' | 'linkNonce' | 'status' | 'sentAt'>, links: Links, now = Date.now()): { href: string; expiresAt: Date } {
	// waiting for an answer: until the referral expires; accepted: 60 days to say how it went
	const until = r.status === 'accepted' ? now + 60 * DAY : r.sentAt.getTime() + EXPIRY_DAYS * DAY;
	const ttl = Math.max(60, Math.floor((until - now) / 1000));
	return { href: `${links.origin}/orientation/${signToken(LINK_PURPOSE, { r: r.id, n: r.linkNonce }, ttl, now)}`, expiresAt: new Date(until) };
}

/**
 * The person's own page: each message and the sheet printed for them carries a link of
 * its own, stored hashed, revocable, rotated, expiring (beneficiaries/person-access.ts).
 */
export { PERSON_LINK_DAYS } from '../beneficiaries/person-access.ts';

// ——— who ———

/**
 * Organisations running the place now with someone to read its referrals: an active
 * mediator or place manager. A structure just imported, whose invitations are not accepted
 * yet, does not count: the referral goes by e-mail, or the prescriber calls.
 */
async function placeOrganisations(db: DbOrTx, placeId: string): Promise<string[]> {
	const rows = await db
		.selectDistinct({ o: organisationPlaces.organisationId })
		.from(organisationPlaces)
		.innerJoin(organisations, eq(organisations.id, organisationPlaces.organisationId))
		.innerJoin(memberships, and(eq(memberships.organisationId, organisationPlaces.organisationId), inArray(memberships.role, PLACE_TEAM)))
		.innerJoin(users, and(eq(users.id, memberships.userId), eq(users.active, true)))
		.where(and(eq(organisationPlaces.placeId, placeId), eq(organisations.active, true)));
	return rows.map((r) => r.o);
}

async function teamEmails(db: DbOrTx, organisationId: string): Promise<string[]> {
	const rows = await db
		.selectDistinct({ email: users.email })
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.where(and(eq(memberships.organisationId, organisationId), inArray(memberships.role, PLACE_TEAM), eq(users.active, true)));
	return rows.map((r) => r.email);
}

type Side = 'sender' | 'place';

async function sideOf(db: DbOrTx, actor: Actor, r: Referral): Promise<Side | null> {
	if (
		can(actor, 'referral.answer', {
			placeOrganisationIds: [...new Set([...(await placeOrganisations(db, r.placeId)), ...(r.toOrganisationId ? [r.toOrganisationId] : [])])]
		})
	)
		return 'place';
	if (can(actor, 'referral.send', { organisationId: r.fromOrganisationId })) return 'sender';
	return null;
}

// ——— send ———

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

/** How a referral reaches its place: its team, a link at its e-mail, or the prescriber tells it. */
export type Delivery = 'team' | 'email' | 'prescriber';

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
	const [place] = await database.db
		.select({ id: places.id, nom: places.nom, departmentCode: places.departmentCode, courriels: places.courriels, closure: places.closure })
		.from(places)
		.where(eq(places.id, String(input.placeId ?? '')));
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
		const [a] = await database.db.select({ b: assessments.beneficiaryId }).from(assessments).where(eq(assessments.id, input.assessmentId));
		if (!a || a.b !== b.id) fields.assessmentId = 'Ce diagnostic n’est pas celui de la personne.';
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
	const [from] = await database.db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, input.organisationId));
	return { b, place: place!, toOrg, delivery, fromName: from.name, reason, assessmentId: input.assessmentId || null, method };
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
		consent: { id: string; withOrganisationId: string | null };
		beneficiary: Beneficiary;
		draft: { placeId: string; reason: string; assessmentId: string | null };
	},
	links: Links
): Promise<string> {
	const cols = { id: places.id, nom: places.nom, departmentCode: places.departmentCode, courriels: places.courriels };
	// the place chosen may have been merged into another while the person had not answered yet (its id lives on in merged_ids)
	const [place] = (await tx.select(cols).from(places).where(eq(places.id, c.draft.placeId))).concat(
		await tx
			.select(cols)
			.from(places)
			.where(sql`${places.mergedIds} @> ARRAY[${c.draft.placeId}]::text[]`)
			.limit(1)
	);
	if (!place) throw new CareError('not_found', 'Le lieu choisi n’existe plus.');
	const [from] = await tx.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, c.request.organisationId));
	const [a] = c.draft.assessmentId ? await tx.select({ id: assessments.id }).from(assessments).where(eq(assessments.id, c.draft.assessmentId)) : [];
	return insertReferral(
		database,
		tx,
		{
			b: c.beneficiary,
			place,
			toOrg: c.consent.withOrganisationId,
			delivery: c.consent.withOrganisationId ? 'team' : place.courriels.length ? 'email' : 'prescriber',
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
 * An SMS or an e-mail to the person, as they asked to be contacted; nothing otherwise. The
 * message carries a new link of its channel (the previous one of that channel stops).
 */
async function notifyPerson(
	database: Database,
	tx: Tx,
	b: Beneficiary,
	message: (link: string) => { subject: string; text: string },
	links: Links
): Promise<void> {
	if (b.anonymisedAt) return;
	const channel = b.preferredContact === 'sms' && b.phone ? 'sms' : b.preferredContact === 'email' && b.email ? 'email' : null;
	if (!channel) return;
	const link = await issuePersonLink(tx, { beneficiaryId: b.id, channel, origin: links.origin });
	const m = message(link.href);
	if (channel === 'sms') await tagOutbox(tx, await queueSms(database, tx, { to: b.phone!, text: fitSms(m.text), template: 'referral-person' }), b.id);
	else await queueMail(database, tx, personMail(b.email!, m, links.instanceName), b.id);
}

/** What the place's messages call the person: the scope of the referral's consent decides (beneficiaries/model.ts SCOPE_FIELDS). */
async function nameForPlace(db: DbOrTx, r: Pick<Referral, 'consentId' | 'beneficiaryId'>): Promise<string> {
	const [b] = await db.select().from(beneficiaries).where(eq(beneficiaries.id, r.beneficiaryId));
	const [c] = await db
		.select({ scope: consents.scope, status: consents.status, withdrawnAt: consents.withdrawnAt })
		.from(consents)
		.where(eq(consents.id, r.consentId));
	return scopedPerson(b, c && c.status === 'in_force' && !c.withdrawnAt ? c.scope : []).name;
}

/**
 * An SMS of at most 3 parts whatever the place's name: letters outside the GSM alphabet
 * (ê, ô, î…) lose their accent rather than making the whole text cost 2.3 times more, and
 * a text still too long keeps only its link.
 */
export function fitSms(text: string): string {
	const t = toGsm7(text);
	if (smsSegments(t) <= SMS_MAX_SEGMENTS) return t;
	const link = /https?:\/\/\S+$/.exec(t)?.[0] ?? '';
	return `Votre orientation a changé. Voir\u00a0: ${link}`;
}

// ——— transitions ———

export type AnswerInput = { type: EventType; appointmentAt?: string | Date | null; reason?: string | null; note?: string | null };

function eventOf(input: AnswerInput, by: 'place' | 'person' | 'prescriber' | 'system'): ReferralEvent | { error: string; field?: string } {
	switch (input.type) {
		case 'accept': {
			let at: Date | null = null;
			if (input.appointmentAt) {
				at = input.appointmentAt instanceof Date ? input.appointmentAt : parisLocal(String(input.appointmentAt));
				if (!at || Number.isNaN(at.getTime()))
					return { error: 'La date du rendez-vous n’est pas valide. Exemple\u00a0: 24/11/2026 à 14:30', field: 'appointmentAt' };
			}
			return { type: 'accept', by: 'place', appointmentAt: at };
		}
		case 'decline':
			if (!input.reason || !(input.reason in DECLINE_REASONS)) return { error: 'Choisissez la raison du refus.', field: 'reason' };
			return { type: 'decline', by: 'place', reason: input.reason as DeclineReason, note: input.note?.trim().slice(0, 500) || null };
		case 'withdraw':
			return { type: 'withdraw', by: by === 'person' ? 'person' : 'prescriber' };
		case 'honour':
			return { type: 'honour', by: by === 'system' ? 'system' : 'place' };
		case 'expire':
			return { type: 'expire', by: 'system' };
		case 'study':
		case 'no_show':
			return { type: input.type, by: 'place' };
		default:
			return { error: 'Action inconnue.' };
	}
}

/** '2026-11-24T14:30' (a datetime-local field, Paris time) → the instant. */
export function parisLocal(s: string): Date | null {
	const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(s.trim());
	if (!m) return null;
	const [y, mo, d, h, mi] = m.slice(1).map(Number);
	// an impossible date (13th month, 31 April, 25 h) is refused, not rolled over
	if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate() || h > 23 || mi > 59) return null;
	// the offset of Paris at that wall time (winter +1, summer +2)
	const guess = new Date(Date.UTC(y, mo - 1, d, h, mi));
	const paris = new Date(guess.toLocaleString('en-US', { timeZone: 'Europe/Paris' }));
	const utc = new Date(guess.toLocaleString('en-US', { timeZone: 'UTC' }));
	return new Date(guess.getTime() - (paris.getTime() - utc.getTime()));
}

interface Who {
	kind: 'place' | 'prescriber' | 'person' | 'system';
	audit: AuditActor;
	userId?: string | null;
	/** answered through the place's signed link */
	viaLink?: boolean;
	/** the person acted in a session opened by their link or by a one-time code */
	personAccess?: { by: 'code' | 'link'; linkId: string | null };
}

/**
 * Applies one event in a transaction, with the row locked; writes the timeline, the
 * journal and the messages. Returns the new status.
 */
async function apply(
	database: Database,
	tx: Tx,
	r: Referral,
	event: ReferralEvent,
	who: Who,
	links: Links,
	ip?: string | null,
	extra: { accompanimentId?: string } = {}
): Promise<ReferralStatus> {
	const t = transition(r.status as ReferralStatus, event);
	if (!t.ok) throw new CareError('conflict', t.message);
	const now = new Date();
	const set: Partial<Referral> = { status: t.status, statusAt: now, linkNonce: newNonce() };
	if (event.type === 'accept') set.appointmentAt = event.appointmentAt ?? null;
	if (event.type === 'decline') {
		set.declineReason = event.reason;
		set.declineNote = event.note ?? null;
	}
	if (extra.accompanimentId) set.honouredByAccompanimentId = extra.accompanimentId;
	const [updated] = await tx
		.update(referrals)
		.set(set)
		.where(and(eq(referrals.id, r.id), eq(referrals.status, r.status)))
		.returning();
	if (!updated) throw new CareError('conflict', 'Cette orientation vient d’être modifiée par quelqu’un d’autre\u00a0: rechargez la page.');
	await tx
		.insert(referralEvents)
		.values({ referralId: r.id, type: event.type, actorKind: who.kind, userId: who.userId ?? null, fromStatus: r.status, toStatus: t.status });
	await journal(tx, {
		actor: who.audit,
		action: 'referral.transition',
		targetType: 'referral',
		targetId: r.id,
		departmentCode: r.departmentCode,
		ip,
		details: {
			event: event.type,
			from: r.status,
			to: t.status,
			viaLink: !!who.viaLink,
			...(who.personAccess ? { by: who.personAccess.by, personLinkId: who.personAccess.linkId } : {})
		}
	});
	await touchBeneficiary(tx, r.beneficiaryId, now);
	await notify(database, tx, updated, who, links);
	return t.status;
}

async function notify(database: Database, tx: Tx, r: Referral, who: Who, links: Links): Promise<void> {
	const [b] = await tx.select().from(beneficiaries).where(eq(beneficiaries.id, r.beneficiaryId));
	const [place] = await tx.select({ nom: places.nom, courriels: places.courriels }).from(places).where(eq(places.id, r.placeId));
	const [from] = await tx.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, r.fromOrganisationId));
	const status = r.status as ReferralStatus;
	const personName = shortName(b);
	const placeSide = await nameForPlace(tx, r);
	// the prescriber, unless they acted themselves
	if (who.kind !== 'prescriber' && r.prescriberId) {
		const [p] = await tx.select({ email: users.email, active: users.active }).from(users).where(eq(users.id, r.prescriberId));
		if (p?.active)
			await queueMail(
				database,
				tx,
				referralUpdateMail({
					to: p.email,
					placeName: place.nom,
					personName,
					status,
					appointmentAt: r.appointmentAt,
					declineReason: r.declineReason ? DECLINE_REASONS[r.declineReason as DeclineReason] : null,
					link: `${links.origin}/espace/orientations/${r.id}`
				}),
				b.id
			);
	}
	// the person, unless they acted themselves
	if (who.kind !== 'person')
		await notifyPerson(
			database,
			tx,
			b,
			(link) =>
				personMessage({
					status,
					placeName: place.nom,
					appointmentAt: r.appointmentAt,
					prescriberOrganisation: from.name,
					link,
					instanceName: links.instanceName
				}),
			links
		);
	// a place answering by link gets the next link (the one it used is spent)
	if (who.viaLink && (status === 'accepted' || status === 'under_study') && place.courriels[0]) {
		const link = answerLink(r, links);
		await queueMail(
			database,
			tx,
			referralByLinkMail({
				to: place.courriels[0],
				placeName: place.nom,
				fromOrganisation: from.name,
				personName: placeSide,
				link: link.href,
				expiresAt: link.expiresAt,
				instanceName: links.instanceName,
				step: status === 'accepted' ? 'outcome' : 'answer'
			}),
			b.id
		);
	}
}

async function lockReferral(tx: Tx, id: string): Promise<Referral | undefined> {
	const [r] = await tx.select().from(referrals).where(eq(referrals.id, id)).for('update');
	return r;
}

const UUID = /^[0-9a-f-]{36}$/i;

/** The place's team (or the prescriber: withdraw) acts on a referral. */
export async function actOnReferral(
	database: Database,
	actor: Actor,
	id: string,
	input: AnswerInput,
	links: Links,
	ip?: string | null
): Promise<ReferralStatus> {
	if (!UUID.test(id)) throw new CareError('not_found', 'Cette orientation n’existe pas, ou vous n’y avez pas accès.');
	return database.db.transaction(async (tx) => {
		const r = await lockReferral(tx, id);
		const side = r ? await sideOf(tx, actor, r) : null;
		if (!r || !side) throw new CareError('not_found', 'Cette orientation n’existe pas, ou vous n’y avez pas accès.');
		const kind = input.type === 'withdraw' ? 'prescriber' : 'place';
		if ((kind === 'prescriber' && !can(actor, 'referral.send', { organisationId: r.fromOrganisationId })) || (kind === 'place' && side !== 'place'))
			throw new CareError('forbidden', 'Cette action n’est pas possible pour vous sur cette orientation.');
		const event = eventOf(input, kind);
		if ('error' in event) throw new CareError('invalid', event.error, event.field ? { [event.field]: event.error } : {});
		return apply(database, tx, r, event, { kind, audit: { kind: 'user', id: actor.userId }, userId: actor.userId }, links, ip);
	});
}

export type LinkCheck = { ok: true; referralId: string } | { ok: false; reason: 'invalid' | 'expired' | 'used' };

export async function checkAnswerLink(db: DbOrTx, token: string, now = Date.now()): Promise<LinkCheck> {
	const v = verifyToken<{ r: string; n: string }>(LINK_PURPOSE, token, now);
	if (!v.ok) return v;
	if (!UUID.test(v.payload.r)) return { ok: false, reason: 'invalid' };
	const [r] = await db.select({ nonce: referrals.linkNonce }).from(referrals).where(eq(referrals.id, v.payload.r));
	if (!r) return { ok: false, reason: 'invalid' };
	if (r.nonce !== v.payload.n) return { ok: false, reason: 'used' };
	return { ok: true, referralId: v.payload.r };
}

/** A place without an account answers through its link (spent by the answer). */
export async function answerByLink(database: Database, token: string, input: AnswerInput, links: Links, ip?: string | null): Promise<ReferralStatus> {
	return database.db.transaction(async (tx) => {
		const check = await checkAnswerLink(tx, token);
		if (!check.ok) throw new CareError('conflict', LINK_MESSAGES[check.reason]);
		const r = (await lockReferral(tx, check.referralId))!;
		if (input.type === 'withdraw' || input.type === 'expire')
			throw new CareError('forbidden', 'Cette action n’est pas possible pour vous sur cette orientation.');
		const event = eventOf(input, 'place');
		if ('error' in event) throw new CareError('invalid', event.error, event.field ? { [event.field]: event.error } : {});
		// the nonce is checked again under the lock: two clicks on one link give one answer
		const again = await checkAnswerLink(tx, token);
		if (!again.ok) throw new CareError('conflict', LINK_MESSAGES[again.reason]);
		return apply(database, tx, r, event, { kind: 'place', audit: { kind: 'link' }, viaLink: true }, links, ip);
	});
}

export const LINK_MESSAGES = {
	invalid: 'Ce lien n’est pas valide. Vérifiez qu’il est complet, ou demandez à la personne qui vous a orienté de vous le renvoyer.',
	expired: 'Ce lien a expiré. L’orientation n’attend plus de réponse par ce lien.',
	used: 'Ce lien a déjà servi pour répondre. Si l’orientation attend une autre réponse, un nouveau lien vous a été envoyé par e-mail.'
} as const;

/**
 * The person withdraws one of their referrals from their page, in a session opened by
 * their link or a one-time code (journaled with which, and the person's network only).
 */
export async function withdrawByPerson(
	database: Database,
	session: { beneficiaryIds: string[]; via: 'code' | 'link'; linkId: string | null },
	referralId: string,
	links: Links,
	ip?: string | null
): Promise<void> {
	if (!UUID.test(referralId)) throw new CareError('not_found', 'Cette orientation n’existe pas.');
	await database.db.transaction(async (tx) => {
		const r = await lockReferral(tx, referralId);
		if (!r || !session.beneficiaryIds.includes(r.beneficiaryId)) throw new CareError('not_found', 'Cette orientation n’existe pas.');
		// cancelled twice (a second click, a page kept open): it is cancelled, that is all
		if (r.status === 'withdrawn') return;
		await apply(
			database,
			tx,
			r,
			{ type: 'withdraw', by: 'person' },
			{ kind: 'person', audit: { kind: 'person' }, personAccess: { by: session.via, linkId: session.linkId } },
			links,
			personIp(ip)
		);
	});
}

/**
 * An accompaniment was recorded for a referred person: their referral to one of the
 * organisation's places is honoured (accepted first if it was still waiting). Returns the
 * referral honoured, or null when there was none.
 */
export async function honourByAccompaniment(
	database: Database,
	tx: Tx,
	a: { beneficiaryId: string; organisationId: string; placeId?: string | null; referralId?: string | null; accompanimentId: string; actor: Actor },
	links: Links,
	ip?: string | null
): Promise<string | null> {
	const open: ReferralStatus[] = ['sent', 'under_study', 'accepted'];
	const orgPlaces = (
		await tx.select({ p: organisationPlaces.placeId }).from(organisationPlaces).where(eq(organisationPlaces.organisationId, a.organisationId))
	).map((x) => x.p);
	const [r] = await tx
		.select()
		.from(referrals)
		.where(
			and(
				a.referralId ? eq(referrals.id, a.referralId) : eq(referrals.beneficiaryId, a.beneficiaryId),
				inArray(referrals.status, open),
				or(eq(referrals.toOrganisationId, a.organisationId), orgPlaces.length ? inArray(referrals.placeId, orgPlaces) : undefined)
			)
		)
		.orderBy(desc(referrals.sentAt))
		.limit(1)
		.for('update');
	if (!r) {
		if (a.referralId)
			throw new CareError('invalid', 'Cette orientation ne peut pas être close par cet accompagnement.', {
				referralId: 'Choisissez une orientation reçue par votre lieu et encore ouverte.'
			});
		return null;
	}
	const who: Who = { kind: 'place', audit: { kind: 'user', id: a.actor.userId }, userId: a.actor.userId };
	let current = r;
	if (AWAITING.includes(r.status as ReferralStatus)) {
		await apply(database, tx, r, { type: 'accept', by: 'place', appointmentAt: null }, { ...who }, { ...links }, ip);
		[current] = await tx.select().from(referrals).where(eq(referrals.id, r.id));
	}
	await apply(database, tx, current, { type: 'honour', by: 'place' }, who, links, ip, { accompanimentId: a.accompanimentId });
	return r.id;
}

// ——— the clock ———

/**
 * Sends the reminders due (day 10, day 20) and expires the referrals without an answer
 * for 30 days. Idempotent: run it as often as you like (hourly on the server).
 */
export async function runReferralClock(database: Database, links: Links, now = new Date()): Promise<{ reminded: number; expired: number }> {
	const firstReminder = new Date(now.getTime() - REMINDER_DAYS[0] * DAY);
	const due = await database.db
		.select({ id: referrals.id })
		.from(referrals)
		.where(and(inArray(referrals.status, AWAITING as ReferralStatus[]), lte(referrals.sentAt, firstReminder)))
		.orderBy(asc(referrals.sentAt))
		.limit(5000);
	let reminded = 0;
	let expired = 0;
	for (const { id } of due) {
		await database.db.transaction(async (tx) => {
			const r = await lockReferral(tx, id);
			if (!r) return;
			const c = clockDue({ status: r.status as ReferralStatus, sentAt: r.sentAt, remindersSent: r.remindersSent }, now);
			if (c.expire) {
				await apply(database, tx, r, { type: 'expire', by: 'system' }, { kind: 'system', audit: { kind: 'system' } }, links);
				expired++;
			} else if (c.reminders.length) {
				const day = c.reminders[0];
				await tx
					.update(referrals)
					.set({ remindersSent: REMINDER_DAYS.indexOf(day as 10 | 20) + 1 })
					.where(eq(referrals.id, r.id));
				await remind(database, tx, r, day, links);
				await journal(tx, {
					actor: { kind: 'system' },
					action: 'referral.reminded',
					targetType: 'referral',
					targetId: r.id,
					departmentCode: r.departmentCode,
					details: { day }
				});
				reminded++;
			}
		});
	}
	return { reminded, expired };
}

async function remind(database: Database, tx: Tx, r: Referral, days: number, links: Links): Promise<void> {
	const [place] = await tx.select({ nom: places.nom, courriels: places.courriels }).from(places).where(eq(places.id, r.placeId));
	const personName = await nameForPlace(tx, r);
	if (r.toOrganisationId) {
		for (const to of await teamEmails(tx, r.toOrganisationId))
			await queueMail(
				database,
				tx,
				referralReminderMail({ to, placeName: place.nom, personName, days, link: `${links.origin}/espace/orientations/${r.id}` }),
				r.beneficiaryId
			);
	} else if (place.courriels[0]) {
		const [from] = await tx.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, r.fromOrganisationId));
		const link = answerLink(r, links, Date.now());
		await queueMail(
			database,
			tx,
			referralByLinkMail({
				to: place.courriels[0],
				placeName: place.nom,
				fromOrganisation: from.name,
				personName,
				link: link.href,
				expiresAt: link.expiresAt,
				instanceName: links.instanceName,
				step: 'reminder'
			}),
			r.beneficiaryId
		);
	}
}

// ——— views ———

export interface InboxItem {
	id: string;
	reference: string;
	personName: string;
	placeName: string;
	placeCommune: string;
	fromOrganisation: string;
	status: ReferralStatus;
	statusLabel: string;
	sentAt: Date;
	ageDays: number;
	overdue: boolean;
	appointmentAt: Date | null;
}

export interface TeamView {
	items: InboxItem[];
	counts: Record<ReferralStatus, number>;
	/** waiting for an answer, by age */
	waiting: { under10: number; from10to19: number; from20: number };
	total: number;
	page: number;
	pages: number;
}

const PAGE_SIZE = 50;

/** Places run by the organisations where the actor is in the place's team. */
function receivedCondition(actor: Actor): SQL {
	const orgs = [...new Set(actor.memberships.filter((m) => PLACE_TEAM.includes(m.role)).map((m) => m.organisationId))];
	if (!orgs.length) return sql`false`;
	const list = sql.join(
		orgs.map((o) => sql`${o}::uuid`),
		sql`, `
	);
	// `= any(array(…))`: the places are listed once and both indexes are combined (an `in (select …)` under
	// an `or` read all the referrals: p95 85 → 37 ms for the busiest of 400 organisations, 100,000 referrals)
	return sql`(${referrals.toOrganisationId} in (${list}) or ${referrals.placeId} = any(array(select place_id from organisation_places where organisation_id in (${list}))))`;
}

function sentCondition(actor: Actor): SQL {
	const orgs = holdingOrganisations(actor);
	return orgs.length ? inArray(referrals.fromOrganisationId, orgs) : sql`false`;
}

/**
 * The team views: referrals received by the actor's places, or sent by their
 * organisations; overdue first (waiting for more than 10 days), then waiting, then the
 * others by last change; counts by status and by age.
 */
export async function teamReferrals(
	database: Database,
	actor: Actor,
	opts: { box: 'received' | 'sent'; status?: string | null; page?: number; now?: Date }
): Promise<TeamView> {
	const now = opts.now ?? new Date();
	const where = opts.box === 'received' ? receivedCondition(actor) : sentCondition(actor);
	const status = opts.status && (REFERRAL_STATUSES as readonly string[]).includes(opts.status) ? opts.status : null;
	const db = database.db;
	const overdueAt = new Date(now.getTime() - REMINDER_DAYS[0] * DAY);
	const [countRows, waitingRows] = await Promise.all([
		db
			.select({ status: referrals.status, n: sql<number>`count(*)::int` })
			.from(referrals)
			.where(where)
			.groupBy(referrals.status),
		db
			.select({
				under10: sql<number>`count(*) filter (where ${referrals.sentAt} > ${overdueAt.toISOString()}::timestamptz)::int`,
				from10to19: sql<number>`count(*) filter (where ${referrals.sentAt} <= ${overdueAt.toISOString()}::timestamptz and ${referrals.sentAt} > ${new Date(now.getTime() - 20 * DAY).toISOString()}::timestamptz)::int`,
				from20: sql<number>`count(*) filter (where ${referrals.sentAt} <= ${new Date(now.getTime() - 20 * DAY).toISOString()}::timestamptz)::int`
			})
			.from(referrals)
			.where(and(where, inArray(referrals.status, AWAITING as ReferralStatus[])))
	]);
	const counts = Object.fromEntries(REFERRAL_STATUSES.map((s) => [s, 0])) as Record<ReferralStatus, number>;
	for (const c of countRows) counts[c.status as ReferralStatus] = c.n;
	const total = status ? counts[status as ReferralStatus] : Object.values(counts).reduce((a, b) => a + b, 0);
	const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
	const page = Math.min(Math.max(1, opts.page ?? 1), pages);
	const awaiting = sql`${referrals.status} in ('sent', 'under_study')`;
	const rows = await db
		.select({
			r: { id: referrals.id, status: referrals.status, sentAt: referrals.sentAt, appointmentAt: referrals.appointmentAt, delivery: referrals.delivery },
			b: { firstName: beneficiaries.firstName, lastName: beneficiaries.lastName, pseudonym: beneficiaries.pseudonym, anonymisedAt: beneficiaries.anonymisedAt },
			placeName: places.nom,
			placeCommune: places.commune,
			fromOrganisation: organisations.name
		})
		.from(referrals)
		.innerJoin(beneficiaries, eq(beneficiaries.id, referrals.beneficiaryId))
		.innerJoin(places, eq(places.id, referrals.placeId))
		.innerJoin(organisations, eq(organisations.id, referrals.fromOrganisationId))
		.where(and(where, status ? eq(referrals.status, status) : undefined))
		.orderBy(
			sql`case when ${awaiting} and ${referrals.sentAt} <= ${overdueAt.toISOString()}::timestamptz then 0 when ${awaiting} then 1 else 2 end`,
			sql`case when ${awaiting} then ${referrals.sentAt} end asc`,
			desc(referrals.statusAt)
		)
		.limit(PAGE_SIZE)
		.offset((page - 1) * PAGE_SIZE);
	return {
		items: rows.map(({ r, b, placeName, placeCommune, fromOrganisation }) => {
			const waiting = AWAITING.includes(r.status as ReferralStatus);
			return {
				id: r.id,
				reference: referenceOf(r.id),
				personName: shortName(b),
				placeName,
				placeCommune,
				fromOrganisation,
				status: r.status as ReferralStatus,
				statusLabel: STATUS_LABELS[r.status as ReferralStatus],
				sentAt: r.sentAt,
				ageDays: Math.floor((now.getTime() - r.sentAt.getTime()) / DAY),
				overdue: waiting && r.sentAt <= overdueAt,
				appointmentAt: r.appointmentAt
			};
		}),
		counts,
		waiting: waitingRows[0] ?? { under10: 0, from10to19: 0, from20: 0 },
		total,
		page,
		pages
	};
}

export interface ReferralDetail {
	id: string;
	reference: string;
	side: Side | 'link';
	status: ReferralStatus;
	statusLabel: string;
	reason: string | null;
	sentAt: Date;
	appointmentAt: Date | null;
	declineReason: string | null;
	declineNote: string | null;
	place: {
		id: string;
		nom: string;
		adresse: string;
		codePostal: string;
		commune: string;
		telephone: string | null;
		courriels: string[];
		horaires: string | null;
	};
	from: { organisation: string; prescriber: string | null; prescriberEmail: string | null };
	person: {
		id: string;
		name: string;
		fullName: string;
		commune: string | null;
		phone: string | null;
		email: string | null;
		preferredContact: string | null;
		language: string | null;
		accessibilityNeeds: string[];
		accessibilityNote: string | null;
	};
	scope: string[];
	assessment: { profile: Record<string, string | null>; services: string[]; urgency: string | null; at: Date } | null;
	timeline: { at: Date; type: string; actorKind: string; toStatus: string; toStatusLabel: string }[];
	actions: EventType[];
	beneficiaryId: string;
	honouredByAccompanimentId: string | null;
	/** the day of the accompaniment that honoured it (YYYY-MM-DD), not the appointment's */
	honouredOn: string | null;
	/** how it reached the place ('prescriber': the prescriber tells the place themselves) */
	delivery: Delivery;
}

async function detailOf(db: DbOrTx, r: Referral, side: Side | 'link'): Promise<ReferralDetail> {
	const [b] = await db.select().from(beneficiaries).where(eq(beneficiaries.id, r.beneficiaryId));
	const [place] = await db
		.select({
			id: places.id,
			nom: places.nom,
			adresse: places.adresse,
			codePostal: places.codePostal,
			commune: places.commune,
			telephone: places.telephone,
			courriels: places.courriels,
			horaires: places.horaires
		})
		.from(places)
		.where(eq(places.id, r.placeId));
	const [from] = await db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, r.fromOrganisationId));
	const [prescriber] = r.prescriberId ? await db.select({ name: users.displayName, email: users.email }).from(users).where(eq(users.id, r.prescriberId)) : [];
	const [consent] = await db
		.select({ scope: consents.scope, status: consents.status, withdrawnAt: consents.withdrawnAt })
		.from(consents)
		.where(eq(consents.id, r.consentId));
	// the sender sees what they hold; the place what the consent covers (nothing once withdrawn, nor before it is in force)
	const scope =
		side === 'sender' ? (Object.keys(SCOPE_FIELDS) as string[]) : consent && consent.status === 'in_force' && !consent.withdrawnAt ? consent.scope : [];
	// every field through the one table of what each scope reveals (beneficiaries/model.ts SCOPE_FIELDS)
	const shown = revealedFields(scope);
	const p = scopedPerson(b, scope);
	const has = (s: 'assessment' | 'referral_reason') => shown.has(s === 'assessment' ? 'assessment' : 'reason');
	let assessment: ReferralDetail['assessment'] = null;
	if (r.assessmentId && has('assessment')) {
		const [a] = await db.select().from(assessments).where(eq(assessments.id, r.assessmentId));
		if (a) {
			const res = a.result as { profile: Record<string, string | null>; services: string[]; urgency: string | null };
			assessment = { profile: res.profile, services: res.services, urgency: res.urgency, at: a.createdAt };
		}
	}
	const [honouring] = r.honouredByAccompanimentId
		? await db.select({ date: accompaniments.date }).from(accompaniments).where(eq(accompaniments.id, r.honouredByAccompanimentId))
		: [];
	const events = await db.select().from(referralEvents).where(eq(referralEvents.referralId, r.id)).orderBy(asc(referralEvents.at), asc(referralEvents.id));
	const actor: 'place' | 'prescriber' = side === 'sender' ? 'prescriber' : 'place';
	return {
		id: r.id,
		reference: referenceOf(r.id),
		side,
		status: r.status as ReferralStatus,
		statusLabel: STATUS_LABELS[r.status as ReferralStatus],
		reason: has('referral_reason') ? r.reason : null,
		sentAt: r.sentAt,
		appointmentAt: r.appointmentAt,
		declineReason: r.declineReason ? DECLINE_REASONS[r.declineReason as DeclineReason] : null,
		declineNote: r.declineNote,
		place: { ...place, courriels: place.courriels ?? [] },
		from: { organisation: from.name, prescriber: prescriber?.name ?? null, prescriberEmail: prescriber?.email ?? null },
		person: {
			id: b.id,
			name: p.name,
			fullName: p.fullName,
			commune: p.communeName,
			phone: p.phone,
			email: p.email,
			preferredContact: p.preferredContact,
			language: p.language,
			accessibilityNeeds: p.accessibilityNeeds,
			accessibilityNote: p.accessibilityNote
		},
		scope,
		assessment,
		timeline: events.map((e) => ({
			at: e.at,
			type: e.type,
			actorKind: e.actorKind,
			toStatus: e.toStatus,
			toStatusLabel: STATUS_LABELS[e.toStatus as ReferralStatus]
		})),
		actions: allowedEvents(r.status as ReferralStatus, actor),
		beneficiaryId: b.id,
		honouredByAccompanimentId: r.honouredByAccompanimentId,
		// the accompaniment's day when the viewer reads it (RLS), else the day it was recorded
		honouredOn:
			honouring?.date ??
			(r.status === 'honoured'
				? (events
						.findLast((e) => e.toStatus === 'honoured')
						?.at.toISOString()
						.slice(0, 10) ?? null)
				: null),
		delivery: r.delivery as Delivery
	};
}

export async function referralDetail(database: Database, actor: Actor, id: string, ip?: string | null): Promise<ReferralDetail> {
	const notFound = new CareError('not_found', 'Cette orientation n’existe pas, ou vous n’y avez pas accès.');
	if (!UUID.test(id)) throw notFound;
	const [r] = await database.db.select().from(referrals).where(eq(referrals.id, id));
	const side = r ? await sideOf(database.db, actor, r) : null;
	if (!r || !side) throw notFound;
	await journal(database.db, {
		actor: { kind: 'user', id: actor.userId },
		action: 'referral.viewed',
		targetType: 'referral',
		targetId: id,
		departmentCode: r.departmentCode,
		ip
	});
	return detailOf(database.db, r, side);
}

export async function referralByLink(
	database: Database,
	token: string
): Promise<{ ok: true; detail: ReferralDetail } | { ok: false; reason: 'invalid' | 'expired' | 'used'; message: string }> {
	const c = await checkAnswerLink(database.db, token);
	if (!c.ok) return { ...c, message: LINK_MESSAGES[c.reason] };
	const [r] = await database.db.select().from(referrals).where(eq(referrals.id, c.referralId));
	return { ok: true, detail: await detailOf(database.db, r, 'link') };
}

/** The referrals of one person, for their record's page (the actor already reads the record). */
export async function referralsOfBeneficiary(database: Database, actor: Actor, beneficiaryId: string) {
	await loadBeneficiary(database.db, actor, beneficiaryId, 'read');
	const rows = await database.db
		.select({ r: referrals, placeName: places.nom, placeCommune: places.commune })
		.from(referrals)
		.innerJoin(places, eq(places.id, referrals.placeId))
		.where(and(eq(referrals.beneficiaryId, beneficiaryId), or(sentCondition(actor), receivedCondition(actor))))
		.orderBy(desc(referrals.sentAt));
	return rows.map(({ r, placeName, placeCommune }) => ({
		id: r.id,
		reference: referenceOf(r.id),
		placeName,
		placeCommune,
		status: r.status as ReferralStatus,
		statusLabel: STATUS_LABELS[r.status as ReferralStatus],
		sentAt: r.sentAt,
		appointmentAt: r.appointmentAt
	}));
}

/** What the person sees of their referrals: never the decline reason nor the professionals' names. */
export async function personReferrals(database: Database, beneficiaryIds: string[]) {
	if (!beneficiaryIds.length) return [];
	const rows = await database.db
		.select({
			r: { id: referrals.id, status: referrals.status, sentAt: referrals.sentAt, appointmentAt: referrals.appointmentAt, delivery: referrals.delivery },
			place: {
				id: places.id,
				nom: places.nom,
				adresse: places.adresse,
				codePostal: places.codePostal,
				commune: places.commune,
				telephone: places.telephone,
				horaires: places.horaires
			},
			from: organisations.name
		})
		.from(referrals)
		.innerJoin(places, eq(places.id, referrals.placeId))
		.innerJoin(organisations, eq(organisations.id, referrals.fromOrganisationId))
		.innerJoin(beneficiaries, eq(beneficiaries.id, referrals.beneficiaryId))
		.where(and(inArray(referrals.beneficiaryId, beneficiaryIds), isNull(beneficiaries.anonymisedAt)))
		.orderBy(desc(referrals.sentAt));
	const PERSON_STATUS: Record<ReferralStatus, string> = {
		sent: 'Envoyée\u00a0: le lieu va vous contacter',
		under_study: 'Le lieu étudie votre demande',
		accepted: 'Acceptée\u00a0: le lieu vous attend',
		declined: 'Le lieu ne peut pas vous recevoir',
		honoured: 'Vous êtes venu(e)',
		no_show: 'Vous n’êtes pas venu(e)',
		expired: 'Le lieu n’a pas répondu',
		withdrawn: 'Annulée'
	};
	return rows.map(({ r, place, from }) => ({
		id: r.id,
		reference: referenceOf(r.id),
		status: r.status as ReferralStatus,
		// the place has no account and no e-mail: the prescriber tells it, the place does not call first
		statusLabel:
			r.status === 'sent' && r.delivery === 'prescriber'
				? 'Envoyée\u00a0: la structure qui vous oriente prévient le lieu'
				: PERSON_STATUS[r.status as ReferralStatus],
		sentAt: r.sentAt,
		appointmentAt: r.appointmentAt,
		place,
		from,
		canWithdraw: allowedEvents(r.status as ReferralStatus, 'person').includes('withdraw')
	}));
}

/**
 * The printable sheet for the person (PDF): where, when, why, who. Printed by the
 * prescriber's side (for the person, who prefers paper), it carries a new link to the
 * person's page (QR code and address): printing again revokes the previous sheet's link.
 * Printed by the place's team, it carries no access of the person's: only the public page
 * where the person asks for a one-time code.
 */
export async function referralSheet(
	database: Database,
	actor: Actor,
	id: string,
	links: Links,
	ip?: string | null
): Promise<{ pdf: Buffer; reference: string; withPersonLink: boolean }> {
	const d = await referralDetail(database, actor, id, ip);
	const { referralSheetPdf } = await import('../documents/referral-sheet.ts');
	const { weekTable } = await import('../places/index.ts');
	const { formatRange } = await import('../../components/format.ts');
	const hours = (weekTable(d.place.horaires) ?? []).map((r) => `${r.day}\u00a0: ${r.closed ? 'fermé' : r.ranges.map(formatRange).join(' et ')}`);
	let personLink: string | null = null;
	if (d.side === 'sender') {
		personLink = await database.db.transaction(async (tx) => {
			const [b] = await tx
				.select({ anonymisedAt: beneficiaries.anonymisedAt, departmentCode: beneficiaries.departmentCode })
				.from(beneficiaries)
				.where(eq(beneficiaries.id, d.beneficiaryId));
			if (!b || b.anonymisedAt) return null;
			const link = await issuePersonLink(tx, {
				beneficiaryId: d.beneficiaryId,
				channel: 'sheet',
				referralId: d.id,
				createdBy: actor.userId,
				origin: links.origin
			});
			await journal(tx, {
				actor: { kind: 'user', id: actor.userId },
				action: 'person.link_issued',
				targetType: 'beneficiary',
				targetId: d.beneficiaryId,
				departmentCode: b.departmentCode,
				ip,
				details: { channel: 'sheet', referralId: d.id, linkId: link.id }
			});
			return link.href;
		});
	}
	const pdf = await referralSheetPdf({
		instanceName: links.instanceName,
		reference: d.reference,
		personName: d.person.name,
		place: {
			name: d.place.nom,
			address: d.place.adresse,
			postalCode: d.place.codePostal,
			commune: d.place.commune,
			phone: d.place.telephone,
			emails: d.place.courriels,
			hours,
			access: null
		},
		reason: d.reason ?? '',
		toBring: null,
		sentAt: d.sentAt,
		appointmentAt: d.appointmentAt,
		prescriber: { name: d.from.prescriber ?? '', organisation: d.from.organisation, phone: null },
		personLink,
		publicPage: `${links.origin}/mes-orientations`
	});
	return { pdf, reference: d.reference, withPersonLink: !!personLink };
}
