/**
 * Invitations: a coordinator (or a place manager, for their team) invites someone by
 * e-mail into an organisation with a role. The link is signed, expires after 7 days and
 * works once. Accepting it creates the account with the password chosen there (or adds
 * the role to an existing account).
 */
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { journal } from '../audit/service.ts';
import { signToken, verifyToken } from '../security/secret.ts';
import { invitations, memberships, organisations, users } from './db.ts';
import { AccountError, displayNameSchema, emailSchema, passwordProblem, ROLE_LABELS, ROLES, type Role } from './model.ts';
import { hashPassword } from './password.ts';
import { can, type Actor } from './permissions.ts';
import { createSession, type SessionMeta } from './sessions.ts';
import { invitationMail, queueMail } from '../mail/service.ts';

export const INVITATION_DAYS = 7;
const PURPOSE = 'invitation';

export interface NewInvitation {
	email: string;
	displayName: string;
	organisationId: string;
	role: Role;
	isAdmin?: boolean;
}

/** Creates the invitation and returns the token for its link (`/invitation/<token>`). */
export interface InviteOptions {
	/** the site's address: when given, the invitation is e-mailed (through the outbox) */
	origin?: string;
	instanceName?: string;
	ip?: string | null;
	now?: Date;
}

export async function invite(database: Database, actor: Actor | null, input: NewInvitation, opts: InviteOptions = {}) {
	const now = opts.now ?? new Date();
	const ip = opts.ip ?? null;
	const fields: Record<string, string> = {};
	const email = emailSchema.safeParse(input.email);
	const name = displayNameSchema.safeParse(input.displayName);
	if (!email.success) fields.email = email.error.issues[0].message;
	if (!name.success) fields.displayName = name.error.issues[0].message;
	if (!ROLES.includes(input.role)) fields.role = 'Choisissez un rôle.';
	if (Object.keys(fields).length) throw new AccountError('invalid', 'Vérifiez les champs signalés.', fields);
	const [org] = await database.db.select().from(organisations).where(eq(organisations.id, input.organisationId));
	if (!org || !org.active) throw new AccountError('not_found', 'Structure introuvable.');
	if (actor && !can(actor, 'user.invite', { departmentCode: org.departmentCode, organisationId: org.id, role: input.role }))
		throw new AccountError('forbidden', 'Vous ne pouvez pas inviter à ce rôle dans cette structure.');
	if (actor && input.isAdmin) throw new AccountError('forbidden', 'Les droits d’administration se donnent en ligne de commande.');
	const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86400_000);
	return database.db.transaction(async (tx) => {
		const [row] = await tx
			.insert(invitations)
			.values({ email: email.data!, displayName: name.data!, organisationId: org.id, role: input.role, isAdmin: !!input.isAdmin, invitedBy: actor?.userId ?? null, createdAt: now, expiresAt })
			.returning();
		await journal(tx, {
			actor: actor ? { kind: 'user', id: actor.userId } : { kind: 'cli' },
			action: 'invitation.created',
			targetType: 'invitation',
			targetId: row.id,
			departmentCode: org.departmentCode,
			after: { email: row.email, displayName: row.displayName },
			ip,
			details: { organisationId: org.id, role: input.role, admin: !!input.isAdmin }
		});
		const token = signToken(PURPOSE, { i: row.id }, INVITATION_DAYS * 86400, now.getTime());
		let mailed = false;
		if (opts.origin) {
			await queueMail(
				database,
				tx,
				invitationMail({
					to: row.email,
					displayName: row.displayName,
					organisationName: org.name,
					roleLabel: ROLE_LABELS[input.role].toLowerCase(),
					link: `${opts.origin.replace(/\/$/, '')}/invitation/${token}`,
					expiresAt,
					instanceName: opts.instanceName ?? 'maillage'
				})
			);
			mailed = true;
		}
		return { invitation: row, token, mailed };
	});
}

export type InvitationCheck =
	| { ok: true; invitation: typeof invitations.$inferSelect; organisationName: string; roleLabel: string; existingAccount: boolean }
	| { ok: false; reason: 'invalid' | 'expired' | 'used'; message: string };

const MESSAGES = {
	invalid: 'Ce lien d’invitation n’est pas valide. Vérifiez qu’il est complet, ou demandez une nouvelle invitation.',
	expired: `Ce lien d’invitation a expiré (il est valable ${INVITATION_DAYS} jours). Demandez une nouvelle invitation à la personne qui vous a invité.`,
	used: 'Ce lien d’invitation a déjà servi. Connectez-vous avec votre adresse e-mail et votre mot de passe.'
};

/** Tampered, expired, used or revoked links are refused with a message saying what to do. */
export async function checkInvitation(database: Database, token: string, now = new Date()): Promise<InvitationCheck> {
	const v = verifyToken<{ i: string }>(PURPOSE, token, now.getTime());
	if (!v.ok) return { ok: false, reason: v.reason, message: MESSAGES[v.reason] };
	if (typeof v.payload.i !== 'string' || !/^[0-9a-f-]{36}$/.test(v.payload.i)) return { ok: false, reason: 'invalid', message: MESSAGES.invalid };
	const [row] = await database.privileged.db
		.select({ invitation: invitations, organisationName: organisations.name })
		.from(invitations)
		.innerJoin(organisations, eq(organisations.id, invitations.organisationId))
		.where(eq(invitations.id, v.payload.i));
	if (!row || row.invitation.revokedAt) return { ok: false, reason: 'invalid', message: MESSAGES.invalid };
	if (row.invitation.usedAt) return { ok: false, reason: 'used', message: MESSAGES.used };
	if (row.invitation.expiresAt <= now) return { ok: false, reason: 'expired', message: MESSAGES.expired };
	const [existing] = await database.privileged.db.select({ id: users.id, hasPassword: users.passwordHash }).from(users).where(eq(users.email, row.invitation.email));
	return {
		ok: true,
		invitation: row.invitation,
		organisationName: row.organisationName,
		roleLabel: ROLE_LABELS[row.invitation.role as Role] ?? row.invitation.role,
		existingAccount: !!existing?.hasPassword
	};
}

