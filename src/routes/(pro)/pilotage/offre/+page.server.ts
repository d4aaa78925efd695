import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { offerSection, steeringMaps, steeringQueryString } from '#lib/server/steering/index.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** The offer (issue 16, item 1): places per 10,000 inhabitants, population near a place, white zones, freshness, Pass Numérique. */
export const load: PageServerLoad = async ({ locals, url }) => {
	try {
		const db = await getDatabase();
		const s = await offerSection(db, locals.session!.actor, url.searchParams);
		const { geometry, maps } = await steeringMaps(db, s.context.query, s.offer.blocks);
		const query = steeringQueryString(s.context.query, { demi_journees: String(s.halfDays) });
		return {
			halfDays: s.halfDays,
			// the page's query with its minimum opening: the workbook's link keeps it as the tables' links do
			query,
			at: s.offer.at,
			geometry,
			// the figures only: the map's (its units' values), not the per-commune lists behind them
			blocks: s.offer.blocks.map(({ map: _map, ...b }) => ({ ...b, map: maps[b.table.id] ?? null, csvHref: `/pilotage/export/${b.table.id}.csv?${query}` }))
		};
	} catch (e) {
		pageError(e);
	}
};
