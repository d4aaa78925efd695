import type { PageServerLoad } from './$types';
import { error } from '@sveltejs/kit';
import { getDatabase } from '#lib/server/db/client.ts';
import { equipmentSections } from '#lib/server/steering/index.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** /pilotage/materiel: the devices handed over by area and month, the delay from request to handover, the set-up within 60 days; masked (the layout loads the filter). */
export const load: PageServerLoad = async ({ locals, url }) => {
	try {
		const built = await equipmentSections(await getDatabase(), locals.session!.actor, url.searchParams);
		if (!built.allowed) error(403, 'Ces chiffres sont réservés aux coordinateurs du département.');
		return { sections: built.sections };
	} catch (e) {
		pageError(e);
	}
};