export type AcceptResult = { ok: true; token: string | null; existingAccount: boolean } | { ok: false; message: string; fields?: Record<string, string> };

/**
 * Accepts an invitation: a new account gets the password chosen now and a session; an
 * existing account just gains the role (its owner logs in as usual).
 */
export async function acceptInvitation(
	database: Database,
	token: string,
	input: { displayName?: string; password?: string; confirm?: string },
	meta: SessionMeta,
	now = new Date()
): Promise<AcceptResult> {
	const check = await checkInvitation(database, token, now);
	if (!check.ok) return { ok: false, message: check.message };
	const inv = check.invitation;
	let passwordHash: string | null = null;
	let displayName = inv.displayName;
	if (!check.existingAccount) {
		const fields: Record<string, string> = {};
		const name = displayNameSchema.safeParse(input.displayName ?? inv.displayName);
		if (!name.success) fields.displayName = name.error.issues[0].message;
		else displayName = name.data;
		const problem = passwordProblem(input.password ?? '', { email: inv.email, name: displayName });
		if (problem) fields.password = problem;
		else if (input.password !== input.confirm) fields.confirm = 'Les deux saisies du mot de passe sont différentes.';
		if (Object.keys(fields).length) return { ok: false, message: 'Vérifiez les champs signalés.', fields };
		passwordHash = await hashPassword(input.password!);
	}
	const [org] = await database.privileged.db.select({ departmentCode: organisations.departmentCode }).from(organisations).where(eq(organisations.id, inv.organisationId));
	return database.privileged.db.transaction(async (tx) => {
		// single use, whatever the concurrency: only one transaction turns used_at from null
		const claimed = await tx
			.update(invitations)
			.set({ usedAt: now })
			.where(and(eq(invitations.id, inv.id), isNull(invitations.usedAt)))
			.returning({ id: invitations.id });
		if (!claimed.length) return { ok: false as const, message: MESSAGES.used };
		let [user] = await tx.select().from(users).where(eq(users.email, inv.email));
		if (!user) {
			[user] = await tx.insert(users).values({ email: inv.email, displayName, passwordHash, isAdmin: inv.isAdmin }).returning();
			await journal(tx, { actor: { kind: 'user', id: user.id }, action: 'user.created', targetType: 'user', targetId: user.id, departmentCode: org?.departmentCode, after: { email: user.email, displayName }, ip: meta.ip, details: { invitationId: inv.id } });
		} else {
			const patch: Partial<typeof users.$inferInsert> = { updatedAt: now };
			if (!user.passwordHash && passwordHash) patch.passwordHash = passwordHash;
			if (inv.isAdmin) patch.isAdmin = true;
			await tx.update(users).set(patch).where(eq(users.id, user.id));
		}
		await tx.insert(memberships).values({ userId: user.id, organisationId: inv.organisationId, role: inv.role }).onConflictDoNothing();
		await journal(tx, { actor: { kind: 'user', id: user.id }, action: 'invitation.accepted', targetType: 'invitation', targetId: inv.id, departmentCode: org?.departmentCode, ip: meta.ip, details: { organisationId: inv.organisationId, role: inv.role } });
		const session = check.existingAccount ? null : await createSession(tx, user.id, { method: 'password', mfa: false, ...meta }, now);
		return { ok: true as const, token: session, existingAccount: check.existingAccount };
	});
}

/** An organisation's invitations still waiting for an answer (neither used nor cancelled), newest first. */
export async function listPendingInvitations(db: DbOrTx, organisationId: string) {
	return db
		.select()
		.from(invitations)
		.where(and(eq(invitations.organisationId, organisationId), isNull(invitations.usedAt), isNull(invitations.revokedAt)))
		.orderBy(desc(invitations.createdAt));
}

/** Cancels a pending invitation: its link stops working at once. */
export async function revokeInvitation(database: Database, actor: Actor, invitationId: string, ip?: string | null): Promise<void> {
	if (!/^[0-9a-f-]{36}$/.test(invitationId)) throw new AccountError('not_found', 'Invitation introuvable.');
	const [row] = await database.db
		.select({ inv: invitations, departmentCode: organisations.departmentCode })
		.from(invitations)
		.innerJoin(organisations, eq(organisations.id, invitations.organisationId))
		.where(eq(invitations.id, invitationId));
	if (!row || row.inv.usedAt || row.inv.revokedAt) throw new AccountError('not_found', 'Cette invitation n’existe pas, a déjà servi ou a déjà été annulée.');
	if (!can(actor, 'user.invite', { departmentCode: row.departmentCode, organisationId: row.inv.organisationId, role: row.inv.role as Role }))
		throw new AccountError('forbidden', 'Vous ne pouvez pas annuler cette invitation.');
	await database.db.transaction(async (tx) => {
		await tx.update(invitations).set({ revokedAt: new Date() }).where(eq(invitations.id, invitationId));
		await journal(tx, { actor: { kind: 'user', id: actor.userId }, action: 'invitation.revoked', targetType: 'invitation', targetId: invitationId, departmentCode: row.departmentCode, ip });
	});
}
