/** The hourly purge's part of beneficiaries/: the person's one-time codes, sessions and links, once they can no longer serve. */
import { lt, or } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { personCodes, personLinks, personPasskeyChallenges, personSessions } from './db.ts';

const DAY = 86_400_000;

/** Codes and sessions a day after they end; passkey challenges once past their time; links (hashes) a month after they stopped working. Returns how many went. */
export async function purgePersonAccess(db: DbOrTx, now: Date): Promise<{ codes: number; personAccess: number }> {
	const dayAgo = new Date(now.getTime() - DAY);
	const monthAgo = new Date(now.getTime() - 30 * DAY);
	const codes = (await db.delete(personCodes).where(lt(personCodes.expiresAt, dayAgo)).returning({ id: personCodes.id })).length;
	const sessions = (await db.delete(personSessions).where(lt(personSessions.expiresAt, dayAgo)).returning({ id: personSessions.id })).length;
	const links = (
		await db
			.delete(personLinks)
			.where(or(lt(personLinks.expiresAt, monthAgo), lt(personLinks.revokedAt, monthAgo)))
			.returning({ id: personLinks.id })
	).length;
	const challenges = (await db.delete(personPasskeyChallenges).where(lt(personPasskeyChallenges.expiresAt, now)).returning({ id: personPasskeyChallenges.id }))
		.length;
	return { codes, personAccess: sessions + links + challenges };
}
