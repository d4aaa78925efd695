/**
 * The organiser's cancellations (issue 17): a whole session (every registrant, waiting list
 * included, gets the cancellation with its calendar entry withdrawn, METHOD:CANCEL with the
 * next SEQUENCE; the catalogue and the feeds say « Annulée »), or one registration (its seat
 * goes to the first on the waiting list, who is told, as when a registrant cancels). And the
 * seats freed without anyone to tell the waiting list at that moment (a registrant's
 * personal data erased, the retention purge): given in order by `promoteFreedSeats`, which
 * the hourly maintenance runs (jobs/maintenance.ts).
 *
 * Organisers act on their request's connection (row-level security: the training's
 * département); the sweep runs on the owner's, as the seats do (seats.ts).
 */
import { and, eq, gt, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { queueMail } from '../mail/index.ts';
import type { Actor } from '../accounts/index.ts';
import { parisDay } from '../../time.ts';
import { trainingRegistrations, trainingSessions } from './db.ts';
import { NO_SESSION, TrainingError, loadSession, loadTraining, mustManage, userActor } from './internal.ts';
import { isUuid } from './model.ts';
import { lockSession, promoteWaiting, sessionWords } from './seats.ts';
import { organiserCancelledMail, sessionCancelledMail, type Links } from './messages.ts';

const ACTIVE = ['pending', 'confirmed', 'waiting'];

async function organisersSession(database: Database, actor: Actor, sessionId: string, trainingId?: string) {
	const s = await loadSession(database.db, sessionId);
	if (trainingId && s.trainingId !== trainingId) throw new TrainingError('not_found', NO_SESSION);
	const t = await loadTraining(database.db, s.trainingId);
	mustManage(actor, t);
	return t;
}

/**
 * The organiser cancels a published session: its registrations are cancelled, each person
 * is told (with the .ics CANCEL), the session says « Annulée » from then on. Its reason, if
 * given, is on its page and in the e-mails. Returns how many people were told.
 */
export async function cancelSession(
	database: Database,
	actor: Actor,
	sessionId: string,
	input: { reason?: unknown },
	links: Links,
	opts: { ip?: string | null; trainingId?: string; now?: Date } = {}
): Promise<{ told: number }> {
	const now = opts.now ?? new Date();
	const t = await organisersSession(database, actor, sessionId, opts.trainingId);
	const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
	if (reason.length > 500) throw new TrainingError('invalid', 'L’annulation n’est pas complète.', { reason: 'Le motif tient en 500 caractères au plus.' });
	return database.db.transaction(async (tx) => {
		const s = await lockSession(tx, sessionId);
		if (s.status === 'cancelled') throw new TrainingError('conflict', 'Cette session est déjà annulée.');
		if (s.status !== 'published') throw new TrainingError('conflict', 'Une session en brouillon n’a pas d’inscrits\u00a0: modifiez-la plutôt.');
		const registrants = await tx
			.select()
			.from(trainingRegistrations)
			.where(and(eq(trainingRegistrations.sessionId, s.id), inArray(trainingRegistrations.status, ACTIVE)))
			.for('update');
		const next = { ...s, status: 'cancelled', cancelledAt: now, cancelReason: reason, icsSequence: s.icsSequence + 1, seatsTaken: 0, waitingCount: 0 };
		await tx
			.update(trainingSessions)
			.set({
				status: 'cancelled',
				cancelledAt: now,
				cancelReason: reason,
				icsSequence: next.icsSequence,
				seatsTaken: 0,
				waitingCount: 0,
				updatedBy: actor.userId,
				updatedAt: now
			})
			.where(eq(trainingSessions.id, s.id));
		if (registrants.length)
			await tx
				.update(trainingRegistrations)
				.set({ status: 'cancelled', cancelledAt: now, cancelledBy: 'organiser', updatedAt: now })
				.where(
					inArray(
						trainingRegistrations.id,
						registrants.map((r) => r.id)
					)
				);
		const words = await sessionWords(tx, next);
		for (const r of registrants) await queueMail(database, tx, sessionCancelledMail({ to: r.email, firstName: r.firstName, session: words, reason, links }));
		await journal(tx, {
			actor: userActor(actor),
			action: 'training.session.cancelled',
			targetType: 'training_session',
			targetId: s.id,
			departmentCode: t.departmentCode,
			ip: opts.ip,
			details: { title: t.title, firstDay: s.firstDay, told: registrants.length }
		});
		return { told: registrants.length };
	});
}

/**
 * The organiser cancels one registration of their session: the person is told; a seat freed
 * goes to the first on the waiting list, who is told too (promoteWaiting).
 */
export async function cancelRegistration(
	database: Database,
	actor: Actor,
	sessionId: string,
	registrationId: string,
	links: Links,
	opts: { ip?: string | null; trainingId?: string; now?: Date } = {}
): Promise<{ promoted: number }> {
	const now = opts.now ?? new Date();
	const t = await organisersSession(database, actor, sessionId, opts.trainingId);
	if (!isUuid(registrationId)) throw new TrainingError('not_found', 'Cette inscription n’existe pas.');
	return database.db.transaction(async (tx) => {
		const s = await lockSession(tx, sessionId);
		const [r] = await tx
			.select()
			.from(trainingRegistrations)
			.where(and(eq(trainingRegistrations.id, registrationId), eq(trainingRegistrations.sessionId, s.id)))
			.for('update');
		if (!r) throw new TrainingError('not_found', 'Cette inscription n’existe pas.');
		if (!ACTIVE.includes(r.status)) throw new TrainingError('conflict', 'Cette inscription est déjà annulée.');
		await tx
			.update(trainingRegistrations)
			.set({ status: 'cancelled', cancelledAt: now, cancelledBy: 'organiser', updatedAt: now })
			.where(eq(trainingRegistrations.id, r.id));
		if (r.status === 'confirmed') s.seatsTaken -= 1;
		if (r.status === 'waiting') s.waitingCount -= 1;
		await tx.update(trainingSessions).set({ seatsTaken: s.seatsTaken, waitingCount: s.waitingCount }).where(eq(trainingSessions.id, s.id));
		const words = await sessionWords(tx, s);
		await queueMail(database, tx, organiserCancelledMail({ to: r.email, firstName: r.firstName, session: words, hadSeat: r.status === 'confirmed', links }));
		await journal(tx, {
			actor: userActor(actor),
			action: 'training.registration.cancelled',
			targetType: 'training_registration',
			targetId: r.id,
			departmentCode: t.departmentCode,
			ip: opts.ip,
			details: { sessionId: s.id, title: t.title, from: r.status, by: 'organiser' }
		});
		const promoted = r.status === 'confirmed' && s.status === 'published' ? await promoteWaiting(database, tx, s, links, now) : [];
		return { promoted: promoted.length };
	});
}

/**
 * The seats freed while nobody could be told (a registrant's personal data erased, the
 * retention purge): every published session still to come with a free seat and a waiting
 * list gives it, in order, each person promoted told by e-mail. Returns how many were.
 */
export async function promoteFreedSeats(database: Database, links: Links, now = new Date()): Promise<number> {
	const owner = database.privileged;
	const candidates = await owner.db
		.select({ id: trainingSessions.id })
		.from(trainingSessions)
		.where(
			and(
				eq(trainingSessions.status, 'published'),
				gte(trainingSessions.lastDay, parisDay(now)),
				gt(trainingSessions.waitingCount, 0),
				or(isNull(trainingSessions.capacity), lt(trainingSessions.seatsTaken, sql`${trainingSessions.capacity}`))
			)
		);
	let promoted = 0;
	for (const c of candidates)
		promoted += await owner.db.transaction(async (tx) => (await promoteWaiting(database, tx, await lockSession(tx, c.id), links, now)).length);
	return promoted;
}
