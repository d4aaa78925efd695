/**
 * Contracts between the pieces of the places capability. Field names of a Place are
 * the camelCase forms of the national standard's (schéma v1.0.2) snake_case names.
 */

/** A row shaped like the national standard: its snake_case field names, raw values. */
export type StandardRecord = Record<string, string | number | boolean | null | undefined>;

/** A place's fields as stored (the standard's fields, validated and normalised). */
export interface PlaceFields {
	id: string;
	pivot: string;
	nom: string;
	commune: string;
	codePostal: string;
	codeInsee: string | null;
	adresse: string;
	complementAdresse: string | null;
	latitude: number | null;
	longitude: number | null;
	typologie: string[];
	telephone: string | null;
	courriels: string[];
	siteWeb: string[];
	horaires: string | null;
	presentationResume: string | null;
	presentationDetail: string | null;
	source: string | null;
	itinerance: string[];
	structureParente: string | null;
	dateMaj: string; // YYYY-MM-DD
	services: string[];
	publicsSpecifiquementAdresses: string[];
	priseEnChargeSpecifique: string[];
	fraisACharge: string[];
	dispositifProgrammesNationaux: string[];
	formationsLabels: string[];
	autresFormationsLabels: string[];
	modalitesAcces: string[];
	modalitesAccompagnement: string[];
	ficheAccesLibre: string | null;
	priseRdv: string | null;
}

export type LocationPrecision = 'address' | 'municipality';

/** One record read from a source file, mapped to the standard but not yet validated. */
export interface SourceRecord {
	/** 1-based row number in the file (data rows; header excluded) */
	row: number;
	/** the data set this record comes from, e.g. "france-services", "gironde-33", or the standard's `source` */
	source: string;
	/** the record's id inside its source (stable across re-imports) */
	sourceId: string;
	record: StandardRecord;
	locationPrecision: LocationPrecision;
	/** things not mapped or corrected (French, for the import report) */
	warnings: string[];
	/** the source says the place accepts the Pass Numérique (v0 « Accepte le Pass numérique »; no v1 field) */
	passNumerique?: boolean;
	/** standard field → the file's column it was read from, where the names differ (for the fidelity table) */
	origins?: Record<string, string>;
}

export interface Rejection {
	row: number;
	sourceId?: string;
	/** French, one per problem */
	reasons: string[];
}

/** A row left out on purpose, not for an error (e.g. a data·inclusion structure with no service of digital help). */
export interface Skip {
	row: number;
	sourceId?: string;
	/** French */
	reason: string;
}

export interface ParsedFile {
	/** detected format, e.g. "standard-csv", "standard-json", "v0-json", "france-services-csv" */
	format: string;
	/** default source name for the file */
	source: string;
	records: SourceRecord[];
	/** rows that could not even be mapped (the validator rejects more later) */
	rejected: Rejection[];
	/** rows that are not places of digital help: counted apart, neither records nor rejections */
	skipped?: Skip[];
}

/** A commune as the importers and the search need it (all in memory: ~35,000). */
export interface MunicipalityInfo {
	inseeCode: string;
	name: string;
	postcodes: string[];
	latitude: number | null;
	longitude: number | null;
	departmentCode: string;
}

export interface MunicipalityLookup {
	byInsee(code: string): MunicipalityInfo | undefined;
	/** communes having this postcode */
	byPostcode(postcode: string): MunicipalityInfo[];
	/** best match for a name (accents, case, hyphens, "ST"/"SAINT", articles ignored), optionally within a postcode or département */
	byName(name: string, opts?: { postcode?: string; departmentCode?: string }): MunicipalityInfo | undefined;
}

/** Search filters, as carried in the URL of /lieux and the API. */
export interface PlaceFilters {
	services: string[];
	publics: string[];
	priseEnCharge: string[];
	/** frais_a_charge contains "Gratuit" */
	gratuit: boolean;
	modalitesAcces: string[];
	modalitesAccompagnement: string[];
	programmes: string[];
	ouvertMaintenant: boolean;
	ouvertSamedi: boolean;
	itinerant: boolean;
	/** places that accept the Pass Numérique (qualified: see maillage_pass_places()) */
	pass: boolean;
	/** restrict to these départements (the instance's, by default in the UI) */
	departements: string[];
}

/** Where the person looks from ("Où ?"). */
export interface WherePoint {
	label: string;
	latitude: number;
	longitude: number;
	kind: 'municipality' | 'postcode' | 'address';
	inseeCode?: string;
}

export type WhereResolution =
	/** addressNotFound: an address was typed but only its commune was found (the search runs from the commune's centre) */
	| { status: 'found'; point: WherePoint; addressNotFound?: boolean }
	| { status: 'ambiguous'; query: string; candidates: WherePoint[] }
	| { status: 'not_found'; query: string };
