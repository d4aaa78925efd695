/**
 * Invitations: a coordinator (or a place manager, for their team) invites someone by
 * e-mail into an organisation with a role. The link is signed, expires after 7 days and
 * works once. Accepting it creates the account with the password chosen there.
 *
 * A role offered to an EXISTING account is only a pending role: its owner sees it in
 * « Mon compte » after logging in and accepts or refuses it there (the link alone no longer
 * adds it); the account is told by e-mail. Nobody gives themselves a role that opens
 * personal data: neither by inviting their own address nor by accepting an invitation they
 * created (issue 11, finding 4). Every step is journaled.
 */
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { signToken, verifyToken } from '../security/secret.ts';
import { invitations, memberships, organisations, users } from './db.ts';
import { AccountError, displayNameSchema, emailSchema, passwordProblem, ROLE_LABELS, ROLES, ROLES_WITH_PERSONAL_DATA, type Role } from './model.ts';
import { hashPassword } from './password.ts';
import { can, type Actor } from '../permissions/index.ts';
import { createSession, type SessionMeta } from './sessions.ts';
import { invitationMail, queueMail } from '../mail/index.ts';
import { pendingRoleMail } from '../mail/index.ts';

export const INVITATION_DAYS = 7;
const PURPOSE = 'invitation';

export interface NewInvitation {
	email: string;
	displayName: string;
	organisationId: string;
	role: Role;
	/** further roles in the same structure, given together when the invitation is accepted */
	extraRoles?: Role[];
	isAdmin?: boolean;
}

/** "médiateur numérique et responsable de lieu" */
export function rolesLabel(role: string, extraRoles: readonly string[] = []): string {
	return [role, ...extraRoles.filter((r) => r !== role)].map((r) => (ROLE_LABELS[r as Role] ?? r).toLowerCase()).join(' et ');
}

/** The link of a waiting invitation, signed again (same invitation, valid until its expiry). */
/**
 * A new waiting invitation and its journal entry, in the caller's transaction: one way to
 * write it, for the form, the command line and the CSV onboarding.
 */
export async function recordInvitation(
	tx: DbOrTx,
	actor: Actor | null,
	inv: {
		email: string;
		displayName: string;
		organisation: { id: string; departmentCode: string };
		role: string;
		extraRoles: string[];
		isAdmin?: boolean;
		createdAt: Date;
		expiresAt: Date;
	},
	opts: { ip?: string | null; details?: Record<string, unknown> } = {}
) {
	const [row] = await tx
		.insert(invitations)
		.values({
			email: inv.email,
			displayName: inv.displayName,
			organisationId: inv.organisation.id,
			role: inv.role,
			extraRoles: inv.extraRoles,
			isAdmin: !!inv.isAdmin,
			invitedBy: actor?.userId ?? null,
			createdAt: inv.createdAt,
			expiresAt: inv.expiresAt
		})
		.returning();
	await journal(tx, {
		actor: actor ? { kind: 'user', id: actor.userId } : { kind: 'cli' },
		action: 'invitation.created',
		targetType: 'invitation',
		targetId: row.id,
		departmentCode: inv.organisation.departmentCode,
		after: { email: row.email, displayName: row.displayName },
		ip: opts.ip ?? null,
		details: { organisationId: inv.organisation.id, role: row.role, extraRoles: row.extraRoles, ...opts.details }
	});
	return row;
}

/** "Médiateur numérique et Responsable de lieu" */
export function labels(role: string, extraRoles: readonly string[] = []): string {
	return [role, ...extraRoles.filter((r) => r !== role)].map((r) => ROLE_LABELS[r as Role] ?? r).join(' et ');
}

export function invitationToken(invitation: { id: string; expiresAt: Date }, now = new Date()): string {
	const seconds = Math.max(1, Math.floor((invitation.expiresAt.getTime() - now.getTime()) / 1000));
	return signToken(PURPOSE, { i: invitation.id }, seconds, now.getTime());
}

const WAITING = (who: string, roles: string) =>
	`Une invitation attend déjà la réponse de ${who} dans cette structure pour ce rôle (${roles})\u00a0: relancez-la ou annulez-la plutôt que d’en créer une autre.`;

