import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { offerSection, steeringQueryString } from '#lib/server/steering/index.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** The offer (issue 16, item 1): places per 10,000 inhabitants, population near a place, white zones, freshness, Pass Numérique. */
export const load: PageServerLoad = async ({ locals, url }) => {
	try {
		const s = await offerSection(await getDatabase(), locals.session!.actor, url.searchParams);
		const query = steeringQueryString(s.context.query, { demi_journees: String(s.halfDays) });
		return {
			halfDays: s.halfDays,
			at: s.offer.at,
			blocks: s.offer.blocks.map((b) => ({ ...b, csvHref: `/pilotage/export/${b.table.id}.csv?${query}` }))
		};
	} catch (e) {
		pageError(e);
	}
};
