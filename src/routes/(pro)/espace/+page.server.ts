import type { PageServerLoad } from './$types';
import { hasRole } from '#lib/server/accounts/service.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const s = locals.session!;
	return {
		displayName: s.user.displayName,
		coordinator: hasRole(s.actor, ['coordinator']),
		placeManager: hasRole(s.actor, ['place_manager']),
		care: s.actor.memberships.some((m) => m.role === 'prescriber' || m.role === 'mediator'),
		placeTeam: s.actor.memberships.some((m) => m.role === 'mediator' || m.role === 'place_manager'),
		admin: s.actor.isAdmin,
		// partner (issue 12, item 12): its own figures
		partner: s.actor.memberships.some((m) => m.role === 'partner'),
		noRole: !s.actor.isAdmin && !s.actor.memberships.length
	};
};
