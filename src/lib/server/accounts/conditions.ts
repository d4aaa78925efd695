/**
 * Conditions on accounts' tables for other capabilities' queries, as SQL fragments: a
 * referral list filtered on the places a structure runs, places ranked by whether a team
 * reads their referrals, journal lines by a structure's members. The caller puts them in
 * its own statement (one query, the planner's indexes) without naming accounts' tables,
 * as beneficiaries' `recordReadable` does for records.
 */
import { sql, type SQL } from 'drizzle-orm';
import { PLACE_TEAM_ROLES } from './teams.ts';

const uuidList = (ids: readonly string[]) =>
	sql.join(
		ids.map((o) => sql`${o}::uuid`),
		sql`, `
	);

/** An array of the ids of the places these structures run (for `place_id = any(…)`: the places are listed once). */
export function placesRunByArray(organisationIds: readonly string[]): SQL {
	if (!organisationIds.length) return sql`array[]::text[]`;
	return sql`array(select place_id from organisation_places where organisation_id in (${uuidList(organisationIds)}))`;
}

/** Whether a team reads the place's referrals: an active structure runs it with an active mediator or place manager. */
export function placeHasTeam(placeId: SQL): SQL<boolean> {
	const roles = sql.join(
		PLACE_TEAM_ROLES.map((r) => sql`${r}`),
		sql`, `
	);
	return sql<boolean>`exists (select 1 from organisation_places op join organisations o on o.id = op.organisation_id and o.active
		join memberships m on m.organisation_id = o.id and m.role in (${roles}) join users u on u.id = m.user_id and u.active
		where op.place_id = ${placeId})`;
}

/** The ids of a structure's members, past roles included while the membership exists (for `actor_id in (…)`). */
export function membersOf(organisationId: string): SQL {
	return sql`(select m.user_id from memberships m where m.organisation_id = ${organisationId}::uuid)`;
}
