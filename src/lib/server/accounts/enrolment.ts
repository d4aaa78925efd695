/**
 * TOTP enrolment: a new secret confirmed by a code from the app, and the ten recovery codes
 * shown once.
 */
import { randomInt } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { recoveryCodes, users } from './db.ts';
import { normaliseRecoveryCode, RECOVERY_ALPHABET, totpCodeSchema } from './model.ts';
import { checkTotp, newTotpSecret, openTotpSecret, totpQrSvg, totpUri } from './totp.ts';
import { createSession, deleteSession, type LoadedSession, type SessionMeta } from './sessions.ts';
import { clear, lockAfterFailure, lockedUntil, reserve, retryMessage, RULES } from './throttle.ts';
import { mfaKey, recoveryHash } from './login.ts';

export interface Enrolment {
	secret: string;
	/** the secret grouped by 4 for typing into an app by hand */
	secretGroups: string;
	uri: string;
	qrSvg: string;
}

/**
 * A new secret, kept apart (encrypted) until a valid code from the app confirms it: the
 * active secret, if any, keeps working meanwhile, so an abandoned change never leaves the
 * account without its second factor.
 */
export async function startTotpEnrolment(database: Database, session: LoadedSession, issuer: string): Promise<Enrolment> {
	const { base32, sealed } = newTotpSecret();
	await database.privileged.db.update(users).set({ totpPendingSecret: sealed }).where(eq(users.id, session.userId));
	return enrolmentView(base32, session.user.email, issuer);
}

/** The enrolment under way (to show the same QR code again after a wrong code). */
export async function pendingEnrolment(database: Database, session: LoadedSession, issuer: string): Promise<Enrolment | null> {
	const [u] = await database.privileged.db.select({ s: users.totpPendingSecret }).from(users).where(eq(users.id, session.userId));
	if (!u?.s) return null;
	return enrolmentView(openTotpSecret(u.s), session.user.email, issuer);
}

/** Whether the account has an active second factor, read now (not from the request's session). */
export async function totpEnrolled(database: Database, userId: string): Promise<boolean> {
	const [u] = await database.db.select({ c: users.totpConfirmedAt }).from(users).where(eq(users.id, userId));
	return !!u?.c;
}

async function enrolmentView(base32: string, email: string, issuer: string): Promise<Enrolment> {
	const uri = totpUri(base32, email, issuer);
	return { secret: base32, secretGroups: base32.replace(/(.{4})/g, '$1 ').trim(), uri, qrSvg: await totpQrSvg(uri) };
}

export type EnrolmentResult =
	{ status: 'ok'; token: string; recoveryCodes: string[] } | { status: 'invalid'; message: string } | { status: 'throttled'; message: string };

/** The first code confirms the app; the session gets the second factor; 10 recovery codes are shown once. */
export async function confirmTotpEnrolment(
	database: Database,
	session: LoadedSession,
	oldToken: string,
	code: string,
	meta: SessionMeta,
	now = new Date()
): Promise<EnrolmentResult> {
	const db = database.privileged.db;
	const key = mfaKey(session.userId);
	const locked = await lockedUntil(db, [key], now);
	if (locked) return { status: 'throttled', message: retryMessage(locked, now) };
	const parsed = totpCodeSchema.safeParse(code);
	if (!parsed.success) return { status: 'invalid', message: parsed.error.issues[0].message };
	const [u] = await db.select({ s: users.totpPendingSecret, confirmed: users.totpConfirmedAt }).from(users).where(eq(users.id, session.userId));
	// replacing an active second factor needs a session that passed it
	if (u?.confirmed && !session.mfa) return { status: 'invalid', message: 'Confirmez d’abord votre identité avec le code de votre application actuelle.' };
	if (!u?.s) return { status: 'invalid', message: 'Recommencez l’activation\u00a0: la page a expiré.' };
	const reservation = await reserve(db, key, RULES.mfa, now);
	if (!reservation.allowed)
		return { status: 'throttled', message: retryMessage(reservation.lockedUntil ?? new Date(now.getTime() + RULES.mfa.lockMinutes * 60_000), now) };
	const step = checkTotp(openTotpSecret(u.s), parsed.data, now.getTime());
	if (step === null) {
		const lock = lockAfterFailure([reservation], [RULES.mfa], now);
		if (lock) return { status: 'throttled', message: retryMessage(lock, now) };
		return {
			status: 'invalid',
			message:
				'Ce code ne correspond pas\u00a0: vérifiez que l’application affiche le compte à votre adresse e-mail, au nom de ce site, et saisissez le code actuel.'
		};
	}
	await clear(db, key);
	const codes = Array.from({ length: 10 }, () => newRecoveryCode());
	const token = await db.transaction(async (tx) => {
		await tx
			.update(users)
			.set({ totpSecret: u.s, totpPendingSecret: null, totpConfirmedAt: now, totpLastStep: step, updatedAt: now })
			.where(eq(users.id, session.userId));
		await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, session.userId));
		await tx.insert(recoveryCodes).values(codes.map((c) => ({ userId: session.userId, codeHash: recoveryHash(session.userId, normaliseRecoveryCode(c)) })));
		await deleteSession(tx, oldToken);
		const t = await createSession(tx, session.userId, { method: session.method as 'password' | 'oidc', mfa: true, ...meta }, now);
		await journal(tx, { actor: { kind: 'user', id: session.userId }, action: 'user.totp_enrolled', targetType: 'user', targetId: session.userId, ip: meta.ip });
		return t;
	});
	return { status: 'ok', token, recoveryCodes: codes };
}

function newRecoveryCode(): string {
	let s = '';
	for (let i = 0; i < 12; i++) s += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
	return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

export async function remainingRecoveryCodes(database: Database, userId: string): Promise<number> {
	const [r] = await database.privileged.db
		.select({ n: sql<number>`count(*)::int` })
		.from(recoveryCodes)
		.where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
	return Number(r?.n ?? 0);
}
