import type { PageServerLoad } from './$types';
import { abilities, hasRole } from '#lib/server/accounts/index.ts';
import { getDatabase } from '#lib/server/db/client.ts';
import { coordinatorDashboard } from '#lib/server/network/index.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const s = locals.session!;
	const coordinator = hasRole(s.actor, ['coordinator']);
	return {
		// what waits for the coordinator and the network this month: counts only
		dashboard: coordinator ? await coordinatorDashboard(await getDatabase(), s.actor) : null,
		displayName: s.user.displayName,
		coordinator: hasRole(s.actor, ['coordinator']),
		placeManager: hasRole(s.actor, ['place_manager']),
		care: abilities(s.actor).care,
		placeTeam: abilities(s.actor).placeTeam,
		admin: s.actor.isAdmin,
		// partner (issue 12, item 12): its own figures
		partner: abilities(s.actor).partner,
		noRole: !s.actor.isAdmin && !s.actor.memberships.length
	};
};
