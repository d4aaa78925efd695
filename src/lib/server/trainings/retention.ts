/**
 * What registrations must not outlive (scheduled with the other purges, jobs/maintenance.ts):
 * a registration never confirmed is marked expired once its link stops working, and every
 * registration goes REGISTRATION_RETENTION_MONTHS after its session's last day (its
 * attestation with it; the session's counts stay).
 */
import { and, eq, inArray, lt } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { parisDay } from '../../time.ts';
import { trainingRegistrations, trainingSessions } from './db.ts';
import { REGISTRATION_RETENTION_MONTHS } from './model.ts';

export async function purgeOldRegistrations(db: DbOrTx, now = new Date()): Promise<{ expired: number; deleted: number }> {
	const expired = await db
		.update(trainingRegistrations)
		.set({ status: 'expired', updatedAt: now })
		.where(and(eq(trainingRegistrations.status, 'pending'), lt(trainingRegistrations.confirmBefore, now)))
		.returning({ id: trainingRegistrations.id });
	const [y, m, d] = parisDay(now).split('-').map(Number);
	const limit = new Date(Date.UTC(y, m - 1 - REGISTRATION_RETENTION_MONTHS, d, 12)).toISOString().slice(0, 10);
	const old = db.select({ id: trainingSessions.id }).from(trainingSessions).where(lt(trainingSessions.lastDay, limit));
	const deleted = await db.delete(trainingRegistrations).where(inArray(trainingRegistrations.sessionId, old)).returning({ id: trainingRegistrations.id });
	return { expired: expired.length, deleted: deleted.length };
}
