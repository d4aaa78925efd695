import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { lastRedemptionDay, listCampaigns } from '#lib/server/pass/index.ts';
import { dayLabel, euros } from '#lib/components/format.ts';
import { CAMPAIGN_STATUS, pickFundDepartment, stateColumns } from '#lib/server/pass/index.ts';
import { pageError } from '#lib/server/web/errors.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	const { departments, departmentCode } = await pickFundDepartment(db, actor, url.searchParams.get('departement'));
	try {
		const campaigns = await listCampaigns(db, actor, departmentCode);
		return {
			departments,
			departmentCode,
			states: stateColumns,
			campaigns: campaigns.map((c) => ({
				id: c.id,
				name: c.name,
				faceValue: euros(c.faceValueCents),
				bookletSize: c.bookletSize,
				validity: `du ${dayLabel(c.validFrom)} au ${dayLabel(c.validUntil)}`,
				lastDay: dayLabel(lastRedemptionDay(c)),
				status: c.status,
				statusLabel: CAMPAIGN_STATUS[c.status] ?? c.status,
				counts: c.counts
			}))
		};
	} catch (e) {
		pageError(e);
	}
};
