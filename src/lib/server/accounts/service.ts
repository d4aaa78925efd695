/**
 * Accounts use cases: login (password, second factor, recovery codes), TOTP enrolment,
 * sessions, organisations, users and memberships. Every write is journaled.
 */
import { createHash, randomInt } from 'node:crypto';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { journal, changedFields, type AuditActor } from '../audit/service.ts';
import { z } from 'zod';
import { memberships, organisationPlaces, organisations, recoveryCodes, users } from './db.ts';
import { places } from '../places/db.ts';
import { asScoped } from './scope.ts';
import {
	loginSchema,
	normaliseRecoveryCode,
	organisationSchema,
	passwordProblem,
	RECOVERY_ALPHABET,
	ROLES,
	ROLES_WITH_PERSONAL_DATA,
	emailSchema,
	displayNameSchema,
	totpCodeSchema,
	AccountError,
	fieldErrors,
	type Role
} from './model.ts';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './password.ts';
import { checkTotp, newTotpSecret, openTotpSecret, totpQrSvg, totpUri } from './totp.ts';
import {
	createSession,
	deleteSession,
	deleteSessionByRef,
	deleteUserSessions,
	hashToken,
	listUserSessions,
	sessionRef,
	type LoadedSession,
	type SessionMeta
} from './sessions.ts';
import { clear, lockAfterFailure, lockedUntil, release, reserve, reserveAll, retryMessage, RULES } from './throttle.ts';
import { can, departmentsWith, type Actor } from './permissions.ts';

export { loadSession, deleteSession, deleteUserSessions, purgeSessions, IDLE_MINUTES, ABSOLUTE_HOURS } from './sessions.ts';
export { listUserSessions };
export type { LoadedSession } from './sessions.ts';
export { can, hasRole, departmentsWith, type Actor, type Action } from './permissions.ts';
export { asScoped } from './scope.ts';
export { ROLES, ROLE_LABELS, ORGANISATION_KINDS, passwordProblem, PASSWORD_MIN_LENGTH, fieldErrors } from './model.ts';
export type { Role, OrganisationKind } from './model.ts';

export { AccountError } from './model.ts';
export { requestPasswordReset, checkResetToken, resetPassword, RESET_MINUTES } from './reset.ts';
export { oidcSettings, startOidcLogin, finishOidcLogin, oidcErrorMessage, OIDC_COOKIE, type OidcResult } from './oidc.ts';
export {
	hit as countAttempt,
	reserve as reserveAttempt,
	release as releaseAttempt,
	clear as clearAttempts,
	lockAfterFailure,
	lockedUntil,
	retryMessage,
	RULES as THROTTLE_RULES
} from './throttle.ts';
import { invite, listPendingInvitations } from './invitations.ts';
export {
	invite,
	checkInvitation,
	acceptInvitation,
	listPendingInvitations,
	revokeInvitation,
	pendingRoles,
	answerPendingRole,
	invitationToken,
	rolesLabel,
	labels as roleLabels,
	INVITATION_DAYS
} from './invitations.ts';
export { remindInvitation, remindWaitingInvitations, REMINDER_DAYS } from './reminders.ts';

const actorOf = (actor: Actor | null): AuditActor => (actor ? { kind: 'user', id: actor.userId } : { kind: 'cli' });

/** An account needs a second factor when one of its roles gives access to personal data. */
export function requiresMfa(actor: Pick<Actor, 'isAdmin' | 'memberships'>): boolean {
	return actor.isAdmin || actor.memberships.some((m) => ROLES_WITH_PERSONAL_DATA.includes(m.role));
}

// ---------------------------------------------------------------------------
// Login

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

