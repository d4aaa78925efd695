import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { euros } from '#lib/components/format.ts';
import { MASKED, partnerOrganisations, partnerOverview, shownPartnerCampaigns, shownReferrals, SMALL_COUNT } from '#lib/server/partner/index.ts';

/** The partner's own figures (issue 12, item 12): reachable before the second factor, nothing personal on it. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const session = locals.session!;
	const db = await getDatabase();
	const mine = await partnerOrganisations(db, session.actor);
	if (!mine.length) error(403, 'Cette page présente les chiffres d’une structure partenaire\u00a0: votre compte n’a pas le rôle « partenaire ».');
	const asked = url.searchParams.get('structure');
	const org = mine.find((o) => o.id === asked) ?? mine[0];
	try {
		const o = await partnerOverview(db, session.actor, org.id);
		const referrals = shownReferrals(o);
		const counts = await shownPartnerCampaigns(db, session.actor, o);
		return {
			organisations: mine.map((m) => ({ id: m.id, name: m.name })),
			organisation: o.organisation,
			beforeCode: !session.mfa,
			fund: {
				contributed: euros(o.fund.contributedCents),
				committed: euros(o.fund.committedCents),
				creditedBack: euros(o.fund.creditedBackCents),
				available: euros(o.fund.availableCents)
			},
			contributions: o.contributions.map((c) => ({ ...c, amount: euros(c.amountCents) })),
			campaigns: o.campaigns.map((c) => ({ ...c, share: euros(c.shareCents), ...counts.get(c.id)! })),
			referrals: referrals.rows,
			referralTotals: referrals.totals,
			smallCount: SMALL_COUNT,
			masked: MASKED
		};
	} catch (e) {
		pageError(e);
	}
};
