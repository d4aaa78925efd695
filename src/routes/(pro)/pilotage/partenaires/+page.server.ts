import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { partnerSections } from '#lib/server/steering/index.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** /pilotage/partenaires: les partenaires, for the period and level asked, masked (the layout loads the filter). */
export const load: PageServerLoad = async ({ locals, url }) => {
	try {
		const { sections, reader } = await partnerSections(await getDatabase(), locals.session!.actor, url.searchParams);
		return { sections, scoped: reader.scope !== null };
	} catch (e) {
		pageError(e);
	}
};
