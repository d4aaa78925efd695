/**
 * The accounts' part of the hourly purges (jobs/maintenance.ts): old throttling counters and
 * the personal data (e-mail, name) of invitations that expired unused.
 */
import { and, isNull, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { invitations, throttles } from './db.ts';

/** Deletes the throttling counters whose window started before `before` and that lock nothing any more; how many. */
export async function purgeThrottleCounters(db: DbOrTx, before: Date, now = new Date()): Promise<number> {
	const rows = await db
		.delete(throttles)
		.where(and(lt(throttles.windowStart, before), or(isNull(throttles.lockedUntil), lt(throttles.lockedUntil, now))))
		.returning({ k: throttles.key });
	return rows.length;
}

/** Blanks the addressee's e-mail and name of the unused invitations that expired before `cutoff`; how many. */
export async function anonymiseExpiredInvitations(db: DbOrTx, cutoff: Date): Promise<number> {
	const rows = await db
		.update(invitations)
		.set({ email: sql`'expiree-' || ${invitations.id} || '@invalid'`, displayName: '(invitation expirée)' })
		.where(and(isNull(invitations.usedAt), lt(invitations.expiresAt, cutoff), sql`${invitations.email} not like 'expiree-%'`))
		.returning({ id: invitations.id });
	return rows.length;
}
