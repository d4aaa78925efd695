import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { outcomeSections, sectionsGeometry } from '#lib/server/steering/index.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** /pilotage/resultats: les résultats, for the period and level asked, masked (the layout loads the filter). */
export const load: PageServerLoad = async ({ locals, url }) => {
	try {
		const db = await getDatabase();
		const { sections, reader } = await outcomeSections(db, locals.session!.actor, url.searchParams);
		// the maps' geometry at the level asked (none at the département's); pages are not hydrated, so it is not serialised twice
		const geometry = await sectionsGeometry(db, reader.context.query, sections);
		return { sections, geometry, scoped: reader.scope !== null };
	} catch (e) {
		pageError(e);
	}
};
