import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { catalogue, parseCatalogueFilter } from '#lib/server/trainings/index.ts';

/** The catalogue is a page of links and a GET form: no script */
export const csr = false;

export const load: PageServerLoad = async ({ url }) => {
	const filter = parseCatalogueFilter(url.searchParams);
	const c = await catalogue(await getDatabase(), filter);
	return {
		...c,
		filter: { audience: filter.audience ?? '', theme: filter.theme ?? '', area: filter.area ?? '', month: filter.month?.slice(0, 7) ?? '' },
		filtered: !!(filter.audience || filter.theme || filter.area || filter.month)
	};
};
