/**
 * Organisations (structures): created, listed, shown with their members, places and pending
 * invitations, corrected or deactivated by their département's coordinators. Journaled.
 */
import { asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, DbOrTx } from '../db/client.ts';
import { changedFields, journal } from '../audit/index.ts';
import { memberships, organisationPlaces, organisations, users } from './db.ts';
import { placeSummaries } from '../places/index.ts';
import { asScoped } from './scope.ts';
import { AccountError, fieldErrors, organisationSchema, ROLES, type Role } from './model.ts';
import { deleteUserSessions } from './sessions.ts';
import { can, departmentsWith, type Actor } from '../permissions/index.ts';
import { listPendingInvitations } from './invitations.ts';
import { actorOf } from './actors.ts';

export type Organisation = typeof organisations.$inferSelect;

export async function createOrganisation(database: Database, actor: Actor | null, input: unknown, ip?: string | null): Promise<Organisation> {
	const parsed = organisationSchema.safeParse(input);
	if (!parsed.success) throw new AccountError('invalid', 'Vérifiez les champs signalés.', fieldErrors(parsed.error.issues));
	const o = parsed.data;
	if (actor && !can(actor, 'organisation.manage', { departmentCode: o.departmentCode }))
		throw new AccountError('forbidden', 'Vous ne pouvez créer une structure que dans votre département.');
	return database.db.transaction(async (tx) => {
		if (o.siret) {
			const [dup] = await tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.siret, o.siret));
			if (dup) throw new AccountError('conflict', 'Une structure avec ce SIRET existe déjà.', { siret: 'Une structure avec ce SIRET existe déjà.' });
		}
		const [row] = await tx.insert(organisations).values(o).returning();
		await journal(tx, {
			actor: actorOf(actor),
			action: 'organisation.created',
			targetType: 'organisation',
			targetId: row.id,
			departmentCode: row.departmentCode,
			after: row,
			ip
		});
		return row;
	});
}

export async function listOrganisations(database: Database, actor: Actor): Promise<Organisation[]> {
	const deps = actor.isAdmin ? null : departmentsWith(actor, ['coordinator']);
	const own = actor.memberships.map((m) => m.organisationId);
	return asScoped(database, actor, async (db) => {
		const q = db.select().from(organisations);
		if (deps === null) return q.orderBy(asc(organisations.departmentCode), asc(organisations.name));
		const conds = [];
		if (deps.length) conds.push(inArray(organisations.departmentCode, deps));
		if (own.length) conds.push(inArray(organisations.id, own));
		if (!conds.length) return [];
		return q.where(sql.join(conds, sql` or `)).orderBy(asc(organisations.departmentCode), asc(organisations.name));
	});
}

/** An organisation with its members and pending invitations, for those who may see it. */
export async function organisationDetail(database: Database, actor: Actor, organisationId: string) {
	if (!/^[0-9a-f-]{36}$/.test(organisationId)) return null;
	return asScoped(database, actor, (db) => organisationDetailIn(db, actor, organisationId));
}

async function organisationDetailIn(db: DbOrTx, actor: Actor, organisationId: string) {
	const [org] = await db.select().from(organisations).where(eq(organisations.id, organisationId));
	if (!org || !can(actor, 'organisation.read', { departmentCode: org.departmentCode, organisationId: org.id })) return null;
	const members = await db
		.select({ userId: users.id, email: users.email, displayName: users.displayName, active: users.active, role: memberships.role, totp: users.totpConfirmedAt })
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.where(eq(memberships.organisationId, org.id))
		.orderBy(asc(users.displayName));
	const pending = await listPendingInvitations(db, org.id);
	// the places it runs (issue: the structure's page did not say which)
	const runIds = await db.select({ id: organisationPlaces.placeId }).from(organisationPlaces).where(eq(organisationPlaces.organisationId, org.id));
	const run = (
		await placeSummaries(
			db,
			runIds.map((r) => r.id)
		)
	).map((p) => ({ id: p.id, nom: p.nom, commune: p.commune }));
	const fr = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });
	return {
		organisation: org,
		places: run.sort((a, b) => fr.compare(a.nom, b.nom) || fr.compare(a.commune ?? '', b.commune ?? '')),
		members: members.map((m) => ({ ...m, role: m.role as Role, totpEnrolled: !!m.totp })),
		invitations: pending,
		canInvite: ROLES.filter((role) => can(actor, 'user.invite', { departmentCode: org.departmentCode, organisationId: org.id, role })),
		canDeactivate: can(actor, 'user.deactivate', { departmentCode: org.departmentCode }),
		canManage: can(actor, 'organisation.manage', { departmentCode: org.departmentCode })
	};
}

/** A coordinator renames, corrects or deactivates a structure of their département (its members then lose its roles' access). */
export async function updateOrganisation(database: Database, actor: Actor, organisationId: string, input: unknown, ip?: string | null): Promise<Organisation> {
	const parsed = organisationSchema.extend({ active: z.boolean() }).safeParse(input);
	if (!parsed.success) throw new AccountError('invalid', 'Vérifiez les champs signalés.', fieldErrors(parsed.error.issues));
	const [org] = await database.db.select().from(organisations).where(eq(organisations.id, organisationId));
	if (!org) throw new AccountError('not_found', 'Structure introuvable.');
	if (
		!can(actor, 'organisation.manage', { departmentCode: org.departmentCode }) ||
		!can(actor, 'organisation.manage', { departmentCode: parsed.data.departmentCode })
	)
		throw new AccountError('forbidden', 'Vous ne pouvez modifier que les structures de votre département.');
	return database.db.transaction(async (tx) => {
		if (parsed.data.siret && parsed.data.siret !== org.siret) {
			const [dup] = await tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.siret, parsed.data.siret));
			if (dup) throw new AccountError('conflict', 'Une structure avec ce SIRET existe déjà.', { siret: 'Une structure avec ce SIRET existe déjà.' });
		}
		const [row] = await tx
			.update(organisations)
			.set({ ...parsed.data, updatedAt: new Date() })
			.where(eq(organisations.id, organisationId))
			.returning();
		if (org.active && !row.active) {
			// its members' sessions end: their roles there no longer count
			const members = await tx.select({ userId: memberships.userId }).from(memberships).where(eq(memberships.organisationId, organisationId));
			for (const m of members) await deleteUserSessions(tx, m.userId);
		}
		await journal(tx, {
			actor: actorOf(actor),
			action: row.active === org.active ? 'organisation.updated' : row.active ? 'organisation.reactivated' : 'organisation.deactivated',
			targetType: 'organisation',
			targetId: row.id,
			departmentCode: row.departmentCode,
			before: org,
			after: row,
			ip,
			details: { fields: changedFields({ ...org, updatedAt: null }, { ...row, updatedAt: null }) }
		});
		return row;
	});
}
