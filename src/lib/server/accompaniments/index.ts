/**
 * The accompaniments capability's public entry: the national vocabulary, the days, the
 * form's rules, recording an accompaniment (which honours a referral), the place's team
 * view and its CSV export. Code outside accompaniments/ imports from here; the table
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
export { personalData } from './personal-data.ts';
export { accompanimentDates, accompanimentsAtPlaceSince } from './lookups.ts';
