/**
 * The journal capability's one public entry: the audit journal read in French (who did what,
 * as sentences), its filters and its CSV export. The audit capability writes the journal and
 * checks it; this one reads it for people, and may read every capability (their indexes),
 * which all write to the journal through audit/.
 */
export { JOURNAL_CSV_MAX, journalActors, journalCsv, journalOrganisations, readableEntries } from './readable.ts';
export { filtersQuery, journalQuery, PERIODS, readFilters } from './filters.ts';
export { actionChoices, actionLabel } from './sentences.ts';
export { exportJournal } from './export.ts';
export { journalPage } from './page.ts';
export {
	personJournal,
	personEntries,
	PERSON_SENTENCES,
	type JournalTarget,
	type PersonFacts,
	type PersonSentence,
	type PersonJournalEntry
} from './person.ts';
