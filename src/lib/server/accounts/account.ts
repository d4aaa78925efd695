/**
 * « Mon compte »: what the account's owner sees and does there (sessions, password).
 */
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { memberships, organisations, users } from './db.ts';
import { passwordProblem, type Role } from './model.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { deleteSession, deleteSessionByRef, deleteUserSessions, listUserSessions, sessionRef, type LoadedSession } from './sessions.ts';
import { requiresMfa } from './actors.ts';
import { remainingRecoveryCodes } from './enrolment.ts';

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
