/**
 * The seats of a session: registering (a professional in one click; a helper without an
 * account, confirmed by the link sent by e-mail), cancelling, and the waiting list promoted
 * in order. No overbooking whatever the concurrency: every path locks the session's row
 * first (SELECT … FOR UPDATE), counts and writes inside that one transaction, and the
 * table's check constraint refuses more confirmed registrations than seats.
 *
 * These run on the owner's connection (`database.privileged`, reviewed in
 * test/security/privileged-use.test.ts): a registrant may belong to another département
 * than the training's, or have no account at all, and cancelling promotes another person's
 * registration; each path checks who acts first (can('training.register'), or the
 * registration's own link, whose hash only is stored).
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Database, DbOrTx, Tx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import {
	can,
	countAttempt,
	fieldErrors,
	lockedUntil,
	organisationSummaries,
	retryMessage,
	THROTTLE_RULES,
	userContacts,
	type Actor
} from '../accounts/index.ts';
import { queueMail } from '../mail/index.ts';
import { placeCard } from '../places/index.ts';
import { trainingRegistrations, trainingSessions, trainings, type TrainingRegistration, type TrainingSession } from './db.ts';
import { CONFIRM_HOURS, isWebinar, placement, profileOf, publicRegistrationInput, REGISTRATION_STATE_TEXT, type RegistrationState } from './model.ts';
import { TrainingError, NO_SESSION, slotsOf, userActor } from './internal.ts';
import { NO_LINK, byToken, hashToken, linkToken, openState, rankOf } from './tokens.ts';
import { alreadyMail, cancelledMail, confirmMail, placedMail, promotedMail, registrationLink, type Links, type SessionWords } from './messages.ts';

/** The session's row, locked until the transaction ends: every change of its seats goes through here first. */
export async function lockSession(tx: Tx, id: string): Promise<TrainingSession> {
	const [s] = await tx.select().from(trainingSessions).where(eq(trainingSessions.id, id)).for('update');
	if (!s) throw new TrainingError('not_found', NO_SESSION);
	return s;
}

/** What the e-mails say of the session. */
export async function sessionWords(db: DbOrTx, s: TrainingSession): Promise<SessionWords> {
	const [[t], slots, place] = await Promise.all([
		db.select({ title: trainings.title, format: trainings.format }).from(trainings).where(eq(trainings.id, s.trainingId)),
		slotsOf(db, [s.id]),
		s.placeId ? placeCard(db, s.placeId) : Promise.resolve(undefined)
	]);
	const at = place ? `${place.nom}, ${place.adresse}, ${place.codePostal} ${place.commune}` : '';
	const where = isWebinar(t.format)
		? t.format === 'relayed_webinar' && at
			? `En ligne, ou en groupe à ${at}`
			: 'En ligne'
		: [at, s.location].filter(Boolean).join(' – ') || 'à préciser par l’organisateur';
	return {
		title: t.title,
		slots: slots.get(s.id) ?? [],
		where,
		broadcastUrl: isWebinar(t.format) ? s.broadcastUrl : null,
		id: s.id,
		sequence: s.icsSequence,
		cancelled: s.status === 'cancelled'
	};
}

function refuseClosed(state: RegistrationState) {
	if (state !== 'open') throw new TrainingError('conflict', REGISTRATION_STATE_TEXT[state]);
}

/** A seat, or the waiting list: the next queue number, the counters; the row must be locked. */
async function takePlace(tx: Tx, s: TrainingSession, registrationId: string, now: Date): Promise<{ status: 'confirmed' | 'waiting'; position: number }> {
	const status = placement(s.capacity, s.seatsTaken);
	const position = s.lastPosition + 1;
	await tx
		.update(trainingRegistrations)
		.set({ status, position, placedAt: now, confirmedAt: status === 'confirmed' ? now : null, confirmBefore: null, updatedAt: now })
		.where(eq(trainingRegistrations.id, registrationId));
	s.lastPosition = position;
	if (status === 'confirmed') s.seatsTaken += 1;
	else s.waitingCount += 1;
	await tx
		.update(trainingSessions)
		.set({ lastPosition: s.lastPosition, seatsTaken: s.seatsTaken, waitingCount: s.waitingCount })
		.where(eq(trainingSessions.id, s.id));
	return { status, position };
}

/**
 * Gives the free seats to the waiting list, in queue order; the session's row must be
 * locked (the caller's transaction: a registrant cancelling, an organiser adding seats).
 * Each person promoted gets an e-mail with their own link (a new one: only its hash is kept).
 */