/** Whether a database error is the one-waiting-invitation-per-address index (two submissions at once). */
function isWaitingConflict(e: unknown): boolean {
	const err = e as { code?: string; constraint?: string; message?: string; cause?: { code?: string; constraint?: string; message?: string } };
	const c = err?.cause ?? err;
	return c?.code === '23505' && (c.constraint === 'invitations_waiting_idx' || /invitations_waiting_idx/.test(c.message ?? ''));
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
	const extraRoles = [...new Set(input.extraRoles ?? [])].filter((r) => r !== input.role);
	if (!ROLES.includes(input.role) || extraRoles.some((r) => !ROLES.includes(r))) fields.role = 'Choisissez un rôle.';
	if (Object.keys(fields).length) throw new AccountError('invalid', 'Vérifiez les champs signalés.', fields);
	const [org] = await database.db.select().from(organisations).where(eq(organisations.id, input.organisationId));
	if (!org || !org.active) throw new AccountError('not_found', 'Structure introuvable.');
	if (actor && [input.role, ...extraRoles].some((role) => !can(actor, 'user.invite', { departmentCode: org.departmentCode, organisationId: org.id, role })))
		throw new AccountError('forbidden', 'Vous ne pouvez pas inviter à ce rôle dans cette structure.');
	if (actor && input.isAdmin) throw new AccountError('forbidden', 'Les droits d’administration se donnent en ligne de commande.');
	if (actor && [input.role, ...extraRoles].some((r) => ROLES_WITH_PERSONAL_DATA.includes(r))) {
		const [me] = await database.db.select({ email: users.email }).from(users).where(eq(users.id, actor.userId));
		if (me && sameMailbox(me.email, email.data!)) {
			await journalRefusedSelfGrant(database, actor.userId, org.departmentCode, ip, { organisationId: org.id, role: input.role, step: 'invite' });
			throw new AccountError('forbidden', SELF_GRANT, { email: SELF_GRANT });
		}
	}
	// any existing account, with or without a password (one that logs in with ProConnect has none):
	// a link must never set a password on it nor add a role to it
	const [existing] = await database.db.select({ id: users.id }).from(users).where(eq(users.email, email.data!));
	const pendingForExisting = !!existing;
	const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86400_000);
	const roles = rolesLabel(input.role, extraRoles);
	try {
		return await database.db.transaction(async (tx) => {
			// one invitation waiting per address, structure and role (F5 on the form sent it twice);
			// another role is another invitation, which its owner accepts or refuses on its own
			const wanted = [input.role, ...extraRoles];
			const overlapping = (
				await tx
					.select()
					.from(invitations)
					.where(and(eq(invitations.organisationId, org.id), eq(invitations.email, email.data!), isNull(invitations.usedAt), isNull(invitations.revokedAt)))
			).filter((w) => [w.role, ...w.extraRoles].some((r) => wanted.includes(r as Role)));
			const live = overlapping.find((w) => w.expiresAt > now);
			if (live)
				throw new AccountError('conflict', WAITING(email.data!, rolesLabel(live.role, live.extraRoles)), {
					email: WAITING(email.data!, rolesLabel(live.role, live.extraRoles))
				});
			// expired ones are set aside: the new one replaces them
			for (const w of overlapping) await tx.update(invitations).set({ revokedAt: now }).where(eq(invitations.id, w.id));
			const row = await recordInvitation(
				tx,
				actor,
				{ email: email.data!, displayName: name.data!, organisation: org, role: input.role, extraRoles, isAdmin: !!input.isAdmin, createdAt: now, expiresAt },
				{ ip, details: { admin: !!input.isAdmin, existingAccount: pendingForExisting } }
			);
			const token = signToken(PURPOSE, { i: row.id }, INVITATION_DAYS * 86400, now.getTime());
			let mailed = false;
			if (opts.origin && pendingForExisting) {
				// an existing account is told; the role waits for its owner in « Mon compte »
				await queueMail(
					database,
					tx,
					pendingRoleMail({
						to: row.email,
						displayName: row.displayName,
						organisationName: org.name,
						roleLabel: roles,
						link: `${opts.origin.replace(/\/$/, '')}/compte`,
						expiresAt,
						instanceName: opts.instanceName ?? 'maillage'
					})
				);
				mailed = true;
			} else if (opts.origin) {
				await queueMail(
					database,
					tx,
					invitationMail({
						to: row.email,
						displayName: row.displayName,
						organisationName: org.name,
						roleLabel: roles,
						link: `${opts.origin.replace(/\/$/, '')}/invitation/${token}`,
						expiresAt,
						instanceName: opts.instanceName ?? 'maillage'
					})
				);
				mailed = true;
			}
			return { invitation: row, token, mailed, existingAccount: pendingForExisting };
		});
	} catch (e) {
		// the same form sent twice at once: the index lets one through
		if (isWaitingConflict(e)) throw new AccountError('conflict', WAITING(email.data!, roles), { email: WAITING(email.data!, roles) });
		throw e;
	}
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
	const [existing] = await database.privileged.db.select({ id: users.id }).from(users).where(eq(users.email, row.invitation.email));
	return {
		ok: true,
		invitation: row.invitation,
		organisationName: row.organisationName,
		roleLabel: labels(row.invitation.role, row.invitation.extraRoles),
		existingAccount: !!existing
	};
}

