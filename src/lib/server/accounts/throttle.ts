/**
 * Throttling of failed attempts per key (an account, an IP address, a form), kept in the
 * database so that it holds across restarts and processes. A key that fails `limit` times
 * within `windowMinutes` is locked for `lockMinutes`. Attempts are reserved (counted) before
 * they are checked, atomically (see `reserve`), so concurrent requests cannot exceed the limit.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { throttles } from './db.ts';

export interface ThrottleRule {
	limit: number;
	windowMinutes: number;
	lockMinutes: number;
}

export const RULES = {
	/** wrong passwords for one account */
	account: { limit: 5, windowMinutes: 15, lockMinutes: 15 },
	/** wrong second-factor codes (TOTP, recovery or enrolment codes) for one account: a counter of its own, never cleared by a right password */
	mfa: { limit: 5, windowMinutes: 15, lockMinutes: 15 },
	/** failures from one address, whatever the account */
	ip: { limit: 30, windowMinutes: 15, lockMinutes: 15 },
	/** password reset and public forms: requests, not failures */
	form: { limit: 10, windowMinutes: 60, lockMinutes: 60 },
	/** claims of a place by one account (a coordinator reads each one): 10 a day */
	claim: { limit: 10, windowMinutes: 24 * 60, lockMinutes: 24 * 60 },
	/** a provider's webhook calls from one address (the person's replies): requests, generous */
	webhook: { limit: 300, windowMinutes: 5, lockMinutes: 5 }
} satisfies Record<string, ThrottleRule>;

/** The latest lock among the keys, or null when none is locked. */
export async function lockedUntil(db: DbOrTx, keys: string[], now = new Date()): Promise<Date | null> {
	if (!keys.length) return null;
	// one query for all the keys (a login checks the account's and the address's)
	const rows = await db.select({ lockedUntil: throttles.lockedUntil }).from(throttles).where(inArray(throttles.key, keys));
	let latest: Date | null = null;
	for (const { lockedUntil: l } of rows) if (l && l > now && (!latest || l > latest)) latest = l;
	return latest;
}

export interface Reservation {
	key: string;
	/** whether this attempt may be checked (it is within the limit) */
	allowed: boolean;
	/** attempts counted in the current run, this one included (capped at limit + 1) */
	count: number;
	/** when the key unlocks, once the limit is reached */
	lockedUntil: Date | null;
}

/**
 * Reserves one attempt BEFORE it is checked, in one conditional upsert: the row is locked by
 * the upsert, so concurrent attempts are counted one after the other and at most `limit` of
 * them are ever allowed, whatever the concurrency. `window_start` holds the time of the last
 * allowed attempt: the count starts again only after `windowMinutes` without an allowed
 * attempt, so no span of `windowMinutes` ever holds more than `limit` allowed attempts
 * (no burst across a window's boundary). Refused attempts do not extend the lock.
 * A success may then `release` (one attempt given back) or `clear` the key.
 */
export async function reserve(db: DbOrTx, key: string, rule: ThrottleRule, now = new Date()): Promise<Reservation> {
	const stale = new Date(now.getTime() - Math.max(rule.windowMinutes, rule.lockMinutes) * 60_000).toISOString();
	const at = now.toISOString();
	const lock = new Date(now.getTime() + rule.lockMinutes * 60_000).toISOString();
	const isStale = sql`${throttles.windowStart} <= ${stale}::timestamptz`;
	const [row] = await db
		.insert(throttles)
		.values({ key, failures: 1, windowStart: now, lockedUntil: rule.limit <= 1 ? new Date(lock) : null })
		.onConflictDoUpdate({
			target: throttles.key,
			set: {
				failures: sql`case when ${isStale} then 1 else least(${throttles.failures} + 1, ${rule.limit + 1}::int) end`,
				windowStart: sql`case when ${isStale} or ${throttles.failures} + 1 <= ${rule.limit}::int then ${at}::timestamptz else ${throttles.windowStart} end`,
				lockedUntil: sql`case when ${isStale} then ${rule.limit <= 1 ? lock : null}::timestamptz when ${throttles.failures} + 1 = ${rule.limit}::int then ${lock}::timestamptz else ${throttles.lockedUntil} end`
			}
		})
		.returning({ failures: throttles.failures, lockedUntil: throttles.lockedUntil });
	return { key, allowed: row.failures <= rule.limit, count: row.failures, lockedUntil: row.lockedUntil };
}

/** Reserves one attempt on each key (in a fixed order); allowed only when every key allows it. */
export async function reserveAll(
	db: DbOrTx,
	entries: [key: string, rule: ThrottleRule][],
	now = new Date()
): Promise<{ allowed: boolean; reservations: Reservation[] }> {
	const reservations: Reservation[] = [];
	for (const [key, rule] of entries) reservations.push(await reserve(db, key, rule, now));
	return { allowed: reservations.every((r) => r.allowed), reservations };
}

/** The lock to announce after a failed check: set when one of the keys has reached its limit. */
export function lockAfterFailure(reservations: Reservation[], rules: ThrottleRule[], now = new Date()): Date | null {
	let latest: Date | null = null;
	reservations.forEach((r, i) => {
		if (r.count >= rules[i].limit && r.lockedUntil && r.lockedUntil > now && (!latest || r.lockedUntil > latest)) latest = r.lockedUntil;
	});
	return latest;
}

/** Gives back one reserved attempt (a success that should not count as a failure). */
export async function release(db: DbOrTx, key: string, rule: ThrottleRule): Promise<void> {
	await db
		.update(throttles)
		.set({
			failures: sql`greatest(${throttles.failures} - 1, 0)`,
			lockedUntil: sql`case when ${throttles.failures} - 1 < ${rule.limit}::int then null else ${throttles.lockedUntil} end`
		})
		.where(eq(throttles.key, key));
}

/**
 * Counts one failure (or one request) atomically; returns the lock's end when this one
 * reaches the limit, or when the limit was already reached.
 */
export async function hit(db: DbOrTx, key: string, rule: ThrottleRule, now = new Date()): Promise<Date | null> {
	const r = await reserve(db, key, rule, now);
	return r.count >= rule.limit ? (r.lockedUntil && r.lockedUntil > now ? r.lockedUntil : new Date(now.getTime() + rule.lockMinutes * 60_000)) : null;
}

export async function clear(db: DbOrTx, key: string): Promise<void> {
	await db.delete(throttles).where(eq(throttles.key, key));
}

/** "Réessayez dans 12 minutes." */
export function retryMessage(until: Date, now = new Date()): string {
	const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
	return `Trop de tentatives. Par sécurité, réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}.`;
}

/**
 * Forgets the counters whose key names one of these values after its prefix
 * (`person-code:<e-mail>`, `person-verify:<phone>`…): a person's erasure takes their
 * e-mail and phone out of the throttle table too. Returns how many keys went.
 */
export async function clearKeysNaming(db: DbOrTx, values: (string | null | undefined)[]): Promise<number> {
	const vs = values.filter((v): v is string => !!v);
	if (!vs.length) return 0;
	const like = (v: string) => `%:${v.replace(/[\\%_]/g, (c) => `\\${c}`)}`;
	const rows = await db
		.delete(throttles)
		.where(
			sql`${sql.join(
				vs.map((v) => sql`${throttles.key} like ${like(v)}`),
				sql` or `
			)}`
		)
		.returning({ key: throttles.key });
	return rows.length;
}