/** The memberships of a user (active organisations only). */
export async function actorFor(db: DbOrTx, userId: string, mfa: boolean): Promise<Actor> {
	const [u] = await db.select({ isAdmin: users.isAdmin }).from(users).where(eq(users.id, userId));
	const rows = await db
		.select({ organisationId: memberships.organisationId, role: memberships.role, departmentCode: organisations.departmentCode })
		.from(memberships)
		.innerJoin(organisations, eq(organisations.id, memberships.organisationId))
		.where(and(eq(memberships.userId, userId), eq(organisations.active, true)));
	return { userId, isAdmin: !!u?.isAdmin, mfa, memberships: rows.map((r) => ({ ...r, role: r.role as Role })) };
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

// ---------------------------------------------------------------------------
// TOTP enrolment

const recoveryHash = (userId: string, code: string) => createHash('sha256').update(`${userId}:${code}`).digest('hex');

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

// ---------------------------------------------------------------------------
// Sessions

export async function logout(database: Database, token: string, session: LoadedSession | null, ip?: string | null): Promise<void> {
	await database.privileged.db.transaction(async (tx) => {
		await deleteSession(tx, token);
		if (session) await journal(tx, { actor: { kind: 'user', id: session.userId }, action: 'session.logout', targetType: 'user', targetId: session.userId, ip });
	});
}

/** « Fermer cette session »: one session of the account, another device's (this one: the logout). */
export async function logoutOneSession(database: Database, session: LoadedSession, ref: string, ip?: string | null): Promise<boolean> {
	if (ref === sessionRef(session.tokenHash)) return false;
	return database.privileged.db.transaction(async (tx) => {
		const ended = await deleteSessionByRef(tx, session.userId, ref);
		if (ended) await journal(tx, { actor: { kind: 'user', id: session.userId }, action: 'session.ended', targetType: 'user', targetId: session.userId, ip });
		return ended;
	});
}

/** "Se déconnecter partout": every session of the account, this one included. */
export async function logoutEverywhere(database: Database, session: LoadedSession, ip?: string | null): Promise<number> {
	return database.privileged.db.transaction(async (tx) => {
		const n = await deleteUserSessions(tx, session.userId);
		await journal(tx, {
			actor: { kind: 'user', id: session.userId },
			action: 'session.logout_everywhere',
			targetType: 'user',
			targetId: session.userId,
			ip,
			details: { sessions: n }
		});
		return n;
	});
}

export async function changePassword(
	database: Database,
	session: LoadedSession,
	input: { current?: string; next?: string; confirm?: string },
	ip?: string | null
): Promise<{ ok: true } | { ok: false; fields: Record<string, string> }> {
	const [u] = await database.privileged.db.select().from(users).where(eq(users.id, session.userId));
	if (!u) return { ok: false, fields: { form: 'Compte introuvable.' } };
	if (u.passwordHash && !(await verifyPassword(u.passwordHash, input.current ?? '')))
		return { ok: false, fields: { current: 'Le mot de passe actuel n’est pas le bon.' } };
	const problem = passwordProblem(input.next ?? '', { email: u.email, name: u.displayName });
	if (problem) return { ok: false, fields: { next: problem } };
	if (input.next !== input.confirm) return { ok: false, fields: { confirm: 'Les deux saisies du nouveau mot de passe sont différentes.' } };
	const passwordHash = await hashPassword(input.next!);
	await database.privileged.db.transaction(async (tx) => {
		await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, u.id));
		// other sessions end: whoever knew the old password is out
		await deleteUserSessions(tx, u.id, session.tokenHash);
		await journal(tx, { actor: { kind: 'user', id: u.id }, action: 'user.password_changed', targetType: 'user', targetId: u.id, ip });
	});
	return { ok: true };
}

// ---------------------------------------------------------------------------
// Organisations, users, memberships

export type Organisation = typeof organisations.$inferSelect;

export async function createOrganisation(database: Database, actor: Actor | null, input: unknown, ip?: string | null): Promise<Organisation> {
	const parsed = organisationSchema.safeParse(input);
	if (!parsed.success) throw new AccountError('invalid', 'Vérifiez les champs signalés.', fieldErrors(parsed.error.issues));
	const o = parsed.data;
	if (actor && !can(actor, 'organisation.manage', { departmentCode: o.departmentCode }))
		throw new AccountError('forbidden', 'Vous ne pouvez créer une structure que dans votre département.');
	return database.db.transaction(async (tx) => {
		if (o.siret) {
			const [dup] = await tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.siret, o.siret));
			if (dup) throw new AccountError('conflict', 'Une structure avec ce SIRET existe déjà.', { siret: 'Une structure avec ce SIRET existe déjà.' });
		}
		const [row] = await tx.insert(organisations).values(o).returning();
		await journal(tx, {
			actor: actorOf(actor),
			action: 'organisation.created',
			targetType: 'organisation',
			targetId: row.id,
			departmentCode: row.departmentCode,
			after: row,
			ip
		});
		return row;
	});
}

