import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { eventPage } from '#lib/server/trainings/index.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** A page of links: no script */
export const csr = false;

export const load: PageServerLoad = async ({ locals, params }) => {
	try {
		return { e: await eventPage(await getDatabase(), locals.session?.actor ?? null, params.event) };
	} catch (e) {
		pageError(e);
	}
};
