/**
 * The journal page's use case (issue 12, item 13): one page of the journal in French, with the
 * lists its filters choose from, for a coordinator (their départements) or the instance's
 * administrator (every one). Refused to anyone else; the route only reads its parameters.
 */
import type { Database } from '../db/client.ts';
import { searchJournal } from '../audit/index.ts';
import { asScoped, can, type Actor } from '../accounts/index.ts';
import { DomainError } from '../errors.ts';
import { journalQuery, type JournalFilters } from './filters.ts';
import { journalActors, journalOrganisations, readableEntries } from './readable.ts';

export async function journalPage(database: Database, actor: Actor, f: JournalFilters, before?: number) {
	const { query, errors } = journalQuery(actor, f);
	const departments = query.departmentCodes;
	if (departments !== null && !departments.some((d) => can(actor, 'journal.read', { departmentCode: d })))
		throw new DomainError('forbidden', 'Le journal est réservé à la coordination départementale.');
	return asScoped(database, actor, async (scoped) => {
		const result = Object.keys(errors).length ? { rows: [], next: null } : await searchJournal(database, { ...query, before, limit: 50 }, scoped);
		const [rows, people, structures] = await Promise.all([
			readableEntries(scoped, actor, result.rows),
			journalActors(scoped, departments),
			journalOrganisations(scoped, departments)
		]);
		return { errors, rows, people, structures, next: result.next };
	});
}
