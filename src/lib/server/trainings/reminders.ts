/**
 * The reminders (issue 17, item 3): seven days and one day before a session's first
 * half-day (Paris days, decision 0013), an e-mail to each registrant with a seat, once each:
 * the registration's `reminded_d7_at` / `reminded_d1_at` is set in the transaction that
 * queues the e-mail (an UPDATE … RETURNING that claims the rows), so that a second run the
 * same day, or two at once, sends nothing twice. Run daily by the scheduled job
 * 'training-reminders' (../app.ts), on the owner's connection (registrants of every
 * département).
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { queueMail } from '../mail/index.ts';
import { addDays, parisDay } from '../../time.ts';
import { trainingRegistrations, trainingSessions } from './db.ts';
import { reminderMail, registrationLink, type Links } from './messages.ts';
import { sessionWords } from './seats.ts';
import { linkToken } from './tokens.ts';

/** Sends the reminders due today; returns how many of each. */
export async function remindRegistrants(database: Database, links: Links, now = new Date()): Promise<{ d7: number; d1: number }> {
	const today = parisDay(now);
	const out = { d7: 0, d1: 0 };
	for (const [key, days] of [
		['d7', 7],
		['d1', 1]
	] as const) {
		const column = key === 'd7' ? trainingRegistrations.remindedD7At : trainingRegistrations.remindedD1At;
		const sessions = await database.privileged.db
			.select()
			.from(trainingSessions)
			.where(and(eq(trainingSessions.status, 'published'), eq(trainingSessions.firstDay, addDays(today, days))));
		for (const s of sessions) {
			out[key] += await database.privileged.db.transaction(async (tx) => {
				const claimed = await tx
					.update(trainingRegistrations)
					.set(key === 'd7' ? { remindedD7At: now } : { remindedD1At: now })
					.where(and(eq(trainingRegistrations.sessionId, s.id), eq(trainingRegistrations.status, 'confirmed'), isNull(column)))
					.returning({ id: trainingRegistrations.id, email: trainingRegistrations.email, firstName: trainingRegistrations.firstName });
				if (!claimed.length) return 0;
				const words = await sessionWords(tx, s);
				for (const r of claimed)
					await queueMail(
						database,
						tx,
						reminderMail({ to: r.email, firstName: r.firstName, session: words, days, link: registrationLink(links, linkToken(r.id)), links })
					);
				return claimed.length;
			});
		}
	}
	return out;
}
