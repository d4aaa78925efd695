import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { exportRecord } from '#lib/server/privacy/index.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** The person's data, complete and machine-readable (RGPD art. 15 and 20). */
export const GET: RequestHandler = async ({ params, locals }) => {
	try {
		const data = await exportRecord(await getDatabase(), locals.session!.actor, params.id, (await loadInstance()).name, locals.ip);
		return new Response(JSON.stringify(data, null, 2), {
			headers: { 'content-type': 'application/json; charset=utf-8', 'content-disposition': `attachment; filename="donnees-${params.id.slice(0, 8)}.json"`, 'cache-control': 'private, no-store' }
		});
	} catch (e) {
		pageError(e);
	}
};
