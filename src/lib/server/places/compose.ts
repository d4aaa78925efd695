/**
 * One place from its sources' views: what each source says of it (a view, stored compact),
 * composed (identity and position from the best source, the rest completed, lists joined;
 * what the place's manager wrote in maillage wins), then the coordinators' hand corrections
 * put back over it. Used by the import, the managers' form, the coordinators' edits and merges.
 */
import { createHash } from 'node:crypto';
import type { LocationPrecision, PlaceFields } from './types.ts';
import { LIST_FIELDS } from './model.ts';

/** What we keep of one source's view of a place: validated fields + how precise its position is. */
export interface SourceView {
	fields: Omit<PlaceFields, 'id'>;
	locationPrecision: LocationPrecision;
	/** the source says the place accepts the Pass Numérique (no field of the standard holds it) */
	passNumerique?: true;
}

/** A source view as stored: fields without their empty values (lists [], null), about half the size. */
export type StoredView = { fields: Partial<Omit<PlaceFields, 'id'>>; locationPrecision: LocationPrecision; passNumerique?: true };

export function compactView(v: SourceView): StoredView {
	const fields: Record<string, unknown> = {};
	for (const [k, x] of Object.entries(v.fields)) {
		if (x == null || (Array.isArray(x) && x.length === 0)) continue;
		fields[k] = x;
	}
	return { fields: fields as StoredView['fields'], locationPrecision: v.locationPrecision, ...(v.passNumerique ? { passNumerique: true } : {}) };
}

const EMPTY_FIELDS: Omit<PlaceFields, 'id' | 'pivot' | 'nom' | 'commune' | 'codePostal' | 'adresse' | 'dateMaj'> = {
	codeInsee: null,
	complementAdresse: null,
	latitude: null,
	longitude: null,
	typologie: [],
	telephone: null,
	courriels: [],
	siteWeb: [],
	horaires: null,
	presentationResume: null,
	presentationDetail: null,
	source: null,
	itinerance: [],
	structureParente: null,
	services: [],
	publicsSpecifiquementAdresses: [],
	priseEnChargeSpecifique: [],
	fraisACharge: [],
	dispositifProgrammesNationaux: [],
	formationsLabels: [],
	autresFormationsLabels: [],
	modalitesAcces: [],
	modalitesAccompagnement: [],
	ficheAccesLibre: null,
	priseRdv: null
};

export function expandView(v: StoredView): SourceView {
	return {
		fields: { ...EMPTY_FIELDS, ...v.fields } as SourceView['fields'],
		locationPrecision: v.locationPrecision,
		...(v.passNumerique ? { passNumerique: true } : {})
	};
}

export function placeIdFor(source: string, sourceId: string): string {
	return 'l' + createHash('sha256').update(`${source}\u0000${sourceId}`).digest('hex').slice(0, 15);
}

const SCALARS_FROM_PRIMARY = ['nom', 'commune', 'codePostal', 'codeInsee', 'adresse', 'complementAdresse', 'latitude', 'longitude'] as const;
const LISTS = LIST_FIELDS;
const OTHER_SCALARS = ['telephone', 'horaires', 'presentationResume', 'presentationDetail', 'structureParente', 'ficheAccesLibre', 'priseRdv'] as const;

/** Orders a place's sources: precise position first, then the most recently updated. */
function byPriority(a: SourceView & { source: string }, b: SourceView & { source: string }): number {
	if (a.locationPrecision !== b.locationPrecision) return a.locationPrecision === 'address' ? -1 : 1;
	if (a.fields.dateMaj !== b.fields.dateMaj) return a.fields.dateMaj < b.fields.dateMaj ? 1 : -1;
	return a.source < b.source ? -1 : a.source > b.source ? 1 : 0;
}

/** The source of what a place's manager wrote in maillage itself: it wins over imported sources. */
export const MANAGER_SOURCE = 'maillage';

export type ComposedPlace = PlaceFields & { locationPrecision: LocationPrecision; passNumerique: boolean };

/**
 * One place from all its sources: identity and position from the best source, the rest
 * completed, lists joined. It accepts the Pass Numérique when one of its sources says so.
 */
export function composePlace(id: string, views: (SourceView & { source: string })[]): ComposedPlace {
	const passNumerique = views.some((v) => v.passNumerique === true);
	return { ...composeFields(id, views), passNumerique };
}

function composeFields(id: string, views: (SourceView & { source: string })[]): PlaceFields & { locationPrecision: LocationPrecision } {
	const managed = views.find((v) => v.source === MANAGER_SOURCE);
	if (managed) views = [managed];
	if (views.length === 1) {
		// one source (most places): its fields as they are, lists already without duplicates
		const [v] = views;
		const out = { ...v.fields, id, locationPrecision: v.locationPrecision };
		if (!out.source) out.source = v.source;
		return out;
	}
	const sorted = [...views].sort(byPriority);
	const primary = sorted[0];
	const out = { ...primary.fields, id } as PlaceFields & { locationPrecision: LocationPrecision };
	out.locationPrecision = primary.locationPrecision;
	for (const k of SCALARS_FROM_PRIMARY) (out as unknown as Record<string, unknown>)[k] = primary.fields[k];
	for (const k of OTHER_SCALARS) {
		const found = sorted.find((v) => v.fields[k] != null && v.fields[k] !== '');
		(out as unknown as Record<string, unknown>)[k] = found ? found.fields[k] : null;
	}
	if (/^0+$/.test(out.pivot)) {
		const real = sorted.find((v) => !/^0+$/.test(v.fields.pivot));
		if (real) out.pivot = real.fields.pivot;
	}
	for (const k of LISTS) {
		const set = new Set<string>();
		for (const v of sorted) for (const x of v.fields[k]) set.add(x);
		out[k] = [...set];
	}
	out.dateMaj = sorted.reduce((m, v) => (v.fields.dateMaj > m ? v.fields.dateMaj : m), primary.fields.dateMaj);
	out.source = primary.fields.source || primary.source;
	return out;
}

/** Fields a coordinator may correct by hand (places.overrides); the import leaves them as corrected. */
const OVERRIDABLE = new Set<string>([
	'nom',
	'adresse',
	'complementAdresse',
	'codePostal',
	'commune',
	'codeInsee',
	'latitude',
	'longitude',
	'locationPrecision',
	'telephone',
	'courriels',
	'siteWeb',
	'horaires',
	'presentationResume',
	'presentationDetail',
	'priseRdv',
	'pivot',
	'services',
	'publicsSpecifiquementAdresses',
	'fraisACharge',
	'modalitesAcces',
	'modalitesAccompagnement',
	'typologie',
	'structureParente'
]);

/** Puts a place's hand corrections back over what its sources say. */
export function applyOverrides<T extends PlaceFields & { locationPrecision: LocationPrecision }>(
	p: T,
	overrides: Record<string, unknown> | null | undefined
): T {
	if (!overrides) return p;
	let out: Record<string, unknown> | null = null;
	for (const [k, v] of Object.entries(overrides)) {
		if (!OVERRIDABLE.has(k)) continue;
		const o: Record<string, unknown> = out ?? { ...(p as Record<string, unknown>) };
		o[k] = v;
		out = o;
	}
	return (out ?? p) as T;
}
