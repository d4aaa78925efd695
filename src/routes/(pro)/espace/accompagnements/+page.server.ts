import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { placeAccompaniments } from '#lib/server/accompaniments/index.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const q = url.searchParams;
	try {
		const view = await placeAccompaniments(await getDatabase(), locals.session!.actor, {
			organisationId: q.get('structure'),
			placeId: q.get('lieu'),
			from: q.get('du'),
			to: q.get('au'),
			page: Number(q.get('page')) || 1
		});
		// the filters as they stand, for the pages' links
		const filters = new URLSearchParams();
		if (view.organisationId) filters.set('structure', view.organisationId);
		if (view.placeId) filters.set('lieu', view.placeId);
		filters.set('du', view.from);
		filters.set('au', view.to);
		return {
			view,
			filters: filters.toString(),
			// the confirmation after the form's redirect
			saved: q.has('enregistre'),
			honoured: q.get('orientation') === 'honoree'
		};
	} catch (e) {
		pageError(e);
	}
};
