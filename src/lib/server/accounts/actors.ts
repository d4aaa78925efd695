/**
 * Who acts: the memberships of an account as an Actor, whether it needs a second factor, and
 * how it is written in the journal. Shared by the logins (password, ProConnect) and the
 * account management.
 */
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import type { AuditActor } from '../audit/index.ts';
import { memberships, organisations, users } from './db.ts';
import { ROLES_WITH_PERSONAL_DATA, type Role } from './model.ts';
import type { Actor } from '../permissions/index.ts';

/** The journal's actor: the professional, or the command line when there is none. */
export const actorOf = (actor: Actor | null): AuditActor => (actor ? { kind: 'user', id: actor.userId } : { kind: 'cli' });

/** An account needs a second factor when one of its roles gives access to personal data. */
export function requiresMfa(actor: Pick<Actor, 'isAdmin' | 'memberships'>): boolean {
	return actor.isAdmin || actor.memberships.some((m) => ROLES_WITH_PERSONAL_DATA.includes(m.role));
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