export async function promoteWaiting(database: Database, tx: Tx, s: TrainingSession, links: Links, now = new Date()): Promise<string[]> {
	const free = s.capacity === null ? s.waitingCount : Math.min(s.waitingCount, s.capacity - s.seatsTaken);
	if (free <= 0) return [];
	const next = await tx
		.select()
		.from(trainingRegistrations)
		.where(and(eq(trainingRegistrations.sessionId, s.id), eq(trainingRegistrations.status, 'waiting')))
		.orderBy(asc(trainingRegistrations.position))
		.limit(free)
		.for('update');
	if (!next.length) return [];
	const words = await sessionWords(tx, s);
	for (const r of next) {
		await tx
			.update(trainingRegistrations)
			.set({ status: 'confirmed', confirmedAt: now, promotedAt: now, updatedAt: now })
			.where(eq(trainingRegistrations.id, r.id));
		await queueMail(database, tx, promotedMail({ to: r.email, firstName: r.firstName, session: words, link: registrationLink(links, linkToken(r.id)), links }));
	}
	s.seatsTaken += next.length;
	s.waitingCount -= next.length;
	await tx.update(trainingSessions).set({ seatsTaken: s.seatsTaken, waitingCount: s.waitingCount }).where(eq(trainingSessions.id, s.id));
	await journal(
		tx,
		...next.map((r) => ({
			actor: { kind: 'system' as const },
			action: 'training.registration.promoted',
			targetType: 'training_registration',
			targetId: r.id,
			departmentCode: s.departmentCode,
			details: { sessionId: s.id, title: words.title, position: r.position }
		}))
	);
	return next.map((r) => r.id);
}

export interface Placed {
	id: string;
	status: 'confirmed' | 'waiting';
	/** on the waiting list: 1 for the next to get a seat */
	rank: number | null;
}

/** « Camille Coordination » → first name « Camille », last name « Coordination » (one word: both). */
function splitName(displayName: string): { firstName: string; lastName: string } {
	const [first, ...rest] = displayName.trim().split(/\s+/);
	return { firstName: first || displayName, lastName: rest.join(' ') || first || displayName };
}

/**
 * A professional registers in one click: their name and address are their account's, their
 * structure the one they hold a role in (in the training's département first). Refused when
 * registrations are closed or when they are registered already.
 */
export async function registerWithAccount(
	database: Database,
	actor: Actor | null,
	sessionId: string,
	links: Links,
	ip?: string | null,
	now = new Date()
): Promise<Placed> {
	if (!actor || !can(actor, 'training.register', {}))
		throw new TrainingError('unauthenticated', 'Connectez-vous à votre compte professionnel pour vous inscrire en un clic.');
	const owner = database.privileged;
	return owner.db.transaction(async (tx) => {
		const s = await lockSession(tx, sessionId);
		refuseClosed(await openState(tx, s, now));
		const contact = (await userContacts(tx, [actor.userId])).get(actor.userId);
		if (!contact?.active) throw new TrainingError('forbidden', 'Ce compte n’est plus actif.');
		const email = contact.email.toLowerCase();
		const [existing] = await tx
			.select({ id: trainingRegistrations.id })
			.from(trainingRegistrations)
			.where(
				and(
					eq(trainingRegistrations.sessionId, s.id),
					eq(trainingRegistrations.email, email),
					inArray(trainingRegistrations.status, ['pending', 'confirmed', 'waiting'])
				)
			);
		if (existing) throw new TrainingError('conflict', 'Vous êtes déjà inscrit à cette session.');
		const membership = actor.memberships.find((m) => m.departmentCode === s.departmentCode) ?? actor.memberships[0];
		const org = membership ? (await organisationSummaries(tx, [membership.organisationId])).get(membership.organisationId) : undefined;
		const roles = actor.memberships.filter((m) => m.organisationId === membership?.organisationId).map((m) => m.role);
		const id = randomUUID();
		const token = linkToken(id);
		const [row] = await tx
			.insert(trainingRegistrations)
			.values({
				id,
				sessionId: s.id,
				departmentCode: s.departmentCode,
				userId: actor.userId,
				organisationId: org?.id ?? null,
				...splitName(contact.name),
				email,
				profile: profileOf(roles, org?.kind ?? null),
				structureName: org?.name ?? '',
				status: 'pending',
				tokenHash: hashToken(token)
			})
			.returning({ id: trainingRegistrations.id, firstName: trainingRegistrations.firstName });
		// a seat freed while nobody could be told (an erasure) goes to the waiting list first
		await promoteWaiting(database, tx, s, links, now);
		const placed = await takePlace(tx, s, row.id, now);
		const rank = placed.status === 'waiting' ? await rankOf(tx, s.id, placed.position) : null;
		const words = await sessionWords(tx, s);
		await queueMail(
			database,
			tx,
			placedMail({ to: email, firstName: row.firstName, session: words, status: placed.status, rank, link: registrationLink(links, token), links })
		);
		await journal(tx, {
			actor: userActor(actor),
			action: 'training.registration.created',
			targetType: 'training_registration',
			targetId: row.id,
			departmentCode: s.departmentCode,
			ip,
			details: { sessionId: s.id, title: words.title, status: placed.status, position: placed.position }
		});
		return { id: row.id, status: placed.status, rank };
	});
}

