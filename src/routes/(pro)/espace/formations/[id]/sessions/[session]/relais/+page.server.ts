import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { sessionRelays } from '#lib/server/trainings/index.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** A page to read: no script */
export const csr = false;

export const load: PageServerLoad = async ({ locals, params }) => {
	try {
		return await sessionRelays(await getDatabase(), locals.session!.actor, params.session, params.id);
	} catch (e) {
		pageError(e);
	}
};