export async function listOrganisations(database: Database, actor: Actor): Promise<Organisation[]> {
	const deps = actor.isAdmin ? null : departmentsWith(actor, ['coordinator']);
	const own = actor.memberships.map((m) => m.organisationId);
	return asScoped(database, actor, async (db) => {
		const q = db.select().from(organisations);
		if (deps === null) return q.orderBy(asc(organisations.departmentCode), asc(organisations.name));
		const conds = [];
		if (deps.length) conds.push(inArray(organisations.departmentCode, deps));
		if (own.length) conds.push(inArray(organisations.id, own));
		if (!conds.length) return [];
		return q.where(sql.join(conds, sql` or `)).orderBy(asc(organisations.departmentCode), asc(organisations.name));
	});
}

/**
 * Creates (or finds) a user and gives them a role in an organisation. The password is
 * optional: invited users choose theirs from the invitation link. Done by a professional
 * (not the command line) on an existing account, the role is only offered: it waits for
 * the owner's acceptance (issue 11, finding 4).
 */
export async function addMember(
	database: Database,
	actor: Actor | null,
	input: { email: string; displayName: string; organisationId: string; role: Role; password?: string; isAdmin?: boolean },
	ip?: string | null
): Promise<{ userId: string; created: boolean; pending?: boolean }> {
	const email = emailSchema.safeParse(input.email);
	const name = displayNameSchema.safeParse(input.displayName);
	const fields: Record<string, string> = {};
	if (!email.success) fields.email = email.error.issues[0].message;
	if (!name.success) fields.displayName = name.error.issues[0].message;
	if (!ROLES.includes(input.role)) fields.role = 'Choisissez un rôle.';
	if (input.password !== undefined) {
		const p = passwordProblem(input.password, { email: input.email, name: input.displayName });
		if (p) fields.password = p;
	}
	if (Object.keys(fields).length) throw new AccountError('invalid', 'Vérifiez les champs signalés.', fields);
	const [org] = await database.db.select().from(organisations).where(eq(organisations.id, input.organisationId));
	if (!org) throw new AccountError('not_found', 'Structure introuvable.');
	if (actor && !can(actor, 'membership.manage', { departmentCode: org.departmentCode, organisationId: org.id, role: input.role }))
		throw new AccountError('forbidden', 'Vous ne pouvez pas donner ce rôle dans cette structure.');
	if (actor) {
		// a professional never adds a role to an existing account directly: it becomes a pending
		// role that the account's owner accepts after logging in (and nobody grants it to themselves)
		const [existing] = await database.db.select({ id: users.id }).from(users).where(eq(users.email, email.data!));
		if (existing) {
			await invite(database, actor, { email: email.data!, displayName: name.data!, organisationId: org.id, role: input.role }, { ip });
			return { userId: existing.id, created: false, pending: true };
		}
	}
	const passwordHash = input.password ? await hashPassword(input.password) : null;
	return database.db.transaction(async (tx) => {
		let [user] = await tx.select({ id: users.id, email: users.email, displayName: users.displayName }).from(users).where(eq(users.email, email.data!));
		let created = false;
		if (!user) {
			[user] = await tx
				.insert(users)
				.values({ email: email.data!, displayName: name.data!, passwordHash, isAdmin: !!input.isAdmin })
				.returning({ id: users.id, email: users.email, displayName: users.displayName });
			created = true;
			await journal(tx, {
				actor: actorOf(actor),
				action: 'user.created',
				targetType: 'user',
				targetId: user.id,
				departmentCode: org.departmentCode,
				after: { email: user.email, displayName: user.displayName },
				ip,
				details: { admin: !!input.isAdmin }
			});
		}
		const inserted = await tx.insert(memberships).values({ userId: user.id, organisationId: org.id, role: input.role }).onConflictDoNothing().returning();
		if (inserted.length)
			await journal(tx, {
				actor: actorOf(actor),
				action: 'membership.added',
				targetType: 'user',
				targetId: user.id,
				departmentCode: org.departmentCode,
				ip,
				details: { organisationId: org.id, role: input.role }
			});
		return { userId: user.id, created };
	});
}

