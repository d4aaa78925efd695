import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { steeringExport } from '#lib/server/steering/index.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** Any table of the steering space as a CSV for spreadsheets, with the page's query (issue 16): `/pilotage/export/offre-services.csv?departement=47&periode=2026&niveau=epci`. */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	try {
		const { fileName, body } = await steeringExport(await getDatabase(), locals.session!.actor, params.table, url.searchParams);
		return new Response(body, {
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename="${fileName}"`,
				'cache-control': 'private, no-store'
			}
		});
	} catch (e) {
		pageError(e);
	}
};
