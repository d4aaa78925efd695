import type { PlaceFilters } from './types.ts';

/** URL parameter names (French, so a search can be shared, bookmarked and printed). */
export const FILTER_PARAMS = {
	services: 'service',
	publics: 'public',
	priseEnCharge: 'prise_en_charge',
	modalitesAcces: 'acces',
	modalitesAccompagnement: 'accompagnement',
	programmes: 'programme',
	departements: 'departement'
} as const satisfies Partial<Record<keyof PlaceFilters, string>>;

const FLAG_PARAMS = {
	gratuit: 'gratuit',
	ouvertMaintenant: 'ouvert',
	ouvertSamedi: 'samedi',
	itinerant: 'itinerant',
	pass: 'pass'
} as const satisfies Partial<Record<keyof PlaceFilters, string>>;

export function emptyFilters(): PlaceFilters {
	return {
		services: [],
		publics: [],
		priseEnCharge: [],
		gratuit: false,
		modalitesAcces: [],
		modalitesAccompagnement: [],
		programmes: [],
		ouvertMaintenant: false,
		ouvertSamedi: false,
		itinerant: false,
		pass: false,
		departements: []
	};
}

const truthy = (v: string | null) => v !== null && v !== '' && v !== '0' && v !== 'false' && v !== 'non';

/** Reads filters from a query string; values may be repeated or `|`-joined. Values are not checked here. */
export function filtersFromSearchParams(sp: URLSearchParams): PlaceFilters {
	const f = emptyFilters();
	for (const [key, param] of Object.entries(FILTER_PARAMS) as [keyof typeof FILTER_PARAMS, string][]) {
		const values = sp
			.getAll(param)
			.flatMap((v) => v.split('|'))
			.map((v) => v.trim())
			.filter(Boolean);
		f[key] = [...new Set(values)].slice(0, 50);
	}
	for (const [key, param] of Object.entries(FLAG_PARAMS) as [keyof typeof FLAG_PARAMS, string][]) {
		f[key] = truthy(sp.get(param));
	}
	return f;
}

export function filtersToSearchParams(f: PlaceFilters, extra: Record<string, string | undefined> = {}): URLSearchParams {
	const sp = new URLSearchParams();
	for (const [k, v] of Object.entries(extra)) if (v) sp.set(k, v);
	for (const [key, param] of Object.entries(FILTER_PARAMS) as [keyof typeof FILTER_PARAMS, string][]) {
		for (const v of f[key]) sp.append(param, v);
	}
	for (const [key, param] of Object.entries(FLAG_PARAMS) as [keyof typeof FLAG_PARAMS, string][]) {
		if (f[key]) sp.set(param, '1');
	}
	return sp;
}

export function hasActiveFilters(f: PlaceFilters): boolean {
	return (
		Object.keys(FILTER_PARAMS).some((k) => f[k as keyof typeof FILTER_PARAMS].length > 0 && k !== 'departements') ||
		Object.keys(FLAG_PARAMS).some((k) => f[k as keyof typeof FLAG_PARAMS])
	);
}
