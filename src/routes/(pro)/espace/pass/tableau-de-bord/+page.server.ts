import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { can } from '#lib/server/accounts/service.ts';
import { euros } from '#lib/server/pass/service.ts';
import { dashboardFor, dashboardQuery, type DashboardRowView } from '#lib/server/pass/steering.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const actor = locals.session!.actor;
	const d = await dashboardFor(await getDatabase(), actor, url.searchParams);
	const view = (rows: typeof d.byCampaign): DashboardRowView[] => rows.map((r) => ({ ...r, value: euros(r.redeemedCents) }));
	const sum = (rows: typeof d.byCampaign) => rows.reduce(
		(a, r) => ({ issued: a.issued + r.issued, distributed: a.distributed + r.distributed, redeemed: a.redeemed + r.redeemed, reimbursed: a.reimbursed + r.reimbursed, expired: a.expired + r.expired, redeemedCents: a.redeemedCents + r.redeemedCents }),
		{ issued: 0, distributed: 0, redeemed: 0, reimbursed: 0, expired: 0, redeemedCents: 0 }
	);
	const areaTotal = sum(d.byArea);
	const total = d.byCampaign.reduce(
		(a, r) => ({ issued: a.issued + r.issued, distributed: a.distributed + r.distributed, redeemed: a.redeemed + r.redeemed, reimbursed: a.reimbursed + r.reimbursed, expired: a.expired + r.expired, redeemedCents: a.redeemedCents + r.redeemedCents }),
		{ issued: 0, distributed: 0, redeemed: 0, reimbursed: 0, expired: 0, redeemedCents: 0 }
	);
	return {
		departments: d.departments,
		departmentCode: d.departmentCode,
		coordinator: can(actor, 'pass.manage', { departmentCode: d.departmentCode }),
		campaigns: d.campaigns,
		funders: [...d.funders].sort((a, b) => a.name.localeCompare(b.name, 'fr')),
		filter: d.filter,
		byCampaign: view(d.byCampaign),
		byArea: view(d.byArea),
		byPlace: view(d.byPlace),
		total: { ...total, value: euros(total.redeemedCents) },
		areaTotal: { ...areaTotal, value: euros(areaTotal.redeemedCents) },
		csvHref: `/espace/pass/tableau-de-bord.csv${dashboardQuery({ departement: d.departmentCode, campagne: d.filter.campaignId, financeur: d.filter.funderId })}`
	};
};