export type AcceptResult = { ok: true; token: string | null; existingAccount: boolean } | { ok: false; message: string; fields?: Record<string, string> };

/**
 * Whether two addresses reach the same mailbox as far as their text tells: case, a
 * "+tag" after the local part (prenom.nom+x@…), and the dots Gmail ignores. Another
 * mailbox the same person holds cannot be told from text (see docs/security.md).
 */
export function sameMailbox(a: string, b: string): boolean {
	const key = (e: string) => {
		const [local, domain] = e.trim().toLowerCase().split('@');
		const base = (local ?? '').split('+')[0];
		const d = domain === 'googlemail.com' ? 'gmail.com' : domain;
		return `${d === 'gmail.com' ? base.replace(/\./g, '') : base}@${d}`;
	};
	return key(a) === key(b);
}

export const SELF_GRANT =
	'Vous ne pouvez pas vous donner vous-même un rôle qui ouvre l’accès aux données personnelles\u00a0: demandez-le à une autre personne de la coordination ou à l’administrateur.';

export async function journalRefusedSelfGrant(
	database: Database,
	userId: string,
	departmentCode: string | null | undefined,
	ip: string | null | undefined,
	details: Record<string, unknown>
) {
	await database.privileged.db.transaction((tx) =>
		journal(tx, {
			actor: { kind: 'user', id: userId },
			action: 'membership.self_grant_refused',
			targetType: 'user',
			targetId: userId,
			departmentCode: departmentCode ?? null,
			ip,
			details
		})
	);
}

/**
 * Accepts an invitation from its link: a new account gets the password chosen now and a
 * session. For an existing account the link adds nothing: the role stays pending until its
 * owner logs in and accepts it in « Mon compte » (`answerPendingRole`).
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
	// whoever holds the link is not yet the account's owner: that one logs in first
	if (check.existingAccount) return { ok: true, token: null, existingAccount: true };
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
	const [org] = await database.privileged.db
		.select({ departmentCode: organisations.departmentCode })
		.from(organisations)
		.where(eq(organisations.id, inv.organisationId));
	return database.privileged.db.transaction(async (tx) => {
		// an account made meanwhile: its owner accepts after logging in, like any other
		const [owner] = await tx.select({ id: users.id }).from(users).where(eq(users.email, inv.email));
		if (owner) return { ok: true as const, token: null, existingAccount: true };
		// single use, whatever the concurrency: only one transaction turns used_at from null
		const claimed = await tx
			.update(invitations)
			.set({ usedAt: now })
			.where(and(eq(invitations.id, inv.id), isNull(invitations.usedAt)))
			.returning({ id: invitations.id });
		if (!claimed.length) return { ok: false as const, message: MESSAGES.used };
		const [user] = await tx.insert(users).values({ email: inv.email, displayName, passwordHash, isAdmin: inv.isAdmin }).returning();
		await journal(tx, {
			actor: { kind: 'user', id: user.id },
			action: 'user.created',
			targetType: 'user',
			targetId: user.id,
			departmentCode: org?.departmentCode,
			after: { email: user.email, displayName },
			ip: meta.ip,
			details: { invitationId: inv.id }
		});
		await tx
			.insert(memberships)
			.values([inv.role, ...inv.extraRoles].map((role) => ({ userId: user.id, organisationId: inv.organisationId, role })))
			.onConflictDoNothing();
		await journal(tx, {
			actor: { kind: 'user', id: user.id },
			action: 'invitation.accepted',
			targetType: 'invitation',
			targetId: inv.id,
			departmentCode: org?.departmentCode,
			ip: meta.ip,
			details: { organisationId: inv.organisationId, role: inv.role, extraRoles: inv.extraRoles }
		});
		const session = await createSession(tx, user.id, { method: 'password', mfa: false, ...meta }, now);
		return { ok: true as const, token: session, existingAccount: false };
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
		await journal(tx, {
			actor: { kind: 'user', id: actor.userId },
			action: 'invitation.revoked',
			targetType: 'invitation',
			targetId: invitationId,
			departmentCode: row.departmentCode,
			ip
		});
	});
}
