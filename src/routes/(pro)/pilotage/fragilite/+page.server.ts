import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { fragilitySection, steeringMaps, steeringQueryString } from '#lib/server/steering/index.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** The fragility (issue 16, item 2): the digital fragility index and its indicators by unit, the fragile population far from any place. */
export const load: PageServerLoad = async ({ locals, url }) => {
	try {
		const db = await getDatabase();
		const s = await fragilitySection(db, locals.session!.actor, url.searchParams);
		const { geometry, maps } = await steeringMaps(db, s.context.query, s.fragility.blocks);
		const query = steeringQueryString(s.context.query);
		return {
			geometry,
			blocks: s.fragility.blocks.map(({ map: _map, ...b }) => ({ ...b, map: maps[b.table.id] ?? null, csvHref: `/pilotage/export/${b.table.id}.csv?${query}` }))
		};
	} catch (e) {
		pageError(e);
	}
};
