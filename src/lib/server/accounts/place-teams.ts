/**
 * Accounts' side of places' `PlaceTeams` port: the structures running a place
 * (organisation_places) and their place managers. The composition root (../app.ts) hands it
 * to places (`usePlaceTeams`).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { PlaceTeams } from '../places/index.ts';
import { memberships, organisationPlaces, users } from './db.ts';

export const placeTeams: PlaceTeams = {
	async organisationsRunning(db, placeId) {
		const rows = await db.select({ o: organisationPlaces.organisationId }).from(organisationPlaces).where(eq(organisationPlaces.placeId, placeId));
		return rows.map((r) => r.o);
	},
	async placesRunBy(db, organisationIds) {
		if (!organisationIds.length) return [];
		const rows = await db
			.selectDistinct({ placeId: organisationPlaces.placeId })
			.from(organisationPlaces)
			.where(inArray(organisationPlaces.organisationId, organisationIds));
		return rows.map((r) => r.placeId);
	},
	async managerCounts(db, placeIds) {
		if (!placeIds.length) return new Map();
		const rows = await db
			.select({ placeId: organisationPlaces.placeId, n: sql<number>`count(*)::int` })
			.from(organisationPlaces)
			.innerJoin(memberships, and(eq(memberships.organisationId, organisationPlaces.organisationId), eq(memberships.role, 'place_manager')))
			.where(inArray(organisationPlaces.placeId, placeIds))
			.groupBy(organisationPlaces.placeId);
		return new Map(rows.map((r) => [r.placeId, Number(r.n)]));
	},
	async activeManagers(db, placeId) {
		return db
			.selectDistinct({ email: users.email, displayName: users.displayName })
			.from(organisationPlaces)
			.innerJoin(memberships, and(eq(memberships.organisationId, organisationPlaces.organisationId), eq(memberships.role, 'place_manager')))
			.innerJoin(users, and(eq(users.id, memberships.userId), eq(users.active, true)))
			.where(eq(organisationPlaces.placeId, placeId));
	}
};
