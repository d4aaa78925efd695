/**
 * The person's page reached by the link in their SMS, e-mail or printed sheet (valid 90
 * days, not spent by use): the same list and "Annuler" as /mes-orientations, without a code.
 */
import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { checkPersonLink, PERSON_LINK_DAYS } from '#lib/server/referral/service.ts';
import { PRIVATE_HEADERS, referralsView, withdraw } from '../person-view.server.ts';

export const csr = false;

const MESSAGES = {
	invalid: 'Ce lien n’est pas valide. Vérifiez qu’il est complet : il est parfois coupé en deux dans un SMS ou un e-mail.',
	expired: `Ce lien a expiré : il est valable ${PERSON_LINK_DAYS} jours.`
};

export const load: PageServerLoad = async ({ params, setHeaders }) => {
	setHeaders(PRIVATE_HEADERS);
	const c = checkPersonLink(params.token);
	if (!c.ok) error(c.reason === 'expired' ? 410 : 404, MESSAGES[c.reason]);
	return { referrals: await referralsView(await getDatabase(), [c.beneficiaryId]) };
};

export const actions: Actions = {
	annuler: async (event) => {
		const c = checkPersonLink(event.params.token ?? '');
		if (!c.ok) error(c.reason === 'expired' ? 410 : 404, MESSAGES[c.reason]);
		return withdraw(await getDatabase(), [c.beneficiaryId], event);
	}
};
