import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { fragilitySection, steeringQueryString } from '#lib/server/steering/index.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** The fragility (issue 16, item 2): the digital fragility index and its indicators by unit, the fragile population far from any place. */
export const load: PageServerLoad = async ({ locals, url }) => {
	try {
		const s = await fragilitySection(await getDatabase(), locals.session!.actor, url.searchParams);
		const query = steeringQueryString(s.context.query);
		return { blocks: s.fragility.blocks.map((b) => ({ ...b, csvHref: `/pilotage/export/${b.table.id}.csv?${query}` })) };
	} catch (e) {
		pageError(e);
	}
};
