import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { dashboardCsv } from '#lib/server/pass/index.ts';
import { dashboardFor, shownDashboard } from '#lib/server/pass/index.ts';
import { can } from '#lib/server/accounts/index.ts';

/** The dashboard's three tables for a spreadsheet, with the page's filters; small counts masked as on the page. */
export const GET: RequestHandler = async ({ locals, url }) => {
	const actor = locals.session!.actor;
	const d = await dashboardFor(await getDatabase(), actor, url.searchParams);
	const campaign = d.filter.campaignId ? `-${d.filter.campaignId.slice(0, 8)}` : '';
	return new Response(dashboardCsv(shownDashboard(d, can(actor, 'pass.manage', { departmentCode: d.departmentCode }))), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="pass-numerique-${d.departmentCode}${campaign}.csv"`,
			'cache-control': 'private, no-store'
		}
	});
};
