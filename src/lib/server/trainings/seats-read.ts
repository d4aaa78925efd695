/**
 * What a registrant reads of their registration: by the link of their e-mail, or as the
 * professional signed in; with its rank on the waiting list, counted among all the
 * session's registrants. On the owner's connection (reviewed in
 * test/security/privileged-use.test.ts): the rank counts other people's rows and the link's
 * holder has no session; what is returned is the registrant's own.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import type { Actor } from '../accounts/index.ts';
import { parisDay } from '../../time.ts';
import { trainingRegistrations, trainingSessions, trainings, type TrainingRegistration } from './db.ts';
import { REGISTRATION_STATE_TEXT } from './model.ts';
import { TrainingError } from './internal.ts';
import { NO_LINK, byToken, openState, rankOf } from './tokens.ts';

export interface RegistrationView {
	status: TrainingRegistration['status'];
	rank: number | null;
	firstName: string;
	/** a pending registration whose link has expired */
	expired: boolean;
	sessionId: string;
	/** whether one may still register to the session (a pending registration can then be confirmed) */
	open: boolean;
	closedText: string | null;
}

/** What the registration's link shows: its state, its rank on the waiting list. */
export async function registrationByToken(database: Database, token: string, now = new Date()): Promise<RegistrationView> {
	const owner = database.privileged;
	const r = await byToken(owner.db, token);
	if (!r) throw new TrainingError('not_found', NO_LINK);
	const [s] = await owner.db.select().from(trainingSessions).where(eq(trainingSessions.id, r.sessionId));
	const state = await openState(owner.db, s, now);
	return {
		status: r.status,
		rank: r.status === 'waiting' && r.position ? await rankOf(owner.db, r.sessionId, r.position) : null,
		firstName: r.firstName,
		expired: r.status === 'pending' && !!r.confirmBefore && r.confirmBefore <= now,
		sessionId: r.sessionId,
		open: state === 'open',
		closedText: state === 'open' ? null : REGISTRATION_STATE_TEXT[state]
	};
}

/** The actor's own registration to a session, and its rank on the waiting list (counted among all the session's registrants). */
export async function myRegistration(
	database: Database,
	actor: Actor | null,
	sessionId: string
): Promise<{ status: 'confirmed' | 'waiting' | 'pending'; rank: number | null } | null> {
	if (!actor) return null;
	const owner = database.privileged;
	const [r] = await owner.db
		.select({ status: trainingRegistrations.status, position: trainingRegistrations.position })
		.from(trainingRegistrations)
		.where(
			and(
				eq(trainingRegistrations.sessionId, sessionId),
				eq(trainingRegistrations.userId, actor.userId),
				inArray(trainingRegistrations.status, ['pending', 'confirmed', 'waiting'])
			)
		);
	if (!r) return null;
	return {
		status: r.status as 'confirmed' | 'waiting' | 'pending',
		rank: r.status === 'waiting' && r.position ? await rankOf(owner.db, sessionId, r.position) : null
	};
}

/** The actor's registrations to sessions to come: title, days, state and rank (« Mes formations »). */
export async function myRegistrations(database: Database, actor: Actor, now = new Date()) {
	const owner = database.privileged;
	const rows = await owner.db
		.select({ r: trainingRegistrations, title: trainings.title, firstDay: trainingSessions.firstDay })
		.from(trainingRegistrations)
		.innerJoin(trainingSessions, eq(trainingSessions.id, trainingRegistrations.sessionId))
		.innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
		.where(
			and(
				eq(trainingRegistrations.userId, actor.userId),
				inArray(trainingRegistrations.status, ['pending', 'confirmed', 'waiting']),
				sql`${trainingSessions.lastDay} >= ${parisDay(now)}`
			)
		)
		.orderBy(asc(trainingSessions.firstDay));
	const out = [];
	for (const { r, title, firstDay } of rows)
		out.push({
			sessionId: r.sessionId,
			title,
			firstDay,
			status: r.status as 'pending' | 'confirmed' | 'waiting',
			rank: r.status === 'waiting' && r.position ? await rankOf(owner.db, r.sessionId, r.position) : null
		});
	return out;
}
