import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { can } from '#lib/server/accounts/index.ts';
import { dashboardFor, dashboardQuery, dashboardRowView, shownDashboard } from '#lib/server/pass/index.ts';
import { MASKED, SMALL_COUNT } from '#lib/server/stats/index.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const actor = locals.session!.actor;
	const d = await dashboardFor(await getDatabase(), actor, url.searchParams);
	// a coordinator of the département sees exact counts; a funder sees small counts masked
	const coordinator = can(actor, 'pass.manage', { departmentCode: d.departmentCode });
	const shown = shownDashboard(d, coordinator);
	return {
		departments: d.departments,
		departmentCode: d.departmentCode,
		coordinator,
		campaigns: d.campaigns,
		funders: [...d.funders].sort((a, b) => a.name.localeCompare(b.name, 'fr')),
		filter: d.filter,
		byCampaign: shown.byCampaign.map(dashboardRowView),
		byArea: shown.byArea.map(dashboardRowView),
		byPlace: shown.byPlace.map(dashboardRowView),
		total: dashboardRowView(shown.total),
		masked: !coordinator,
		smallCount: SMALL_COUNT,
		maskedLabel: MASKED,
		csvHref: `/espace/pass/tableau-de-bord.csv${dashboardQuery({ departement: d.departmentCode, campagne: d.filter.campaignId, financeur: d.filter.funderId })}`
	};
};
