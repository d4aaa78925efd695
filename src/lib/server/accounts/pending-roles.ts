/**
 * Pending roles: a role offered to an existing account waits in « Mon compte » for its
 * owner to accept or refuse it (issue 11, finding 4); a role that opens personal data is
 * refused when the account invited itself. Read and answered as the owner (decision 0006).
 */
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { invitations, memberships, organisations, users } from './db.ts';
import { ROLES_WITH_PERSONAL_DATA, type Role } from './model.ts';
import type { LoadedSession, SessionMeta } from './sessions.ts';
import { queueMail } from '../mail/index.ts';
import { roleAddedMail } from '../mail/index.ts';
import { journalRefusedSelfGrant, labels, rolesLabel, SELF_GRANT } from './invitations.ts';

/**
 * The roles offered to the logged-in account and waiting for its answer (« Mon compte »).
 * The account's own invitations, whatever their département (its scope does not cover a
 * structure it is not in yet): read and answered as the owner (decision 0006).
 */
export async function pendingRoles(database: Database, session: Pick<LoadedSession, 'userId' | 'user'>, now = new Date()) {
	const rows = await database.privileged.db
		.select({ invitation: invitations, organisationName: organisations.name, departmentCode: organisations.departmentCode, inviter: users.displayName })
		.from(invitations)
		.innerJoin(organisations, eq(organisations.id, invitations.organisationId))
		.leftJoin(users, eq(users.id, invitations.invitedBy))
		.where(
			and(
				eq(invitations.email, session.user.email),
				isNull(invitations.usedAt),
				isNull(invitations.revokedAt),
				gt(invitations.expiresAt, now),
				eq(organisations.active, true)
			)
		)
		.orderBy(desc(invitations.createdAt));
	return rows.map((r) => ({
		id: r.invitation.id,
		organisationName: r.organisationName,
		departmentCode: r.departmentCode,
		role: r.invitation.role as Role,
		roleLabel: labels(r.invitation.role, r.invitation.extraRoles),
		invitedBy: r.invitation.invitedBy === session.userId ? 'vous-même' : (r.inviter ?? 'l’administration (ligne de commande)'),
		personalData: [r.invitation.role, ...r.invitation.extraRoles].some((x) => ROLES_WITH_PERSONAL_DATA.includes(x as Role)),
		selfGranted: r.invitation.invitedBy === session.userId,
		expiresAt: r.invitation.expiresAt
	}));
}

/**
 * The account's owner, logged in, accepts or refuses a pending role. A role that opens
 * personal data is refused when the invitation was created by this same account.
 */
export async function answerPendingRole(
	database: Database,
	session: Pick<LoadedSession, 'userId' | 'user'>,
	invitationId: string,
	accept: boolean,
	meta: SessionMeta & { origin?: string; instanceName?: string } = {},
	now = new Date()
): Promise<{ ok: true; accepted: boolean } | { ok: false; message: string }> {
	const gone = 'Ce rôle n’est plus proposé\u00a0: l’invitation a expiré, a été annulée ou a déjà reçu une réponse.';
	if (!/^[0-9a-f-]{36}$/.test(invitationId)) return { ok: false, message: gone };
	const [row] = await database.privileged.db
		.select({ inv: invitations, departmentCode: organisations.departmentCode, organisationName: organisations.name, active: organisations.active })
		.from(invitations)
		.innerJoin(organisations, eq(organisations.id, invitations.organisationId))
		.where(and(eq(invitations.id, invitationId), eq(invitations.email, session.user.email)));
	if (!row || !row.active || row.inv.usedAt || row.inv.revokedAt || row.inv.expiresAt <= now) return { ok: false, message: gone };
	const inv = row.inv;
	const role = inv.role as Role;
	const allRoles = [role, ...(inv.extraRoles as Role[])];
	if (accept && inv.invitedBy === session.userId && (allRoles.some((r) => ROLES_WITH_PERSONAL_DATA.includes(r)) || inv.isAdmin)) {
		await journalRefusedSelfGrant(database, session.userId, row.departmentCode, meta.ip, {
			organisationId: inv.organisationId,
			role,
			invitationId: inv.id,
			step: 'accept'
		});
		return { ok: false, message: SELF_GRANT };
	}
	return database.privileged.db.transaction(async (tx) => {
		const claimed = await tx
			.update(invitations)
			.set(accept ? { usedAt: now } : { revokedAt: now })
			.where(and(eq(invitations.id, inv.id), isNull(invitations.usedAt), isNull(invitations.revokedAt)))
			.returning({ id: invitations.id });
		if (!claimed.length) return { ok: false as const, message: gone };
		const actor = { kind: 'user' as const, id: session.userId };
		if (!accept) {
			await journal(tx, {
				actor,
				action: 'invitation.declined',
				targetType: 'invitation',
				targetId: inv.id,
				departmentCode: row.departmentCode,
				ip: meta.ip,
				details: { organisationId: inv.organisationId, role }
			});
			return { ok: true as const, accepted: false };
		}
		if (inv.isAdmin) await tx.update(users).set({ isAdmin: true, updatedAt: now }).where(eq(users.id, session.userId));
		await tx
			.insert(memberships)
			.values(allRoles.map((r) => ({ userId: session.userId, organisationId: inv.organisationId, role: r })))
			.onConflictDoNothing();
		await journal(
			tx,
			{
				actor,
				action: 'invitation.accepted',
				targetType: 'invitation',
				targetId: inv.id,
				departmentCode: row.departmentCode,
				ip: meta.ip,
				details: { organisationId: inv.organisationId, role, extraRoles: inv.extraRoles }
			},
			...allRoles.map((r) => ({
				actor,
				action: 'membership.added',
				targetType: 'user',
				targetId: session.userId,
				departmentCode: row.departmentCode,
				ip: meta.ip,
				details: { organisationId: inv.organisationId, role: r, invitationId: inv.id, invitedBy: inv.invitedBy }
			}))
		);
		if (meta.origin)
			await queueMail(
				database,
				tx,
				roleAddedMail({
					to: session.user.email,
					displayName: session.user.displayName,
					organisationName: row.organisationName,
					roleLabel: rolesLabel(role, inv.extraRoles),
					link: `${meta.origin.replace(/\/$/, '')}/compte`,
					instanceName: meta.instanceName ?? 'maillage'
				})
			);
		return { ok: true as const, accepted: true };
	});
}