/**
 * A helper without an account asks to register (4 fields): a pending registration, and an
 * e-mail with the link that confirms it (no seat is held until then). The answer is the same
 * whether the address was registered already or not (that address alone is told).
 */
export async function requestRegistration(
	database: Database,
	sessionId: string,
	input: unknown,
	links: Links,
	ip?: string | null,
	now = new Date()
): Promise<void> {
	const parsed = publicRegistrationInput.safeParse(input);
	if (!parsed.success) throw new TrainingError('invalid', 'L’inscription n’est pas complète.', fieldErrors(parsed.error.issues));
	const v = parsed.data;
	const owner = database.privileged;
	const keys = [`form:training:${v.email}`, ...(ip ? [`form:training-ip:${ip}`] : [])];
	const locked = await lockedUntil(owner.db, keys, now);
	if (locked) throw new TrainingError('throttled', retryMessage(locked, now));
	for (const k of keys) {
		const until = await countAttempt(owner.db, k, THROTTLE_RULES.form, now);
		if (until) throw new TrainingError('throttled', retryMessage(until, now));
	}
	await owner.db.transaction(async (tx) => {
		const s = await lockSession(tx, sessionId);
		refuseClosed(await openState(tx, s, now));
		const words = await sessionWords(tx, s);
		const [existing] = await tx
			.select()
			.from(trainingRegistrations)
			.where(
				and(
					eq(trainingRegistrations.sessionId, s.id),
					eq(trainingRegistrations.email, v.email),
					inArray(trainingRegistrations.status, ['pending', 'confirmed', 'waiting'])
				)
			);
		if (existing) {
			// the link again (it may have been lost); a pending registration gets its time again
			if (existing.status === 'pending')
				await tx
					.update(trainingRegistrations)
					.set({ confirmBefore: new Date(now.getTime() + CONFIRM_HOURS * 3_600_000), updatedAt: now })
					.where(eq(trainingRegistrations.id, existing.id));
			const link = registrationLink(links, linkToken(existing.id));
			await queueMail(
				database,
				tx,
				existing.status === 'pending'
					? confirmMail({ to: v.email, firstName: existing.firstName, session: words, link, links })
					: alreadyMail({ to: v.email, firstName: existing.firstName, session: words, link, links })
			);
			return;
		}
		const id = randomUUID();
		const token = linkToken(id);
		const [row] = await tx
			.insert(trainingRegistrations)
			.values({
				id,
				sessionId: s.id,
				departmentCode: s.departmentCode,
				firstName: v.firstName,
				lastName: v.lastName,
				email: v.email,
				profile: v.profile,
				status: 'pending',
				tokenHash: hashToken(token),
				confirmBefore: new Date(now.getTime() + CONFIRM_HOURS * 3_600_000)
			})
			.returning({ id: trainingRegistrations.id });
		await queueMail(database, tx, confirmMail({ to: v.email, firstName: v.firstName, session: words, link: registrationLink(links, token), links }));
		await journal(tx, {
			actor: { kind: 'public' },
			action: 'training.registration.requested',
			targetType: 'training_registration',
			targetId: row.id,
			departmentCode: s.departmentCode,
			ip,
			details: { sessionId: s.id, title: words.title, profile: v.profile }
		});
	});
}

