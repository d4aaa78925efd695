/**
 * Places: the capability's one public entry. Routes, other capabilities, the command line,
 * benchmarks and tests import from here, never from the files inside places/ (which never
 * import this file). The tables (db.ts) are not exported here.
 */

// the standard: vocabularies, field types, one record's validation, CSV
export type { MunicipalityInfo, MunicipalityLookup, StandardRecord, WherePoint, WhereResolution } from './types.ts';
export {
	FRAIS_A_CHARGE,
	MODALITES_ACCES,
	MODALITES_ACCOMPAGNEMENT,
	PRISE_EN_CHARGE_SPECIFIQUE,
	PUBLICS_SPECIFIQUEMENT_ADRESSES,
	SERVICES,
	VOCABULARIES
} from './vocabulary.ts';
export { isValidSiret, listCell, parseStandardRecord } from './model.ts';
export { normalizeKey } from './values.ts';
export { csvHeader, csvRow, parseStandardCsv } from './csv.ts';

// opening hours
export { DAY_NAMES, weeklyOpenIntervals } from './hours.ts';
export { horairesToRanges, rangesToHoraires, splitClosures, weekTable, withClosures } from './hours-week.ts';

// import of source files
export { importPlaces } from './import.ts';
export { ImportFailedError, TerritoryNotLoadedError } from './import-failure.ts';
export { formatReport, formatFidelity, formatStoredReport, getImportReport, listImportReports, type ImportReport, type StoredImportReport } from './reports.ts';
export type { FidelityRow } from './sources/fidelity.ts';
export { parseSourceFile } from './sources/index.ts';
export { testMunicipalityLookup } from './sources/test-lookup.ts';

// the public search, a place's page, the API
export { emptyFilters, filtersFromSearchParams, filtersToSearchParams, hasActiveFilters } from './filters.ts';
export { NEARBY_METRES } from './search-sql.ts';
export { anyPassPlace, coverage, searchPlaces, searchPlacesJson, type SearchItem } from './search.ts';
export { allPlaces, countPlaces, distanceMetres, getPlace, type PublicPlace } from './place.ts';
export { placeValueText } from './display.ts';
export {
	GEOJSON_MEDIA_TYPE,
	mapSearchError,
	pageLinkHeader,
	placeToJson,
	searchGeoJsonBody,
	searchJsonBody,
	searchParamsFromQuery,
	validateFilters
} from './api.ts';
export { openApiDocument } from './openapi.ts';
export { bodyValidators, exportState, lastPlaceChange, latest, REPRESENTATION, type ExportState, type PlaceValidators } from './freshness.ts';
export {
	LICENCE_OUVERTE,
	NO_EXPLICIT_LICENCE,
	PLACE_SOURCES,
	sourceCounts,
	UNLICENSED_SOURCES,
	type Licence,
	type SourceCount,
	type SourceDescription
} from './licences.ts';
export {
	describeDownload,
	DOWNLOAD_PATHS,
	downloadSize,
	downloadStream,
	openDataSummary,
	placesCsvStream,
	STANDARD_SCHEMA_NAME,
	STANDARD_SCHEMA_URL,
	type Download,
	type DownloadKind,
	type OpenDataSummary,
	reuseDepartements
} from './downloads.ts';

// data·inclusion (schema v1): our places as its structures and services (its files are read by the import, sources/data-inclusion.ts)
export { DATA_INCLUSION_SCHEMA } from './data-inclusion/mapping.ts';
export { placeToServices, placeToStructure } from './data-inclusion/export.ts';
export {
	dataInclusionChunks,
	dataInclusionStream,
	producerName,
	schemaUrl as dataInclusionSchemaUrl,
	type DataInclusionPart
} from './data-inclusion/stream.ts';

// the national map's web component (@gouvfr-anct/cartographie-nationale): its feed and what it leaves out
export { toNationalMapRecord, nationalMapRefusal, EXCLUSION_REASONS as NATIONAL_MAP_EXCLUSIONS, type NationalMapRecord } from './national-map.ts';
export {
	NATIONAL_MAP_COMPONENT,
	NATIONAL_MAP_HEADERS,
	nationalMapFeed,
	nationalMapSummary,
	nationalMapValidators,
	nationalMapSummaryJson,
	recentNationalMapSummary,
	type NationalMapSummary
} from './national-map-feed.ts';

// « Signaler une erreur »
export { ERROR_REPORT_FIELDS, errorReportsFor, isReportId, listErrorReports, reportPlaceError, resolveErrorReport } from './error-reports.ts';
export { getErrorReport, rejectErrorReport } from './report-answer.ts';

// managers (the place's form, stale places; claims are accounts') and coordinators (corrections, closure, merges, work list)
export { PlaceManagementError } from './errors.ts';
export { canEditPlace, managedPlaces, remindStalePlace, stalePlaces, updatePlace, type PlaceForm } from './manage.ts';
export {
	applyNormalCase,
	canCuratePlace,
	correctPlace,
	CORRECTABLE,
	createPlace,
	identityFormOf,
	placeOverrides,
	survivorOf,
	takeSourceValue,
	type IdentityForm,
	type NewPlaceForm
} from './edit.ts';
export { closePlace, reopenPlace, type ClosureForm } from './closing.ts';
export { loadMergePair, mergeCandidates, mergePlaces, mergePreview, MERGE_FIELDS, type MergeChoice } from './merge.ts';
export { workAreas, workList, WORK_KINDS, type WorkKind } from './worklist.ts';

// lookups for other capabilities (names by id, a place by name, a commune's places)
// for other capabilities: places by ids, by words, by département; the place of an error report
export {
	placeNames,
	placeCard,
	placeCards,
	placeSummaries,
	placeForReferral,
	placesBySiret,
	placesMatchingWords,
	placesOf,
	placesOfCommune,
	placeIdByName,
	placesOfErrorReports,
	type PlaceCard,
	type PlaceSummary
} from './lookups.ts';
// the steering space's offer figures (issue 16)
export { offerPassPlaces, offerPlaces, offerPlacesChanged, parseWeekRanges, type OfferPlace } from './offer-facts.ts';
export { usePlaceTeams, type PlaceTeams } from './teams.ts';
export { placesToReferTo, candidateWords, type Candidate, type CandidateQuery, type Receives } from './candidates.ts';