export async function removeMember(
	database: Database,
	actor: Actor,
	input: { userId: string; organisationId: string; role: Role },
	ip?: string | null
): Promise<void> {
	const [org] = await database.db.select().from(organisations).where(eq(organisations.id, input.organisationId));
	if (!org) throw new AccountError('not_found', 'Structure introuvable.');
	if (!can(actor, 'membership.manage', { departmentCode: org.departmentCode, organisationId: org.id, role: input.role }))
		throw new AccountError('forbidden', 'Vous ne pouvez pas retirer ce rôle dans cette structure.');
	if (!actor.isAdmin) {
		// the instance administrator's roles are theirs to give up (or another administrator's to remove)
		const [t] = await database.privileged.db.select({ isAdmin: users.isAdmin }).from(users).where(eq(users.id, input.userId));
		if (t?.isAdmin) throw new AccountError('forbidden', 'Seul un administrateur peut retirer un rôle à un compte d’administration.');
	}
	await database.db.transaction(async (tx) => {
		const gone = await tx
			.delete(memberships)
			.where(and(eq(memberships.userId, input.userId), eq(memberships.organisationId, org.id), eq(memberships.role, input.role)))
			.returning();
		if (gone.length) {
			// a role that gave access to data: its sessions end now, not at their timeout
			await deleteUserSessions(tx, input.userId);
			await journal(tx, {
				actor: actorOf(actor),
				action: 'membership.removed',
				targetType: 'user',
				targetId: input.userId,
				departmentCode: org.departmentCode,
				ip,
				details: { organisationId: org.id, role: input.role }
			});
		}
	});
}

/** Deactivation: the account can no longer log in, its sessions end; its history stays. */
export async function setUserActive(database: Database, actor: Actor | null, userId: string, active: boolean, ip?: string | null): Promise<void> {
	// every role of the account, whatever its département: the check below needs them all
	const target = await actorFor(database.privileged.db, userId, false);
	const deps = [...new Set(target.memberships.map((m) => m.departmentCode))];
	if (actor && !(actor.isAdmin || (deps.length > 0 && deps.every((d) => can(actor, 'user.deactivate', { departmentCode: d })))))
		throw new AccountError('forbidden', 'Ce compte a des rôles hors de votre département\u00a0: seul un administrateur peut le désactiver.');
	if (actor && actor.userId === userId && !active) throw new AccountError('invalid', 'Vous ne pouvez pas désactiver votre propre compte.');
	if (actor && !actor.isAdmin) {
		const [t] = await database.db.select({ isAdmin: users.isAdmin }).from(users).where(eq(users.id, userId));
		if (t?.isAdmin) throw new AccountError('forbidden', 'Seul un administrateur peut désactiver ou réactiver un compte d’administration.');
	}
	await database.db.transaction(async (tx) => {
		const now = new Date();
		await tx
			.update(users)
			.set({ active, deactivatedAt: active ? null : now, updatedAt: now })
			.where(eq(users.id, userId));
		if (!active) await deleteUserSessions(tx, userId);
		await journal(tx, {
			actor: actorOf(actor),
			action: active ? 'user.reactivated' : 'user.deactivated',
			targetType: 'user',
			targetId: userId,
			departmentCode: deps[0] ?? null,
			ip
		});
	});
}

export { hashToken };

/** What "Mon compte" shows: roles with their organisations, sessions, second factor. */
export async function accountOverview(database: Database, session: LoadedSession) {
	const db = database.privileged.db;
	const [roles, list, recoveryCodesLeft] = await Promise.all([
		db
			.select({ organisationId: organisations.id, organisationName: organisations.name, departmentCode: organisations.departmentCode, role: memberships.role })
			.from(memberships)
			.innerJoin(organisations, eq(organisations.id, memberships.organisationId))
			.where(eq(memberships.userId, session.userId))
			.orderBy(asc(organisations.name)),
		listUserSessions(db, session.userId),
		session.user.totpEnrolled ? remainingRecoveryCodes(database, session.userId) : null
	]);
	return {
		roles: roles.map((r) => ({ ...r, role: r.role as Role })),
		sessions: list.map((s) => ({
			ref: sessionRef(s.tokenHash),
			current: s.tokenHash === session.tokenHash,
			createdAt: s.createdAt,
			lastSeenAt: s.lastSeenAt,
			device: s.device,
			method: s.method
		})),
		recoveryCodesLeft,
		mfaRequired: requiresMfa(session.actor)
	};
}

