import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { listBeneficiaries, holdingOrganisations } from '#lib/server/beneficiaries/index.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const actor = locals.session!.actor;
	const q = (url.searchParams.get('q') ?? '').trim().slice(0, 100);
	return {
		q,
		people: await listBeneficiaries(await getDatabase(), actor, { q, limit: 100 }),
		canCreate: holdingOrganisations(actor).length > 0
	};
};
