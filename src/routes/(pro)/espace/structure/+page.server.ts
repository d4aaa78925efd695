import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { listOrganisations, organisationsWhere } from '#lib/server/accounts/index.ts';

/** A place manager's structure(s): straight to it when there is one, a list otherwise. */
export const load: PageServerLoad = async ({ locals }) => {
	const actor = locals.session!.actor;
	const mine = organisationsWhere(actor, ['place_manager']);
	const organisations = (await listOrganisations(await getDatabase(), actor)).filter((o) => mine.has(o.id)).map((o) => ({ id: o.id, name: o.name }));
	if (organisations.length === 1) redirect(303, `/espace/structure/${organisations[0].id}`);
	return { organisations };
};
