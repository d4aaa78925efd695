/**
 * What the seats' writes and reads share: a registration's link (its token derived from the
 * registration's id with a key of the instance secret, so that every e-mail about it carries
 * the same link; only its hash is stored, to find the registration), its rank on the waiting
 * list, whether a session takes registrations now.
 */
import { createHash, createHmac } from 'node:crypto';
import { and, eq, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { derivedKey } from '../security/secret.ts';
import { trainingRegistrations, type TrainingRegistration, type TrainingSession } from './db.ts';
import { registrationState, type RegistrationState } from './model.ts';
import { slotsOf } from './internal.ts';

export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
/**
 * A registration's link token: derived from its id with a key of the instance secret, so that
 * every e-mail about it (the confirmation, a promotion, later the reminders and calendar
 * updates) carries the same link; only its hash is stored, to find the registration.
 */
export const linkToken = (registrationId: string) =>
	createHmac('sha256', derivedKey('training-registration-links')).update(registrationId).digest('base64url').slice(0, 32);
/** A link's token as it comes in a URL: 32 characters of base64url. */
export const TOKEN = /^[A-Za-z0-9_-]{32}$/;

export async function openState(db: DbOrTx, s: TrainingSession, now: Date): Promise<RegistrationState> {
	const slots = (await slotsOf(db, [s.id])).get(s.id) ?? [];
	return registrationState(s, slots[0], now);
}

/** The rank on the waiting list (1 for the next to get a seat). */
export async function rankOf(db: DbOrTx, sessionId: string, position: number): Promise<number> {
	const [{ n }] = await db
		.select({ n: sql<number>`count(*)::int` })
		.from(trainingRegistrations)
		.where(and(eq(trainingRegistrations.sessionId, sessionId), eq(trainingRegistrations.status, 'waiting'), lte(trainingRegistrations.position, position)));
	return n;
}

export async function byToken(db: DbOrTx, token: string): Promise<TrainingRegistration | undefined> {
	if (!TOKEN.test(token)) return undefined;
	const [r] = await db
		.select()
		.from(trainingRegistrations)
		.where(eq(trainingRegistrations.tokenHash, hashToken(token)));
	return r;
}

export const NO_LINK = 'Ce lien ne correspond à aucune inscription. Il a peut-être été remplacé par un lien plus récent, envoyé par e-mail.';
