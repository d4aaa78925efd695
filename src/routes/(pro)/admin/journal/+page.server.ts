import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { filtersQuery, journalPage, PERIODS, readFilters, actionChoices } from '#lib/server/journal/index.ts';
import { positiveInteger } from '#lib/server/web/params.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** The journal in French (issue 12, item 13): sentences with names, filters chosen from lists, a CSV export. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const f = readFilters(url.searchParams);
	// the cursor of the next page: a whole number written by this page (1e400 was a 500)
	const cursor = positiveInteger(url.searchParams.get('avant'));
	if (Number.isNaN(cursor)) error(400, 'Le lien de la page suivante n’est pas valide. Relancez la recherche.');
	const before = cursor ?? undefined;
	let page;
	try {
		page = await journalPage(await getDatabase(), locals.session!.actor, f, before);
	} catch (e) {
		pageError(e);
	}
	return {
		q: f,
		errors: page.errors,
		rows: page.rows,
		people: page.people,
		structures: page.structures,
		actions: actionChoices(),
		periods: Object.entries(PERIODS).map(([value, label]) => ({ value, label })),
		next: page.next ? filtersQuery(f, { avant: String(page.next) }) : null,
		csvHref: `/admin/journal/journal.csv${filtersQuery(f) ? `?${filtersQuery(f)}` : ''}`,
		isFirstPage: !before
	};
};
