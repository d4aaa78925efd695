import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { sectionsGeometry, trainingSections } from '#lib/server/steering/index.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** /pilotage/formations: the helpers trained, the sessions and hours, the satisfaction, for the period and level asked, masked (the layout loads the filter). */
export const load: PageServerLoad = async ({ locals, url }) => {
	try {
		const db = await getDatabase();
		const { sections, reader } = await trainingSections(db, locals.session!.actor, url.searchParams);
		const geometry = await sectionsGeometry(db, reader.context.query, sections);
		return { sections, geometry, scoped: reader.scope !== null };
	} catch (e) {
		pageError(e);
	}
};
