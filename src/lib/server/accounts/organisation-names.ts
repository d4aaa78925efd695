import { eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { memberships, organisations, users } from './db.ts';

/** The names of structures by id, in one query (for lists that show a structure beside their own rows). */
export async function organisationNames(db: DbOrTx, ids: readonly (string | null | undefined)[]): Promise<Map<string, string>> {
	const wanted = [...new Set(ids.filter((i): i is string => !!i))];
	if (!wanted.length) return new Map();
	const rows = await db.select({ id: organisations.id, name: organisations.name }).from(organisations).where(inArray(organisations.id, wanted));
	return new Map(rows.map((r) => [r.id, r.name]));
}

/** For each professional, the names of their structures joined by ", " (who acted, by structure, never by name: a person's export). */
export async function memberOrganisationNames(db: DbOrTx, userIds: readonly (string | null | undefined)[]): Promise<Map<string, string>> {
	const wanted = [...new Set(userIds.filter((i): i is string => !!i))];
	if (!wanted.length) return new Map();
	const rows = await db
		.select({ userId: memberships.userId, names: sql<string>`string_agg(distinct ${organisations.name}, ', ')` })
		.from(memberships)
		.innerJoin(organisations, eq(organisations.id, memberships.organisationId))
		.where(inArray(memberships.userId, wanted))
		.groupBy(memberships.userId);
	return new Map(rows.map((r) => [r.userId, r.names]));
}

/** The names of professionals by id (pages that show who did what). */
export async function userNames(db: DbOrTx, ids: readonly (string | null | undefined)[]): Promise<Map<string, string>> {
	const wanted = [...new Set(ids.filter((i): i is string => !!i))];
	if (!wanted.length) return new Map();
	const rows = await db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, wanted));
	return new Map(rows.map((r) => [r.id, r.name]));
}

/** Professionals' names and e-mails by id, and whether their account is active (who sent a referral; whom to warn about their vouchers). */
export async function userContacts(
	db: DbOrTx,
	ids: readonly (string | null | undefined)[]
): Promise<Map<string, { name: string; email: string; active: boolean }>> {
	const wanted = [...new Set(ids.filter((i): i is string => !!i))];
	if (!wanted.length) return new Map();
	const rows = await db
		.select({ id: users.id, name: users.displayName, email: users.email, active: users.active })
		.from(users)
		.where(inArray(users.id, wanted));
	return new Map(rows.map(({ id, ...u }) => [id, u]));
}

/** Where to write to a professional, if their account is still active (a message about their own request). */
export async function activeUserEmail(db: DbOrTx, id: string): Promise<string | null> {
	const u = (await userContacts(db, [id])).get(id);
	return u?.active ? u.email : null;
}
