/**
 * Sessions in the database. The cookie carries a random 256-bit token; the table keeps
 * its SHA-256, so a leaked table opens no session. Idle timeout 30 minutes, absolute
 * 12 hours; a new token at login and when the second factor is passed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { memberships, organisations, sessions, users } from './db.ts';
import type { Actor, Membership } from '../permissions/index.ts';
import type { Role } from './model.ts';

export const IDLE_MINUTES = 30;
export const ABSOLUTE_HOURS = 12;
/** lastSeenAt is written at most this often (not at every request) */
const TOUCH_EVERY_MS = 60_000;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface SessionMeta {
	ip?: string | null;
	userAgent?: string | null;
}

/** "Firefox sur Android": enough to recognise one's sessions, not a fingerprint. */
export function describeDevice(ua: string | null | undefined): string | null {
	if (!ua) return null;
	const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'Navigateur';
	const os = /Android/.test(ua)
		? 'Android'
		: /iPhone|iPad/.test(ua)
			? 'iOS'
			: /Windows/.test(ua)
				? 'Windows'
				: /Mac OS X/.test(ua)
					? 'macOS'
					: /Linux/.test(ua)
						? 'Linux'
						: 'autre système';
	return `${browser} sur ${os}`;
}

export async function createSession(
	db: DbOrTx,
	userId: string,
	opts: { method: 'password' | 'oidc'; mfa: boolean } & SessionMeta,
	now = new Date()
): Promise<string> {
	const token = randomBytes(32).toString('base64url');
	await db.insert(sessions).values({
		tokenHash: hashToken(token),
		userId,
		method: opts.method,
		mfa: opts.mfa,
		createdAt: now,
		lastSeenAt: now,
		expiresAt: new Date(now.getTime() + ABSOLUTE_HOURS * 3600_000),
		device: describeDevice(opts.userAgent),
		ip: opts.ip ?? null
	});
	return token;
}

export interface LoadedSession {
	tokenHash: string;
	userId: string;
	mfa: boolean;
	method: string;
	createdAt: Date;
	expiresAt: Date;
	user: { id: string; email: string; displayName: string; isAdmin: boolean; totpEnrolled: boolean };
	actor: Actor;
}

/** The session of a cookie token, or null when unknown, expired, idle too long, or its user deactivated. */
export async function loadSession(db: DbOrTx, token: string | undefined, now = new Date()): Promise<LoadedSession | null> {
	if (!token || token.length > 100) return null;
	const tokenHash = hashToken(token);
	const [row] = await db
		.select({
			tokenHash: sessions.tokenHash,
			userId: sessions.userId,
			mfa: sessions.mfa,
			method: sessions.method,
			createdAt: sessions.createdAt,
			lastSeenAt: sessions.lastSeenAt,
			expiresAt: sessions.expiresAt,
			email: users.email,
			displayName: users.displayName,
			isAdmin: users.isAdmin,
			active: users.active,
			totpConfirmedAt: users.totpConfirmedAt,
			memberships: sql<
				Membership[]
			>`coalesce((select json_agg(json_build_object('organisationId', m.organisation_id, 'role', m.role, 'departmentCode', o.department_code))
				from ${memberships} m join ${organisations} o on o.id = m.organisation_id where m.user_id = ${users.id} and o.active), '[]'::json)`
		})
		.from(sessions)
		.innerJoin(users, eq(users.id, sessions.userId))
		.where(eq(sessions.tokenHash, tokenHash));
	if (!row) return null;
	const idleLimit = now.getTime() - IDLE_MINUTES * 60_000;
	if (!row.active || row.expiresAt <= now || row.lastSeenAt.getTime() < idleLimit) {
		await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
		return null;
	}
	if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
		await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.tokenHash, tokenHash));
	}
	const list = (typeof row.memberships === 'string' ? JSON.parse(row.memberships) : row.memberships) as Membership[];
	return {
		tokenHash,
		userId: row.userId,
		mfa: row.mfa,
		method: row.method,
		createdAt: row.createdAt,
		expiresAt: row.expiresAt,
		user: { id: row.userId, email: row.email, displayName: row.displayName, isAdmin: row.isAdmin, totpEnrolled: !!row.totpConfirmedAt },
		actor: { userId: row.userId, isAdmin: row.isAdmin, mfa: row.mfa, memberships: list.map((m) => ({ ...m, role: m.role as Role })) }
	};
}

export async function deleteSession(db: DbOrTx, token: string): Promise<void> {
	await db.delete(sessions).where(eq(sessions.tokenHash, hashToken(token)));
}

/** Every session of a user ("se déconnecter partout"), or all but one. */
export async function deleteUserSessions(db: DbOrTx, userId: string, exceptTokenHash?: string): Promise<number> {
	if (!exceptTokenHash) {
		// the request path cannot read sessions (migration 0015): a function of the owner ends them
		const res = await db.execute(sql`select maillage_end_sessions(${userId}::uuid) as n`);
		return Number((res as unknown as { rows: { n: number }[] }).rows[0]?.n ?? 0);
	}
	const rows = await db
		.delete(sessions)
		.where(and(eq(sessions.userId, userId), exceptTokenHash ? sql`${sessions.tokenHash} <> ${exceptTokenHash}` : undefined))
		.returning({ t: sessions.tokenHash });
	return rows.length;
}

export async function listUserSessions(db: DbOrTx, userId: string) {
	return db
		.select({ tokenHash: sessions.tokenHash, createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt, device: sessions.device, method: sessions.method })
		.from(sessions)
		.where(eq(sessions.userId, userId))
		.orderBy(sql`${sessions.lastSeenAt} desc`);
}

/** Removes expired and idle sessions (a scheduled purge). */
export async function purgeSessions(db: DbOrTx, now = new Date()): Promise<number> {
	const idle = new Date(now.getTime() - IDLE_MINUTES * 60_000);
	const rows = await db
		.delete(sessions)
		.where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, idle)))
		.returning({ t: sessions.tokenHash });
	return rows.length;
}

/** A session's public reference, for « Mon compte » (neither its token nor the hash that finds it). */
export const sessionRef = (tokenHash: string) => createHash('sha256').update(`session-ref:${tokenHash}`).digest('hex').slice(0, 32);

/** Ends one session of the account, named by its reference; false when there is none (already ended). */
export async function deleteSessionByRef(db: DbOrTx, userId: string, ref: string): Promise<boolean> {
	if (!/^[0-9a-f]{32}$/.test(ref)) return false;
	const mine = await db.select({ t: sessions.tokenHash }).from(sessions).where(eq(sessions.userId, userId));
	const hit = mine.find((m) => sessionRef(m.t) === ref);
	if (!hit) return false;
	const gone = await db
		.delete(sessions)
		.where(and(eq(sessions.userId, userId), eq(sessions.tokenHash, hit.t)))
		.returning({ t: sessions.tokenHash });
	return gone.length > 0;
}
