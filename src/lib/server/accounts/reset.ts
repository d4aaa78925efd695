/**
 * "Mot de passe oublié": the same answer whether the address has an account or not; the
 * e-mailed link is signed, lasts 30 minutes, and is bound to the current password (its
 * hash's digest), so it stops working once used. A reset ends every session; the second
 * factor is still asked at the next login. The request answers before the address is even
 * looked up (the e-mail goes out after the answer), so its duration tells nothing.
 */
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { signToken, verifyToken } from '../security/secret.ts';
import { passwordResetMail, queueMail } from '../mail/index.ts';
import { users } from './db.ts';
import { emailSchema, passwordProblem } from './model.ts';
import { hashPassword } from './password.ts';
import { deleteUserSessions, type SessionMeta } from './sessions.ts';
import { lockedUntil, reserve, retryMessage, RULES } from './throttle.ts';
import { afterResponse } from './background.ts';

export const RESET_MINUTES = 30;
const PURPOSE = 'password-reset';
const bind = (passwordHash: string | null) =>
	createHash('sha256')
		.update(passwordHash ?? 'none')
		.digest('base64url')
		.slice(0, 16);

export type ResetRequestResult = { ok: true } | { ok: false; message: string; field?: string };

export async function requestPasswordReset(
	database: Database,
	email: string,
	opts: { origin: string; instanceName: string } & SessionMeta,
	now = new Date()
): Promise<ResetRequestResult> {
	const parsed = emailSchema.safeParse(email);
	if (!parsed.success) return { ok: false, message: parsed.error.issues[0].message, field: 'email' };
	const db = database.privileged.db;
	const keys = [`reset-ip:${opts.ip ?? 'unknown'}`, `reset-account:${parsed.data}`];
	const locked = await lockedUntil(db, keys, now);
	if (locked) return { ok: false, message: retryMessage(locked, now) };
	// counted before anything else, atomically (concurrent requests cannot pass the limit)
	for (const k of keys) {
		const r = await reserve(db, k, RULES.form, now);
		if (!r.allowed) return { ok: false, message: retryMessage(r.lockedUntil ?? new Date(now.getTime() + RULES.form.lockMinutes * 60_000), now) };
	}
	// the same work and the same time whether the address has an account or not: the lookup
	// and the e-mail happen after the answer
	const address = parsed.data;
	afterResponse('password-reset', () => sendResetLink(database, address, opts, now));
	return { ok: true };
}

async function sendResetLink(database: Database, email: string, opts: { origin: string; instanceName: string } & SessionMeta, now: Date): Promise<void> {
	// the password hash binds the link to the current password: read as the owner (decision 0006)
	const [u] = await database.privileged.db.select().from(users).where(eq(users.email, email));
	if (!u || !u.active) return;
	const token = signToken(PURPOSE, { u: u.id, p: bind(u.passwordHash) }, RESET_MINUTES * 60, now.getTime());
	await database.privileged.db.transaction(async (tx) => {
		await queueMail(
			database,
			tx,
			passwordResetMail({
				to: u.email,
				displayName: u.displayName,
				link: `${opts.origin.replace(/\/$/, '')}/mot-de-passe/${token}`,
				minutes: RESET_MINUTES,
				instanceName: opts.instanceName
			})
		);
		await journal(tx, { actor: { kind: 'public' }, action: 'user.password_reset_requested', targetType: 'user', targetId: u.id, ip: opts.ip });
	});
}

const INVALID = 'Ce lien n’est pas valide ou a déjà servi. Demandez un nouveau lien depuis la page « Mot de passe oublié ».';
const EXPIRED = `Ce lien a expiré (il est valable ${RESET_MINUTES} minutes). Demandez un nouveau lien depuis la page « Mot de passe oublié ».`;

export async function checkResetToken(
	database: Database,
	token: string,
	now = new Date()
): Promise<{ ok: true; userId: string; email: string } | { ok: false; message: string }> {
	const v = verifyToken<{ u: string; p: string }>(PURPOSE, token, now.getTime());
	if (!v.ok) return { ok: false, message: v.reason === 'expired' ? EXPIRED : INVALID };
	if (typeof v.payload.u !== 'string' || !/^[0-9a-f-]{36}$/.test(v.payload.u)) return { ok: false, message: INVALID };
	const [u] = await database.privileged.db.select().from(users).where(eq(users.id, v.payload.u));
	if (!u || !u.active || bind(u.passwordHash) !== v.payload.p) return { ok: false, message: INVALID };
	return { ok: true, userId: u.id, email: u.email };
}

export async function resetPassword(
	database: Database,
	token: string,
	input: { next?: string; confirm?: string },
	meta: SessionMeta,
	now = new Date()
): Promise<{ ok: true } | { ok: false; message: string; fields?: Record<string, string> }> {
	const check = await checkResetToken(database, token, now);
	if (!check.ok) return check;
	const problem = passwordProblem(input.next ?? '', { email: check.email });
	if (problem) return { ok: false, message: 'Vérifiez les champs signalés.', fields: { next: problem } };
	if (input.next !== input.confirm)
		return { ok: false, message: 'Vérifiez les champs signalés.', fields: { confirm: 'Les deux saisies du mot de passe sont différentes.' } };
	const passwordHash = await hashPassword(input.next!);
	await database.privileged.db.transaction(async (tx) => {
		await tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, check.userId));
		await deleteUserSessions(tx, check.userId);
		await journal(tx, { actor: { kind: 'public' }, action: 'user.password_reset', targetType: 'user', targetId: check.userId, ip: meta.ip });
	});
	return { ok: true };
}
