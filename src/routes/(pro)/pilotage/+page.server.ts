import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { steeringOverview } from '#lib/server/steering/index.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** The steering space's home (issue 16): the key figures of each section, with links. */
export const load: PageServerLoad = async ({ locals, url }) => {
	try {
		const o = await steeringOverview(await getDatabase(), locals.session!.actor, url.searchParams);
		return { summary: o.summary, offer: o.offer, fragility: o.fragility, units: o.units };
	} catch (e) {
		pageError(e);
	}
};
