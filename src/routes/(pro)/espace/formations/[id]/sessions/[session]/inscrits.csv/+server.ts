import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { registrantsCsv } from '#lib/server/trainings/index.ts';

/** The session's registrants, for a spreadsheet (journaled). */
export const GET: RequestHandler = async ({ locals, params }) => {
	try {
		const r = await registrantsCsv(await getDatabase(), locals.session!.actor, params.session, { ip: locals.ip, trainingId: params.id });
		return new Response(r.csv, {
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename="${r.fileName}"`,
				'cache-control': 'private, no-store'
			}
		});
	} catch (e) {
		pageError(e);
	}
};