/** An organisation with its members and pending invitations, for those who may see it. */
export async function organisationDetail(database: Database, actor: Actor, organisationId: string) {
	if (!/^[0-9a-f-]{36}$/.test(organisationId)) return null;
	return asScoped(database, actor, (db) => organisationDetailIn(db, actor, organisationId));
}

async function organisationDetailIn(db: DbOrTx, actor: Actor, organisationId: string) {
	const [org] = await db.select().from(organisations).where(eq(organisations.id, organisationId));
	if (!org || !can(actor, 'organisation.read', { departmentCode: org.departmentCode, organisationId: org.id })) return null;
	const members = await db
		.select({ userId: users.id, email: users.email, displayName: users.displayName, active: users.active, role: memberships.role, totp: users.totpConfirmedAt })
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.where(eq(memberships.organisationId, org.id))
		.orderBy(asc(users.displayName));
	const pending = await listPendingInvitations(db, org.id);
	// the places it runs (issue: the structure's page did not say which)
	const run = await db
		.select({ id: places.id, nom: places.nom, commune: places.commune })
		.from(organisationPlaces)
		.innerJoin(places, eq(places.id, organisationPlaces.placeId))
		.where(eq(organisationPlaces.organisationId, org.id));
	const fr = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });
	return {
		organisation: org,
		places: run.sort((a, b) => fr.compare(a.nom, b.nom) || fr.compare(a.commune ?? '', b.commune ?? '')),
		members: members.map((m) => ({ ...m, role: m.role as Role, totpEnrolled: !!m.totp })),
		invitations: pending,
		canInvite: ROLES.filter((role) => can(actor, 'user.invite', { departmentCode: org.departmentCode, organisationId: org.id, role })),
		canDeactivate: can(actor, 'user.deactivate', { departmentCode: org.departmentCode })
	};
}

/** A coordinator renames, corrects or deactivates a structure of their département (its members then lose its roles' access). */
export async function updateOrganisation(database: Database, actor: Actor, organisationId: string, input: unknown, ip?: string | null): Promise<Organisation> {
	const parsed = organisationSchema.extend({ active: z.boolean() }).safeParse(input);
	if (!parsed.success) throw new AccountError('invalid', 'Vérifiez les champs signalés.', fieldErrors(parsed.error.issues));
	const [org] = await database.db.select().from(organisations).where(eq(organisations.id, organisationId));
	if (!org) throw new AccountError('not_found', 'Structure introuvable.');
	if (
		!can(actor, 'organisation.manage', { departmentCode: org.departmentCode }) ||
		!can(actor, 'organisation.manage', { departmentCode: parsed.data.departmentCode })
	)
		throw new AccountError('forbidden', 'Vous ne pouvez modifier que les structures de votre département.');
	return database.db.transaction(async (tx) => {
		if (parsed.data.siret && parsed.data.siret !== org.siret) {
			const [dup] = await tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.siret, parsed.data.siret));
			if (dup) throw new AccountError('conflict', 'Une structure avec ce SIRET existe déjà.', { siret: 'Une structure avec ce SIRET existe déjà.' });
		}
		const [row] = await tx
			.update(organisations)
			.set({ ...parsed.data, updatedAt: new Date() })
			.where(eq(organisations.id, organisationId))
			.returning();
		if (org.active && !row.active) {
			// its members' sessions end: their roles there no longer count
			const members = await tx.select({ userId: memberships.userId }).from(memberships).where(eq(memberships.organisationId, organisationId));
			for (const m of members) await deleteUserSessions(tx, m.userId);
		}
		await journal(tx, {
			actor: actorOf(actor),
			action: row.active === org.active ? 'organisation.updated' : row.active ? 'organisation.reactivated' : 'organisation.deactivated',
			targetType: 'organisation',
			targetId: row.id,
			departmentCode: row.departmentCode,
			before: org,
			after: row,
			ip,
			details: { fields: changedFields({ ...org, updatedAt: null }, { ...row, updatedAt: null }) }
		});
		return row;
	});
}
