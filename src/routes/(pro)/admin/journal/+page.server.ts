import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { asScoped } from '#lib/server/accounts/index.ts';
import { searchJournal } from '#lib/server/audit/index.ts';
import {
	filtersQuery,
	journalQuery,
	PERIODS,
	readFilters,
	journalActors,
	journalOrganisations,
	readableEntries,
	actionChoices
} from '#lib/server/journal/index.ts';
import { positiveInteger } from '#lib/server/web/params.ts';

/** The journal in French (issue 12, item 13): sentences with names, filters chosen from lists, a CSV export. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const actor = locals.session!.actor;
	const f = readFilters(url.searchParams);
	const { query, errors } = journalQuery(actor, f);
	// the cursor of the next page: a whole number written by this page (1e400 was a 500)
	const cursor = positiveInteger(url.searchParams.get('avant'));
	if (Number.isNaN(cursor)) error(400, 'Le lien de la page suivante n’est pas valide. Relancez la recherche.');
	const before = cursor ?? undefined;
	const db = await getDatabase();
	return asScoped(db, actor, async (scoped) => {
		const result = Object.keys(errors).length ? { rows: [], next: null } : await searchJournal(db, { ...query, before, limit: 50 }, scoped);
		const [rows, people, structures] = await Promise.all([
			readableEntries(scoped, actor, result.rows),
			journalActors(scoped, query.departmentCodes),
			journalOrganisations(scoped, query.departmentCodes)
		]);
		return {
			q: f,
			errors,
			rows,
			people,
			structures,
			actions: actionChoices(),
			periods: Object.entries(PERIODS).map(([value, label]) => ({ value, label })),
			next: result.next ? filtersQuery(f, { avant: String(result.next) }) : null,
			csvHref: `/admin/journal/journal.csv${filtersQuery(f) ? `?${filtersQuery(f)}` : ''}`,
			isFirstPage: !before
		};
	});
};
