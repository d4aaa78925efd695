/**
 * The accompaniments capability's public entry: the national vocabulary, the days, the
 * form's rules, recording an accompaniment (which honours a referral), the place's team
 * view and its CSV export, and the exchange with La Coop de la médiation numérique
 * (export in its words, import of its export). Code outside accompaniments/ imports from here; the table
 * stays in db.ts.
 */
export * from './vocabulary.ts';
export * from './model.ts';
export {
	recordingOrganisations,
	recordAccompaniment,
	lastAccompaniment,
	recordingForm,
	placeAccompaniments,
	type Accompaniment,
	type RecordResult,
	type RecordingFormView,
	type AccompanimentListItem,
	type AccompanimentTotals,
	type AccompanimentsView
} from './service.ts';
export { accompanimentsCsv, EXPORT_HEADERS, EXPORT_MAX_ROWS } from './export.ts';
// La Coop de la médiation numérique: our accompaniments in its words, its export imported
export { COOP_COMMIT, COOP_EXPORT_HEADERS, COOP_REPOSITORY } from './coop.ts';
export { coopExport, type CoopExport, type CoopFormat } from './coop-export.ts';
export { COOP_MAX_BYTES, COOP_MAX_LINES } from './coop-read.ts';
export { COOP_MAX_INFLATED } from './coop-xlsx.ts';
export { coopPage, importCoopActivities, type CoopImportReport, type CoopImportResult, type CoopPageView } from './coop-import.ts';
export { personalData } from './personal-data.ts';
export { accompanimentDates, accompanimentsAtPlaceSince } from './lookups.ts';
