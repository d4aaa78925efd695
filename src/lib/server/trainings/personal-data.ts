import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../db/client.ts';
import type { PersonalDataDeclaration, PersonRef } from '../personal-data.ts';
import { trainingAttestations, trainingCalendarFeeds, trainingRegistrations, trainingSessions, trainings } from './db.ts';
import { REGISTRATION_RETENTION_MONTHS, REGISTRATION_STATUSES, type RegistrationStatus } from './model.ts';

/**
 * What trainings hold about a person (see ../personal-data.ts). Registrations are the
 * helpers' (professionals, volunteers) and, for the public webinars, the people helped
 * themselves: no table names a record (no beneficiary_id), so the rights reach them by the
 * person's e-mail address: the export lists the registrations made with it, erasure cancels
 * and deletes them (their attestations with them: the public check of their number then says
 * « inconnue », nothing of the person; decision 0021) and the calendar feeds it holds. The
 * export includes the attestations.
 * Kept REGISTRATION_RETENTION_MONTHS after the session's last day (purgeOldRegistrations).
 */
export const TRAINING_RETENTION = `${REGISTRATION_RETENTION_MONTHS} months after the session’s last day (REGISTRATION_RETENTION_MONTHS, purgeOldRegistrations)`;

async function exportOf(db: DbOrTx, person: PersonRef): Promise<Record<string, unknown>> {
	if (!person.email) return {};
	const rows = await db
		.select({ r: trainingRegistrations, title: trainings.title, firstDay: trainingSessions.firstDay })
		.from(trainingRegistrations)
		.innerJoin(trainingSessions, eq(trainingSessions.id, trainingRegistrations.sessionId))
		.innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
		.where(eq(trainingRegistrations.email, person.email.toLowerCase()));
	if (!rows.length) return {};
	// the attestations of attendance (issue 17, item 5): what they attest, their number, revoked or not
	const attestations = await db
		.select({ a: trainingAttestations })
		.from(trainingAttestations)
		.innerJoin(trainingRegistrations, eq(trainingRegistrations.id, trainingAttestations.registrationId))
		.where(eq(trainingRegistrations.email, person.email.toLowerCase()));
	return {
		...(attestations.length
			? {
					trainingAttestations: attestations.map(({ a }) => ({
						number: a.number,
						holder: a.holderName,
						minutes: a.minutes,
						content: a.content,
						issuedAt: a.issuedAt.toISOString(),
						revokedAt: a.revokedAt?.toISOString() ?? null
					}))
				}
			: {}),
		trainings: rows.map(({ r, title, firstDay }) => ({
			training: title,
			firstDay,
			state: REGISTRATION_STATUSES[r.status as RegistrationStatus] ?? r.status,
			registeredAt: r.createdAt.toISOString(),
			firstName: r.firstName,
			lastName: r.lastName,
			email: r.email
		}))
	};
}

/**
 * Erasure: the registrations made with the person's address are cancelled (the seats they
 * held are given back to the session's count) and deleted, with their attestations; the
 * calendar feeds of that address go. A seat freed this way is not given to the waiting list
 * here (no message can be sent from the erasure's transaction): the hourly maintenance
 * gives it, in order, each person told (promoteFreedSeats, cancellations.ts), unless a
 * cancellation or the organiser's change of seats does first.
 */
async function erase(tx: Tx, person: PersonRef): Promise<void> {
	if (!person.email) return;
	const email = person.email.toLowerCase();
	const active = await tx
		.select({ sessionId: trainingRegistrations.sessionId, status: trainingRegistrations.status })
		.from(trainingRegistrations)
		.where(and(eq(trainingRegistrations.email, email), inArray(trainingRegistrations.status, ['confirmed', 'waiting'])));
	for (const r of active) {
		await tx
			.update(trainingSessions)
			.set(r.status === 'confirmed' ? { seatsTaken: sql`${trainingSessions.seatsTaken} - 1` } : { waitingCount: sql`${trainingSessions.waitingCount} - 1` })
			.where(eq(trainingSessions.id, r.sessionId));
	}
	await tx.delete(trainingRegistrations).where(eq(trainingRegistrations.email, email));
	await tx.delete(trainingCalendarFeeds).where(eq(trainingCalendarFeeds.email, email));
}

export const personalData: PersonalDataDeclaration = {
	capability: 'trainings',
	tables: [],
	exportOf,
	erase
};
