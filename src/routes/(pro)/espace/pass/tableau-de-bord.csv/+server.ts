import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { dashboardCsv, dashboardFor } from '#lib/server/pass/index.ts';

/** The dashboard's three tables for a spreadsheet, with the page's filters; small counts masked as on the page. */
export const GET: RequestHandler = async ({ locals, url }) => {
	const d = await dashboardFor(await getDatabase(), locals.session!.actor, url.searchParams);
	const campaign = d.filter.campaignId ? `-${d.filter.campaignId.slice(0, 8)}` : '';
	return new Response(dashboardCsv(d.shown), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="pass-numerique-${d.departmentCode}${campaign}.csv"`,
			'cache-control': 'private, no-store'
		}
	});
};
