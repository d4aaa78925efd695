import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { openDataTable } from '#lib/server/steering/index.ts';
import { pageError } from '#lib/server/web/errors.ts';

/**
 * A steering table published as open data (issue 16, item 9), at a stable address:
 * `/donnees/pilotage/47/offre-territoires.csv` (the last finished year, by EPCI), or with
 * `?periode=2025-T3&niveau=commune`. Places, population and the fragility index; the demand
 * and the outcomes as counts of persons, masked as on the steering pages, published months only.
 */
export const GET: RequestHandler = async ({ params, url }) => {
	try {
		const { fileName, body } = await openDataTable(await getDatabase(), params.departement.slice(0, 3), params.table, url.searchParams);
		return new Response(body, {
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename="${fileName}"`,
				'access-control-allow-origin': '*',
				// the offer moves when a place changes, the demand when a month is published: an hour of caching
				'cache-control': 'public, max-age=3600'
			}
		});
	} catch (e) {
		pageError(e);
	}
};
