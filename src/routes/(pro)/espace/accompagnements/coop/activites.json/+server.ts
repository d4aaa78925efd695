import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { coopExport } from '#lib/server/accompaniments/index.ts';

/** The actor's own accompaniments of the period, as `activite` resources of La Coop's API v1 (journaled). */
export const GET: RequestHandler = async ({ locals, url }) => {
	const q = url.searchParams;
	try {
		const r = await coopExport(
			await getDatabase(),
			locals.session!.actor,
			'json',
			{ organisationId: q.get('structure'), placeId: q.get('lieu'), from: q.get('du'), to: q.get('au'), self: url.href },
			locals.ip
		);
		return new Response(r.body, {
			headers: {
				'content-type': 'application/json; charset=utf-8',
				'content-disposition': `attachment; filename="coop-numerique_activites_${r.from}_${r.to}.json"`,
				'cache-control': 'private, no-store'
			}
		});
	} catch (e) {
		pageError(e);
	}
};
