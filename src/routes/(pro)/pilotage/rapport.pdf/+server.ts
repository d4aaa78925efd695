import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { steeringReport } from '#lib/server/steering/index.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** The printable report of the département or of one of its units (`?zone=`), for the period and level asked for (issue 16, item 9). */
export const GET: RequestHandler = async ({ locals, url }) => {
	try {
		const { fileName, body } = await steeringReport(await getDatabase(), locals.session!.actor, url.searchParams, (await loadInstance()).name);
		return new Response(new Uint8Array(body), {
			headers: {
				'content-type': 'application/pdf',
				'content-disposition': `attachment; filename="${fileName}"`,
				'cache-control': 'private, no-store'
			}
		});
	} catch (e) {
		pageError(e);
	}
};
