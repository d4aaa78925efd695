/** « Mes orientations » (Mon espace): where to go, when, the place's hours, and « Annuler cette orientation » in two steps. */
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { referralsView, withdraw } from '../space.server.ts';

export const csr = false;

export const load: PageServerLoad = async ({ locals }) => ({ referrals: await referralsView(await getDatabase(), locals.person!.beneficiaryIds) });

export const actions: Actions = {
	annuler: async (event) => withdraw(await getDatabase(), event.locals.person!, event)
};
