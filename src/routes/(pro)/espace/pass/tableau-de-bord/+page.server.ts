import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { dashboardFor, dashboardQuery, dashboardRowView } from '#lib/server/pass/index.ts';
import { MASKED, SMALL_COUNT } from '#lib/server/stats/index.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	// a coordinator of the département sees exact counts; a funder sees small counts masked (the use case decides)
	const d = await dashboardFor(await getDatabase(), locals.session!.actor, url.searchParams);
	return {
		departments: d.departments,
		departmentCode: d.departmentCode,
		coordinator: d.exact,
		campaigns: d.campaigns,
		funders: [...d.funders].sort((a, b) => a.name.localeCompare(b.name, 'fr')),
		filter: d.filter,
		byCampaign: d.shown.byCampaign.map(dashboardRowView),
		byArea: d.shown.byArea.map(dashboardRowView),
		byPlace: d.shown.byPlace.map(dashboardRowView),
		total: dashboardRowView(d.shown.total),
		masked: !d.exact,
		smallCount: SMALL_COUNT,
		maskedLabel: MASKED,
		csvHref: `/espace/pass/tableau-de-bord.csv${dashboardQuery({ departement: d.departmentCode, campagne: d.filter.campaignId, financeur: d.filter.funderId })}`
	};
};
