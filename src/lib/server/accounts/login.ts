/**
 * Login: e-mail and password, then the second factor (a TOTP code or a recovery code). Both
 * throttled, both journaled.
 */
import { createHash } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { recoveryCodes, users } from './db.ts';
import { fieldErrors, loginSchema, normaliseRecoveryCode, totpCodeSchema } from './model.ts';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './password.ts';
import { checkTotp, openTotpSecret } from './totp.ts';
import { createSession, deleteSession, type LoadedSession, type SessionMeta } from './sessions.ts';
import { clear, lockAfterFailure, lockedUntil, release, reserve, reserveAll, retryMessage, RULES } from './throttle.ts';
import { actorFor, requiresMfa } from './actors.ts';

export type LoginResult =
	| { status: 'ok'; token: string; next: 'home' | 'second-factor' | 'enrol' }
	| { status: 'invalid'; message: string; fields?: Record<string, string> }
	| { status: 'throttled'; message: string };

const INVALID_LOGIN = 'Adresse e-mail ou mot de passe incorrect.';

/** E-mail and password. The same answer, in the same time, for an unknown address and a wrong password. */
export async function loginWithPassword(database: Database, input: unknown, meta: SessionMeta, now = new Date()): Promise<LoginResult> {
	const parsed = loginSchema.safeParse(input);
	if (!parsed.success) return { status: 'invalid', message: 'Vérifiez les champs signalés.', fields: fieldErrors(parsed.error.issues) };
	const { email, password } = parsed.data;
	const db = database.privileged.db;
	const [user] = await db.select().from(users).where(eq(users.email, email));
	const ipKey = `ip:${meta.ip ?? 'unknown'}`;
	const accountKey = `account:${user?.id ?? email}`;
	const locked = await lockedUntil(db, [accountKey, ipKey], now);
	if (locked) return { status: 'throttled', message: retryMessage(locked, now) };
	// the attempt is counted before the password is checked: concurrent guesses cannot pass the limit
	const rules = [RULES.account, RULES.ip];
	const { allowed, reservations } = await reserveAll(
		db,
		[
			[accountKey, RULES.account],
			[ipKey, RULES.ip]
		],
		now
	);
	if (!allowed)
		return {
			status: 'throttled',
			message: retryMessage(lockAfterFailure(reservations, rules, now) ?? new Date(now.getTime() + RULES.account.lockMinutes * 60_000), now)
		};

	const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, password) : (await verifyPassword(await dummyHash(), password), false);
	if (!ok || !user || !user.active) {
		const lock = lockAfterFailure(reservations, rules, now);
		if (lock) return { status: 'throttled', message: retryMessage(lock, now) };
		return { status: 'invalid', message: INVALID_LOGIN };
	}
	// a right password clears the password counter only (never the second factor's, `mfa:`)
	await clear(db, accountKey);
	await release(db, ipKey, RULES.ip);
	const actor = await actorFor(db, user.id, false);
	const mfaNeeded = requiresMfa(actor);
	const token = await db.transaction(async (tx) => {
		if (needsRehash(user.passwordHash!))
			await tx
				.update(users)
				.set({ passwordHash: await hashPassword(password) })
				.where(eq(users.id, user.id));
		await tx.update(users).set({ lastLoginAt: now }).where(eq(users.id, user.id));
		const t = await createSession(tx, user.id, { method: 'password', mfa: false, ...meta }, now);
		await journal(tx, { actor: { kind: 'user', id: user.id }, action: 'session.password_ok', targetType: 'user', targetId: user.id, ip: meta.ip });
		return t;
	});
	const next = user.totpConfirmedAt ? 'second-factor' : mfaNeeded ? 'enrol' : 'home';
	return { status: 'ok', token, next };
}

export type SecondFactorResult = { status: 'ok'; token: string } | { status: 'invalid'; message: string } | { status: 'throttled'; message: string };

/**
 * The six-digit code (or a recovery code) after the password: the session is replaced by a
 * new one marked as having passed the second factor.
 */
