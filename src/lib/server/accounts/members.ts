/**
 * Members: a role given in an organisation (or offered, to an existing account), a role
 * removed, an account deactivated or reactivated. Journaled.
 */
import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { memberships, organisations, users } from './db.ts';
import { AccountError, displayNameSchema, emailSchema, passwordProblem, ROLES, type Role } from './model.ts';
import { hashPassword } from './password.ts';
import { deleteUserSessions } from './sessions.ts';
import { can, type Actor } from '../permissions/index.ts';
import { invite } from './invitations.ts';
import { actorFor, actorOf } from './actors.ts';

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
	if (actor && !actor.isAdmin) {
		const allowed = deps.filter((d) => can(actor, 'user.deactivate', { departmentCode: d }));
		// a place manager, or a coordinator of another département: no right on this account at all
		if (deps.length > 0 && !allowed.length) throw new AccountError('forbidden', 'Seule la coordination du département peut désactiver ou réactiver un compte.');
		if (!deps.length || allowed.length < deps.length)
			throw new AccountError('forbidden', 'Ce compte a des rôles hors de votre département\u00a0: seul un administrateur peut le désactiver.');
	}
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
