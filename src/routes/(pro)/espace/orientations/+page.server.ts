import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { teamReferrals, STATUS_LABELS, REFERRAL_STATUSES } from '#lib/server/referral/index.ts';
import { holdingOrganisations } from '#lib/server/beneficiaries/index.ts';
import { abilities } from '#lib/server/accounts/index.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const actor = locals.session!.actor;
	const canReceive = abilities(actor).placeTeam;
	const canSend = holdingOrganisations(actor).length > 0;
	const asked = url.searchParams.get('boite');
	const box: 'received' | 'sent' = asked === 'envoyees' ? 'sent' : asked === 'recues' ? 'received' : canReceive ? 'received' : 'sent';
	const status = url.searchParams.get('statut');
	const page = Math.max(1, Number(url.searchParams.get('page')) || 1);
	const view = await teamReferrals(await getDatabase(), actor, { box, status, page });
	return { box, status: status && (REFERRAL_STATUSES as readonly string[]).includes(status) ? status : null, view, labels: STATUS_LABELS, canReceive, canSend };
};