export async function passSecondFactor(
	database: Database,
	session: LoadedSession,
	oldToken: string,
	input: { code?: string; recoveryCode?: string },
	meta: SessionMeta,
	now = new Date()
): Promise<SecondFactorResult> {
	const db = database.privileged.db;
	// the second factor's own counter: TOTP and recovery codes together, never cleared by a password
	const key = mfaKey(session.userId);
	const locked = await lockedUntil(db, [key], now);
	if (locked) return { status: 'throttled', message: retryMessage(locked, now) };
	const [user] = await db.select().from(users).where(eq(users.id, session.userId));
	if (!user?.totpSecret || !user.totpConfirmedAt) return { status: 'invalid', message: 'La double authentification n’est pas encore activée pour ce compte.' };
	const recovery = input.recoveryCode !== undefined;
	const totp = recovery ? null : totpCodeSchema.safeParse(input.code ?? '');
	if (totp && !totp.success) return { status: 'invalid', message: totp.error.issues[0].message };
	const wrong = (): SecondFactorResult => {
		const lock = lockAfterFailure([reservation], [RULES.mfa], now);
		if (lock) return { status: 'throttled', message: retryMessage(lock, now) };
		return {
			status: 'invalid',
			message: recovery
				? 'Ce code de secours n’est pas valide ou a déjà servi.'
				: 'Ce code n’est pas le bon, ou il a expiré\u00a0: saisissez le code affiché maintenant par votre application.'
		};
	};
	// reserved before the code is checked: concurrent guesses cannot pass the limit
	const reservation = await reserve(db, key, RULES.mfa, now);
	if (!reservation.allowed)
		return { status: 'throttled', message: retryMessage(reservation.lockedUntil ?? new Date(now.getTime() + RULES.mfa.lockMinutes * 60_000), now) };

	let accepted: { step?: number; recoveryId?: string } | null = null;
	if (recovery) {
		const code = normaliseRecoveryCode(input.recoveryCode!);
		const [rc] = code
			? await db
					.select({ id: recoveryCodes.id })
					.from(recoveryCodes)
					.where(and(eq(recoveryCodes.userId, user.id), eq(recoveryCodes.codeHash, recoveryHash(user.id, code)), isNull(recoveryCodes.usedAt)))
			: [];
		if (rc) accepted = { recoveryId: rc.id };
	} else {
		const step = checkTotp(openTotpSecret(user.totpSecret), totp!.data!, now.getTime());
		if (step !== null && (user.totpLastStep === null || step > user.totpLastStep)) accepted = { step };
	}
	if (!accepted) return wrong();
	const token = await db.transaction(async (tx) => {
		// spent once, whatever the concurrency: a code (or its time step) used by a parallel request is refused
		const spent =
			accepted.step !== undefined
				? await tx
						.update(users)
						.set({ totpLastStep: accepted.step })
						.where(and(eq(users.id, user.id), sql`(${users.totpLastStep} is null or ${users.totpLastStep} < ${accepted.step})`))
						.returning({ id: users.id })
				: await tx
						.update(recoveryCodes)
						.set({ usedAt: now })
						.where(and(eq(recoveryCodes.id, accepted.recoveryId!), isNull(recoveryCodes.usedAt)))
						.returning({ id: recoveryCodes.id });
		if (!spent.length) return null;
		await deleteSession(tx, oldToken);
		const t = await createSession(tx, user.id, { method: session.method as 'password' | 'oidc', mfa: true, ...meta }, now);
		await journal(tx, {
			actor: { kind: 'user', id: user.id },
			action: accepted.recoveryId ? 'session.recovery_code_used' : 'session.second_factor_ok',
			targetType: 'user',
			targetId: user.id,
			ip: meta.ip
		});
		return t;
	});
	if (!token) return wrong();
	// only a passed second factor clears its counter
	await clear(db, key);
	return { status: 'ok', token };
}

/** The throttling key of an account's second factor (TOTP, recovery and enrolment codes). */
export const mfaKey = (userId: string) => `mfa:${userId}`;

/** How a recovery code is kept: hashed with its account's id. */
export const recoveryHash = (userId: string, code: string) => createHash('sha256').update(`${userId}:${code}`).digest('hex');
