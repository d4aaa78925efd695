/**
 * A referral's transitions: the place's team answers (or a place without an account, by
 * its signed link), the prescriber or the person withdraws, an accompaniment honours it.
 * Each applies under the row's lock: the timeline, the journal and the messages to the
 * prescriber and the person, in the same transaction (outbox).
 */
import { and, desc, eq, inArray, or } from 'drizzle-orm';
import type { Database, Tx } from '../db/client.ts';
import { journal, type AuditActor } from '../audit/index.ts';
import { activeUserEmail, can, organisationNames, placesRunBy, type Actor } from '../accounts/index.ts';
import { placeCard } from '../places/index.ts';
import { queueMail } from '../mail/index.ts';
import { CareError, personIp, shortName, touchBeneficiary, uncheckedRecord } from '../beneficiaries/index.ts';
import { referrals, referralEvents } from './db.ts';
import {
	transition,
	referralHorizon,
	AWAITING,
	DECLINE_REASONS,
	TERMINAL,
	type ReferralEvent,
	type ReferralStatus,
	type DeclineReason,
	type EventType
} from './model.ts';
import { followReferralShares } from '../vault/index.ts';
import { granteeOf } from './documents.ts';
import { personMessage, referralByLinkMail, referralUpdateMail } from './messages.ts';
import { parseParisLocal } from '../../time.ts';
import {
	answerLink,
	checkAnswerLink,
	lockReferral,
	nameForPlace,
	newNonce,
	notifyPerson,
	sideOf,
	DAY,
	LINK_MESSAGES,
	UUID,
	type Links,
	type Referral
} from './core.ts';

/** No appointment before the platform's time (1 January 2020, UTC). */
const EARLIEST_APPOINTMENT = Date.UTC(2020, 0, 1);

export type AnswerInput = { type: EventType; appointmentAt?: string | Date | null; reason?: string | null; note?: string | null };

function eventOf(input: AnswerInput, by: 'place' | 'person' | 'prescriber' | 'system'): ReferralEvent | { error: string; field?: string } {
	switch (input.type) {
		case 'accept': {
			let at: Date | null = null;
			if (input.appointmentAt) {
				at = input.appointmentAt instanceof Date ? input.appointmentAt : parisLocal(String(input.appointmentAt));
				if (!at || Number.isNaN(at.getTime()))
					return { error: 'La date du rendez-vous n’est pas valide. Exemple\u00a0: 24/11/2026 à 14:30', field: 'appointmentAt' };
				// a typing slip (year 0000, 2206…) is not an appointment: from 2020 (a place may record it afterwards) to five years ahead
				if (at.getTime() < EARLIEST_APPOINTMENT || at.getTime() > Date.now() + 1827 * DAY)
					return {
						error: 'Cette date de rendez-vous n’est pas possible\u00a0: vérifiez l’année (au plus tard dans cinq ans).',
						field: 'appointmentAt'
					};
			}
			return { type: 'accept', by: 'place', appointmentAt: at };
		}
		case 'decline':
			if (!input.reason || !Object.hasOwn(DECLINE_REASONS, input.reason)) return { error: 'Choisissez la raison du refus.', field: 'reason' };
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

/** '2026-11-24T14:30' (a datetime-local field, Paris time) → the instant: the one time module's, DST-safe whatever the server's TZ (decision 0013). */
export const parisLocal = parseParisLocal;

export interface Who {
	kind: 'place' | 'prescriber' | 'person' | 'system';
	audit: AuditActor;
	userId?: string | null;
	/** answered through the place's signed link */
	viaLink?: boolean;
	/** the person acted in a session opened by their link, a one-time code, a passkey or a recovery code */
	personAccess?: { by: 'code' | 'link' | 'passkey' | 'recovery'; linkId: string | null };
}

/**
 * Applies one event in a transaction, with the row locked; writes the timeline, the
 * journal and the messages. Returns the new status.
 */
export async function apply(
	database: Database,
	tx: Tx,
	r: Referral,
	event: ReferralEvent,
	who: Who,
	links: Links,
	ip?: string | null,
	extra: { accompanimentId?: string; accompanimentDate?: string } = {}
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
	if (extra.accompanimentId) {
		set.honouredByAccompanimentId = extra.accompanimentId;
		set.honouredOn = extra.accompanimentDate ?? null;
	}
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
	// the documents the person joined end with the referral, or stay as long as it may stay open once accepted
	if (TERMINAL.includes(t.status) || t.status === 'accepted')
		await followReferralShares(tx, granteeOf(updated), referralHorizon({ status: t.status, sentAt: updated.sentAt, statusAt: now }), now);
	await touchBeneficiary(tx, r.beneficiaryId, now);
	await notify(database, tx, updated, who, links);
	return t.status;
}

async function notify(database: Database, tx: Tx, r: Referral, who: Who, links: Links): Promise<void> {
	// the person of a referral this transaction holds locked, whoever acted (checked by the caller)
	const b = (await uncheckedRecord(tx, r.beneficiaryId))!;
	const place = (await placeCard(tx, r.placeId))!;
	const from = { name: (await organisationNames(tx, [r.fromOrganisationId])).get(r.fromOrganisationId)! };
	const status = r.status as ReferralStatus;
	const personName = shortName(b);
	const placeSide = await nameForPlace(tx, r);
	// the prescriber, unless they acted themselves
	if (who.kind !== 'prescriber' && r.prescriberId) {
		const prescriberEmail = await activeUserEmail(tx, r.prescriberId);
		if (prescriberEmail)
			await queueMail(
				database,
				tx,
				referralUpdateMail({
					to: prescriberEmail,
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

/**
 * The person withdraws one of their referrals from their page, in a session opened by
 * their link or a one-time code (journaled with which, and the person's network only).
 */
export async function withdrawByPerson(
	database: Database,
	session: { beneficiaryIds: string[]; via: 'code' | 'link' | 'passkey' | 'recovery'; linkId: string | null },
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
	a: {
		beneficiaryId: string;
		organisationId: string;
		placeId?: string | null;
		referralId?: string | null;
		accompanimentId: string;
		accompanimentDate: string;
		actor: Actor;
	},
	links: Links,
	ip?: string | null
): Promise<string | null> {
	const open: ReferralStatus[] = ['sent', 'under_study', 'accepted'];
	const orgPlaces = (await placesRunBy(tx, [a.organisationId])).map((x) => x.placeId);
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
	await apply(database, tx, current, { type: 'honour', by: 'place' }, who, links, ip, {
		accompanimentId: a.accompanimentId,
		accompanimentDate: a.accompanimentDate
	});
	return r.id;
}
