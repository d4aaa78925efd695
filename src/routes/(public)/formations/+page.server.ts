import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { catalogue, parseCatalogueFilter, upcomingEvents } from '#lib/server/trainings/index.ts';
import { formatDate } from '#lib/components/format.ts';

/** The catalogue is a page of links and a GET form: no script */
export const csr = false;

export const load: PageServerLoad = async ({ url }) => {
	const filter = parseCatalogueFilter(url.searchParams);
	const db = await getDatabase();
	const [c, events] = await Promise.all([catalogue(db, filter), upcomingEvents(db)]);
	return {
		...c,
		events: events.map((e) => ({
			...e,
			dates: e.endsOn === e.startsOn ? formatDate(e.startsOn, { weekday: true }) : `du ${formatDate(e.startsOn)} au ${formatDate(e.endsOn)}`
		})),
		filter: { audience: filter.audience ?? '', theme: filter.theme ?? '', area: filter.area ?? '', month: filter.month?.slice(0, 7) ?? '' },
		filtered: !!(filter.audience || filter.theme || filter.area || filter.month)
	};
};
