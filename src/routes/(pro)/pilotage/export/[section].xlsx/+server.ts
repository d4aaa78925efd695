import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { steeringWorkbook } from '#lib/server/steering/index.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** Every table of a steering section as one workbook, with the page's query (issue 16): `/pilotage/export/offre.xlsx?departement=47&periode=2026&niveau=epci`. */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	try {
		const { fileName, body } = await steeringWorkbook(
			await getDatabase(),
			locals.session!.actor,
			params.section,
			url.searchParams,
			(await loadInstance()).name
		);
		return new Response(new Uint8Array(body), {
			headers: {
				'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
				'content-disposition': `attachment; filename="${fileName}"`,
				'cache-control': 'private, no-store'
			}
		});
	} catch (e) {
		pageError(e);
	}
};
