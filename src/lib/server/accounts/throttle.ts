/**
 * Throttling of failed attempts per key (an account, an IP address, a form), kept in the
 * database so that it holds across restarts and processes. A key that fails `limit` times
 * within `windowMinutes` is locked for `lockMinutes`.
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
	/** wrong passwords or codes for one account */
	account: { limit: 5, windowMinutes: 15, lockMinutes: 15 },
	/** failures from one address, whatever the account */
	ip: { limit: 30, windowMinutes: 15, lockMinutes: 15 },
	/** password reset and public forms: requests, not failures */
	form: { limit: 10, windowMinutes: 60, lockMinutes: 60 },
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

/** Counts one failure (or one request); returns the lock's end when this one crosses the limit. */
export async function hit(db: DbOrTx, key: string, rule: ThrottleRule, now = new Date()): Promise<Date | null> {
	const windowStart = new Date(now.getTime() - rule.windowMinutes * 60_000);
	const lock = new Date(now.getTime() + rule.lockMinutes * 60_000);
	const [row] = await db
		.insert(throttles)
		.values({ key, failures: 1, windowStart: now })
		.onConflictDoUpdate({
			target: throttles.key,
			set: {
				failures: sql`case when ${throttles.windowStart} < ${windowStart.toISOString()}::timestamptz then 1 else ${throttles.failures} + 1 end`,
				windowStart: sql`case when ${throttles.windowStart} < ${windowStart.toISOString()}::timestamptz then ${now.toISOString()}::timestamptz else ${throttles.windowStart} end`
			}
		})
		.returning({ failures: throttles.failures });
	if (row.failures >= rule.limit) {
		await db.update(throttles).set({ lockedUntil: lock, failures: 0, windowStart: now }).where(eq(throttles.key, key));
		return lock;
	}
	return null;
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
		.where(sql`${sql.join(vs.map((v) => sql`${throttles.key} like ${like(v)}`), sql` or `)}`)
		.returning({ key: throttles.key });
	return rows.length;
}