/** The link's registration confirmed: it takes its place (a seat or the waiting list) and an e-mail says which. Confirming twice changes nothing. */
export async function confirmRegistration(database: Database, token: string, links: Links, ip?: string | null, now = new Date()): Promise<Placed> {
	const owner = database.privileged;
	const found = await byToken(owner.db, token);
	if (!found) throw new TrainingError('not_found', NO_LINK);
	const done = await owner.db.transaction(async (tx): Promise<Placed | 'expired'> => {
		const s = await lockSession(tx, found.sessionId);
		const [r] = await tx.select().from(trainingRegistrations).where(eq(trainingRegistrations.id, found.id)).for('update');
		if (!r || r.tokenHash !== found.tokenHash) throw new TrainingError('not_found', NO_LINK);
		if (r.status === 'confirmed' || r.status === 'waiting')
			return { id: r.id, status: r.status, rank: r.status === 'waiting' ? await rankOf(tx, s.id, r.position!) : null };
		if (r.status !== 'pending')
			throw new TrainingError('conflict', 'Cette inscription a été annulée. Inscrivez-vous de nouveau depuis la page de la formation.');
		if (r.confirmBefore && r.confirmBefore <= now) {
			// the expiry is kept (the commit), then said
			await tx.update(trainingRegistrations).set({ status: 'expired', updatedAt: now }).where(eq(trainingRegistrations.id, r.id));
			return 'expired';
		}
		refuseClosed(await openState(tx, s, now));
		await promoteWaiting(database, tx, s, links, now);
		const placed = await takePlace(tx, s, r.id, now);
		const rank = placed.status === 'waiting' ? await rankOf(tx, s.id, placed.position) : null;
		const words = await sessionWords(tx, s);
		await queueMail(
			database,
			tx,
			placedMail({ to: r.email, firstName: r.firstName, session: words, status: placed.status, rank, link: registrationLink(links, token), links })
		);
		await journal(tx, {
			actor: { kind: 'public' },
			action: 'training.registration.confirmed',
			targetType: 'training_registration',
			targetId: r.id,
			departmentCode: s.departmentCode,
			ip,
			details: { sessionId: s.id, title: words.title, status: placed.status, position: placed.position }
		});
		return { id: r.id, status: placed.status, rank };
	});
	if (done === 'expired') throw new TrainingError('conflict', 'Ce lien a expiré. Inscrivez-vous de nouveau depuis la page de la formation.');
	return done;
}

/** Cancels one registration (its row and the session's locked): a seat freed goes to the waiting list, in order. */
async function cancel(
	database: Database,
	find: (db: DbOrTx) => Promise<TrainingRegistration | undefined>,
	who: { actor: { kind: 'user'; id: string } | { kind: 'public' }; ip?: string | null },
	links: Links,
	now: Date,
	notFound = NO_LINK
): Promise<{ sessionId: string; promoted: number }> {
	const owner = database.privileged;
	const found = await find(owner.db);
	if (!found) throw new TrainingError('not_found', notFound);
	return owner.db.transaction(async (tx) => {
		const s = await lockSession(tx, found.sessionId);
		const [r] = await tx.select().from(trainingRegistrations).where(eq(trainingRegistrations.id, found.id)).for('update');
		if (!r || !['pending', 'confirmed', 'waiting'].includes(r.status)) return { sessionId: s.id, promoted: 0 };
		await tx
			.update(trainingRegistrations)
			.set({ status: 'cancelled', cancelledAt: now, cancelledBy: 'registrant', updatedAt: now })
			.where(eq(trainingRegistrations.id, r.id));
		if (r.status === 'confirmed') s.seatsTaken -= 1;
		if (r.status === 'waiting') s.waitingCount -= 1;
		await tx.update(trainingSessions).set({ seatsTaken: s.seatsTaken, waitingCount: s.waitingCount }).where(eq(trainingSessions.id, s.id));
		const words = await sessionWords(tx, s);
		if (r.status !== 'pending')
			await queueMail(database, tx, cancelledMail({ to: r.email, firstName: r.firstName, session: words, hadSeat: r.status === 'confirmed', links }));
		await journal(tx, {
			actor: who.actor,
			action: 'training.registration.cancelled',
			targetType: 'training_registration',
			targetId: r.id,
			departmentCode: s.departmentCode,
			ip: who.ip,
			details: { sessionId: s.id, title: words.title, from: r.status }
		});
		const promoted = r.status === 'confirmed' ? await promoteWaiting(database, tx, s, links, now) : [];
		return { sessionId: s.id, promoted: promoted.length };
	});
}

/** The registrant cancels with the link of their e-mail. */
export async function cancelByToken(database: Database, token: string, links: Links, ip?: string | null, now = new Date()) {
	return cancel(database, (db) => byToken(db, token), { actor: { kind: 'public' }, ip }, links, now);
}

/** A professional cancels their own registration from the session's page. */
export async function cancelMine(database: Database, actor: Actor | null, sessionId: string, links: Links, ip?: string | null, now = new Date()) {
	if (!actor) throw new TrainingError('unauthenticated', 'Connectez-vous pour annuler votre inscription.');
	return cancel(
		database,
		async (db) => {
			const [r] = await db
				.select()
				.from(trainingRegistrations)
				.where(
					and(
						eq(trainingRegistrations.sessionId, sessionId),
						eq(trainingRegistrations.userId, actor.userId),
						inArray(trainingRegistrations.status, ['pending', 'confirmed', 'waiting'])
					)
				);
			return r;
		},
		{ actor: userActor(actor), ip },
		links,
		now,
		'Vous n’êtes pas inscrit à cette session.'
	);
}
