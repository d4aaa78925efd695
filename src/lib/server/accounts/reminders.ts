/**
 * Reminders to invitations not accepted (issue 12, item 9): the scheduled job writes again
 * at D+3 and D+10 after the invitation was created, and a coordinator or the structure's
 * place manager can "relancer" by hand. Each reminder renews the link for 7 days (the first
 * one expired at D+7) and is journaled; the e-mail goes through the outbox like the first.
 */
import { and, eq, isNull, lte, notLike, or, sql } from 'drizzle-orm';
import type { Database, Tx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { invitations, organisations, users } from './db.ts';
import { AccountError, type Role } from './model.ts';
import { can, type Actor } from '../permissions/index.ts';
import { invitationToken, INVITATION_DAYS, rolesLabel } from './invitations.ts';
import { queueMail } from '../mail/index.ts';
import { invitationMail, pendingRoleMail } from '../mail/index.ts';

/** days after the invitation's creation when the job reminds it: the first, then the second reminder */
export const REMINDER_DAYS = [3, 10] as const;

export interface ReminderLinks {
	origin: string;
	instanceName: string;
}

type InvitationRow = typeof invitations.$inferSelect;

async function sendReminder(
	database: Database,
	tx: Tx,
	inv: InvitationRow,
	org: { name: string; departmentCode: string },
	links: ReminderLinks | null,
	actor: Actor | null,
	now: Date,
	ip?: string | null
) {
	const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86400_000);
	// renewed only while nobody answered it meanwhile (the job and a click at the same moment: one wins)
	const [row] = await tx
		.update(invitations)
		.set({ expiresAt, reminders: sql`${invitations.reminders} + 1`, remindedAt: now })
		.where(and(eq(invitations.id, inv.id), isNull(invitations.usedAt), isNull(invitations.revokedAt), eq(invitations.reminders, inv.reminders)))
		.returning();
	if (!row) return null;
	const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, row.email));
	const token = invitationToken(row, now);
	const roleLabel = rolesLabel(row.role, row.extraRoles);
	if (links) {
		const base = links.origin.replace(/\/$/, '');
		const p = { to: row.email, displayName: row.displayName, organisationName: org.name, roleLabel, expiresAt, instanceName: links.instanceName };
		const mail = existing ? pendingRoleMail({ ...p, link: `${base}/compte` }) : invitationMail({ ...p, link: `${base}/invitation/${token}` });
		await queueMail(database, tx, { ...mail, subject: `Rappel\u00a0: ${mail.subject}` });
	}
	await journal(tx, {
		actor: actor ? { kind: 'user', id: actor.userId } : { kind: 'system' },
		action: 'invitation.reminded',
		targetType: 'invitation',
		targetId: row.id,
		departmentCode: org.departmentCode,
		ip: ip ?? null,
		details: { organisationId: row.organisationId, reminder: row.reminders, byHand: !!actor }
	});
	return { invitation: row, token, existingAccount: !!existing };
}

/** "Relancer": a coordinator of the structure's département, or whoever may invite to its role there. */
export async function remindInvitation(
	database: Database,
	actor: Actor,
	invitationId: string,
	links: ReminderLinks | null,
	ip?: string | null,
	now = new Date()
) {
	if (!/^[0-9a-f-]{36}$/.test(invitationId)) throw new AccountError('not_found', 'Invitation introuvable.');
	const [row] = await database.db
		.select({ inv: invitations, name: organisations.name, departmentCode: organisations.departmentCode, active: organisations.active })
		.from(invitations)
		.innerJoin(organisations, eq(organisations.id, invitations.organisationId))
		.where(eq(invitations.id, invitationId));
	if (!row || row.inv.usedAt || row.inv.revokedAt || !row.active)
		throw new AccountError('not_found', 'Cette invitation n’attend plus de réponse\u00a0: elle a servi ou a été annulée.');
	if (
		![row.inv.role, ...row.inv.extraRoles].every((role) =>
			can(actor, 'user.invite', { departmentCode: row.departmentCode, organisationId: row.inv.organisationId, role: role as Role })
		)
	)
		throw new AccountError('forbidden', 'Vous ne pouvez pas relancer cette invitation.');
	const r = await database.db.transaction((tx) => sendReminder(database, tx, row.inv, row, links, actor, now, ip));
	if (!r) throw new AccountError('conflict', 'Cette invitation vient de changer\u00a0: rechargez la page.');
	return r;
}

/** The job: invitations still waiting 3 days, then 10 days after they were made. Returns how many were reminded. */
export async function remindWaitingInvitations(database: Database, links: ReminderLinks | null, now = new Date()): Promise<number> {
	const day = 86400_000;
	const due = await database.db
		.select({ inv: invitations, name: organisations.name, departmentCode: organisations.departmentCode })
		.from(invitations)
		.innerJoin(organisations, eq(organisations.id, invitations.organisationId))
		.where(
			and(
				isNull(invitations.usedAt),
				isNull(invitations.revokedAt),
				eq(organisations.active, true),
				notLike(invitations.email, 'expiree-%'),
				or(
					and(eq(invitations.reminders, 0), lte(invitations.createdAt, new Date(now.getTime() - REMINDER_DAYS[0] * day))),
					and(
						eq(invitations.reminders, 1),
						lte(invitations.createdAt, new Date(now.getTime() - REMINDER_DAYS[1] * day)),
						lte(invitations.remindedAt, new Date(now.getTime() - REMINDER_DAYS[0] * day))
					)
				)
			)
		)
		.limit(500);
	let n = 0;
	for (const d of due) {
		// a reminder more than a day late is still one reminder (the job did not run): the second waits for D+10
		const r = await database.db.transaction((tx) => sendReminder(database, tx, d.inv, d, links, null, now));
		if (r) n++;
	}
	return n;
}
