import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { accompanimentsCsv } from '#lib/server/accompaniments/index.ts';

/** The team's accompaniments of the list's period and place, for a spreadsheet (journaled). */
export const GET: RequestHandler = async ({ locals, url }) => {
	const q = url.searchParams;
	try {
		const r = await accompanimentsCsv(await getDatabase(), locals.session!.actor, { organisationId: q.get('structure'), placeId: q.get('lieu'), from: q.get('du'), to: q.get('au') }, locals.ip);
		return new Response(r.csv, {
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename="accompagnements-${r.from}-${r.to}.csv"`,
				'cache-control': 'private, no-store'
			}
		});
	} catch (e) {
		pageError(e);
	}
};
