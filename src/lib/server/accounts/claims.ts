/**
 * Claiming a place by its name (issue 12, item 9): a place manager finds their place in a
 * short list by name or commune (no address to paste), and sees their claims waiting for
 * the coordination in « Mes lieux ». The claim itself stays places' claimPlace().
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { organisationPlaces, organisations, placeClaims } from './db.ts';
import { places } from '../places/db.ts';
import { normalizeKey } from '../../text/keys.ts';
import { departmentsWith, type Actor } from '../permissions/index.ts';

const managerOrgs = (actor: Actor) => actor.memberships.filter((m) => m.role === 'place_manager').map((m) => m.organisationId);

/**
 * The départements where the actor may claim a place: those of their structures (a claim
 * goes to the coordinators of the place's département, who see only theirs). null: any
 * (the instance administrator, who decides every claim).
 */
export function claimDepartments(actor: Actor): string[] | null {
	const deps = departmentsWith(actor, ['place_manager']);
	return actor.isAdmin && !deps.length ? null : deps;
}

/**
 * Places of the actor's départements where each word typed is in the name or in the commune
 * (one word may be the commune, another a word of the name; accents, case, hyphens and
 * apostrophes ignored), 20 at most, with who runs them.
 */
export async function placesToClaim(database: Database, actor: Actor, query: string, limit = 20) {
	const words = normalizeKey(query)
		.split(' ')
		.filter((w) => w.length >= 2)
		.slice(0, 6);
	if (!words.length) return [];
	const deps = claimDepartments(actor);
	if (deps && !deps.length) return [];
	const orgs = managerOrgs(actor);
	// the commune as normalizeKey() writes it: « Penne-d'Agenais » → « penne d agenais »
	const haystack = sql`(' ' || ${places.nameKey} || ' ' || regexp_replace(lower(unaccent(coalesce(${places.commune}, ''))), '[^a-z0-9]+', ' ', 'g') || ' ')`;
	const rows = await database.db
		.select({
			id: places.id,
			nom: places.nom,
			commune: places.commune,
			adresse: places.adresse,
			departmentCode: places.departmentCode,
			ours: orgs.length
				? sql<boolean>`exists (select 1 from ${organisationPlaces} op where op.place_id = "places"."id" and op.organisation_id in (${sql.join(
						orgs.map((o) => sql`${o}::uuid`),
						sql`, `
					)}))`
				: sql<boolean>`false`,
			pending: orgs.length
				? sql<boolean>`exists (select 1 from ${placeClaims} c where c.place_id = "places"."id" and c.status = 'pending' and c.organisation_id in (${sql.join(
						orgs.map((o) => sql`${o}::uuid`),
						sql`, `
					)}))`
				: sql<boolean>`false`
		})
		.from(places)
		.where(and(deps ? inArray(places.departmentCode, deps) : undefined, ...words.map((w) => sql`${haystack} like ${'%' + w + '%'}`)))
		.orderBy(asc(places.nom))
		.limit(limit);
	return rows.map((r) => ({ ...r, ours: !!r.ours, pending: !!r.pending }));
}

/** The claims of the actor's structures still waiting for a coordinator's decision, newest first. */
export async function pendingClaimsOf(database: Database, actor: Actor) {
	const orgs = managerOrgs(actor);
	if (!orgs.length) return [];
	return database.db
		.select({
			id: placeClaims.id,
			placeId: places.id,
			nom: places.nom,
			commune: places.commune,
			organisationName: organisations.name,
			createdAt: placeClaims.createdAt
		})
		.from(placeClaims)
		.innerJoin(places, eq(places.id, placeClaims.placeId))
		.innerJoin(organisations, eq(organisations.id, placeClaims.organisationId))
		.where(and(eq(placeClaims.status, 'pending'), inArray(placeClaims.organisationId, orgs)))
		.orderBy(desc(placeClaims.createdAt));
}
