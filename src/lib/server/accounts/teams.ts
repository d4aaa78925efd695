/**
 * What other capabilities read of the structures, their places and their people, by ids
 * they hold (a referral's sender and place, an accompaniment's mediator): the team that
 * runs a place, its members' e-mails, the places a structure runs, the active structures
 * by name (a structure's or a professional's name: organisation-names.ts).
 * Read through the caller's handle (its transaction, its row-level security); no can()
 * here: the caller has authorised the act on its own row.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { memberships, organisationPlaces, organisations, users } from './db.ts';

/** The roles of a place's team: they read and answer the place's referrals, and record its accompaniments. */
export const PLACE_TEAM_ROLES = ['mediator', 'place_manager'];

/**
 * Organisations running the place now with someone to read its referrals: an active
 * mediator or place manager. A structure just imported, whose invitations are not accepted
 * yet, does not count.
 */
export async function placeTeamOrganisations(db: DbOrTx, placeId: string): Promise<string[]> {
	const rows = await db
		.selectDistinct({ o: organisationPlaces.organisationId })
		.from(organisationPlaces)
		.innerJoin(organisations, eq(organisations.id, organisationPlaces.organisationId))
		.innerJoin(memberships, and(eq(memberships.organisationId, organisationPlaces.organisationId), inArray(memberships.role, PLACE_TEAM_ROLES)))
		.innerJoin(users, and(eq(users.id, memberships.userId), eq(users.active, true)))
		.where(and(eq(organisationPlaces.placeId, placeId), eq(organisations.active, true)));
	return rows.map((r) => r.o);
}

/** The e-mails of a structure's place team (active mediators and place managers). */
export async function placeTeamEmails(db: DbOrTx, organisationId: string): Promise<string[]> {
	const rows = await db
		.selectDistinct({ email: users.email })
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.where(and(eq(memberships.organisationId, organisationId), inArray(memberships.role, PLACE_TEAM_ROLES), eq(users.active, true)));
	return rows.map((r) => r.email);
}

/** The places these structures run, as pairs (a place run by two of them comes twice). */
export function placesRunBy(db: DbOrTx, organisationIds: readonly string[]): Promise<{ organisationId: string; placeId: string }[]> {
	if (!organisationIds.length) return Promise.resolve([]);
	return db
		.select({ organisationId: organisationPlaces.organisationId, placeId: organisationPlaces.placeId })
		.from(organisationPlaces)
		.where(inArray(organisationPlaces.organisationId, [...organisationIds]));
}

/** Those of these structures that are active, by name. */
export function activeOrganisations(db: DbOrTx, ids: readonly string[]): Promise<{ id: string; name: string; departmentCode: string }[]> {
	if (!ids.length) return Promise.resolve([]);
	return db
		.select({ id: organisations.id, name: organisations.name, departmentCode: organisations.departmentCode })
		.from(organisations)
		.where(and(inArray(organisations.id, [...ids]), eq(organisations.active, true)))
		.orderBy(asc(organisations.name));
}

/** The e-mails of a structure's active members holding one of `roles` (a mandate's helpers, warned before it ends). */
export async function memberEmails(db: DbOrTx, organisationId: string, roles: readonly string[]): Promise<string[]> {
	if (!roles.length) return [];
	const rows = await db
		.selectDistinct({ email: users.email })
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.where(and(eq(memberships.organisationId, organisationId), inArray(memberships.role, [...roles]), eq(users.active, true)));
	return rows.map((r) => r.email);
}

/** The active members holding one of the roles in these structures: id, name, structure (a person chooses whom to remind about a paper). */
export async function activeMembers(
	db: DbOrTx,
	organisationIds: readonly string[],
	roles: readonly string[]
): Promise<{ userId: string; name: string; organisationId: string }[]> {
	if (!organisationIds.length || !roles.length) return [];
	return db
		.selectDistinct({ userId: users.id, name: users.displayName, organisationId: memberships.organisationId })
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.where(and(inArray(memberships.organisationId, [...organisationIds]), inArray(memberships.role, [...roles]), eq(users.active, true)));
}
