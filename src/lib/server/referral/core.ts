/**
 * What every step of a referral shares: the row, the site's links, who is who (the place's
 * team, the sender), the place's signed answer link, the row lock, and the messages to the
 * person (SMS or e-mail, as they asked, each with a new link to their page).
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Database, DbOrTx, Tx } from '../db/client.ts';
import { can, placeTeamEmails, placeTeamOrganisations, PLACE_TEAM_ROLES, type Actor } from '../accounts/index.ts';
import { queueMail, tagOutbox } from '../mail/index.ts';
import { queueSms, toGsm7, smsSegments, SMS_MAX_SEGMENTS } from '../sms/index.ts';
import { signToken, verifyToken } from '../security/secret.ts';
import { scopesInForce } from '../grants/index.ts';
import { issuePersonLink, scopedPerson, uncheckedRecord, type Beneficiary } from '../beneficiaries/index.ts';
import { referrals } from './db.ts';
import { ACCEPTED_DAYS, EXPIRY_DAYS } from './model.ts';
import { personMail } from './messages.ts';

export type Referral = typeof referrals.$inferSelect;
export const DAY = 86_400_000;
export const PLACE_TEAM = PLACE_TEAM_ROLES;

/** How a referral reaches its place: its team, a link at its e-mail, or the prescriber tells it. */
export type Delivery = 'team' | 'email' | 'prescriber';

export interface Links {
	/** the site's origin, for the links in messages */
	origin: string;
	instanceName: string;
	/** false: consent by SMS cannot be asked on this site (consent-sms.ts smsConsentReady) */
	smsReady?: boolean;
}

export const newNonce = () => randomBytes(9).toString('base64url');

/** A short reference the person can read on the phone: 'OR-' and 6 characters of the id. */
export const referenceOf = (id: string) => `OR-${id.replace(/-/g, '').slice(0, 6).toUpperCase()}`;

export const UUID = /^[0-9a-f-]{36}$/i;

// ——— links ———

const LINK_PURPOSE = 'referral-answer';

/** The link of a place without an account: bound to the referral's current nonce (one answer per link). */
export function answerLink(r: Pick<Referral, 'id' | 'linkNonce' | 'status' | 'sentAt'>, links: Links, now = Date.now()): { href: string; expiresAt: Date } {
	// waiting for an answer: until the referral expires; accepted: 60 days to say how it went
	const until = r.status === 'accepted' ? now + ACCEPTED_DAYS * DAY : r.sentAt.getTime() + EXPIRY_DAYS * DAY;
	const ttl = Math.max(60, Math.floor((until - now) / 1000));
	return { href: `${links.origin}/orientation/${signToken(LINK_PURPOSE, { r: r.id, n: r.linkNonce }, ttl, now)}`, expiresAt: new Date(until) };
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

export const LINK_MESSAGES = {
	invalid: 'Ce lien n’est pas valide. Vérifiez qu’il est complet, ou demandez à la personne qui vous a orienté de vous le renvoyer.',
	expired: 'Ce lien a expiré. L’orientation n’attend plus de réponse par ce lien.',
	used: 'Ce lien a déjà servi pour répondre. Si l’orientation attend une autre réponse, un nouveau lien vous a été envoyé par e-mail.'
} as const;

// ——— who ———

/**
 * Organisations running the place now with someone to read its referrals: an active
 * mediator or place manager. A structure just imported, whose invitations are not accepted
 * yet, does not count: the referral goes by e-mail, or the prescriber calls.
 */
export const placeOrganisations = (db: DbOrTx, placeId: string): Promise<string[]> => placeTeamOrganisations(db, placeId);

/** The e-mails of the place's team at a structure (accounts/ answers). */
export const teamEmails = (db: DbOrTx, organisationId: string): Promise<string[]> => placeTeamEmails(db, organisationId);

export type Side = 'sender' | 'place';

export async function sideOf(db: DbOrTx, actor: Actor, r: Referral): Promise<Side | null> {
	if (
		can(actor, 'referral.answer', {
			placeOrganisationIds: [...new Set([...(await placeOrganisations(db, r.placeId)), ...(r.toOrganisationId ? [r.toOrganisationId] : [])])]
		})
	)
		return 'place';
	if (can(actor, 'referral.send', { organisationId: r.fromOrganisationId })) return 'sender';
	return null;
}

export async function lockReferral(tx: Tx, id: string): Promise<Referral | undefined> {
	const [r] = await tx.select().from(referrals).where(eq(referrals.id, id)).for('update');
	return r;
}

/**
 * An SMS or an e-mail to the person, as they asked to be contacted; nothing otherwise. The
 * message carries a new link of its channel (the previous one of that channel stops).
 */
export async function notifyPerson(
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
export async function nameForPlace(db: DbOrTx, r: Pick<Referral, 'consentId' | 'beneficiaryId'>): Promise<string> {
	const b = (await uncheckedRecord(db, r.beneficiaryId))!;
	return scopedPerson(b, await scopesInForce(db, r.consentId)).name;
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
