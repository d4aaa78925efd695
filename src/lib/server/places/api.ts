/**
 * The public places API (/api/v1/places…): query parsing with clear French errors, and
 * places as JSON records with the national standard's field names.
 */
import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { filtersFromSearchParams, FILTER_PARAMS } from './filters.ts';
import { VOCABULARIES, KEY_TO_FIELD } from './vocabulary.ts';
import { type PublicPlace } from './place.ts';
import { InvalidCursorError, type SearchParams, type SearchResult } from './search.ts';
import type { PlaceFilters, WherePoint } from './types.ts';

/** A place as the API returns it: the standard's snake_case names, lists as JSON arrays. */
export function placeToJson(p: PublicPlace, extra: Record<string, unknown> = {}): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(p)) {
		if (k === 'locationPrecision') continue;
		out[(KEY_TO_FIELD as Record<string, string>)[k] ?? k] = v;
	}
	out.position_approximative = p.locationPrecision === 'municipality';
	return { ...out, ...extra };
}

/** which vocabulary each list filter must belong to */
const FILTER_VOCABULARY: Partial<Record<keyof PlaceFilters, readonly string[]>> = {
	services: VOCABULARIES.services,
	publics: VOCABULARIES.publics_specifiquement_adresses,
	priseEnCharge: VOCABULARIES.prise_en_charge_specifique,
	modalitesAcces: VOCABULARIES.modalites_acces,
	modalitesAccompagnement: VOCABULARIES.modalites_accompagnement,
	programmes: VOCABULARIES.dispositif_programmes_nationaux
};

/** Checks filter values against the national vocabularies; unknown values → 400 listing the accepted ones. */
export function validateFilters(f: PlaceFilters): PlaceFilters {
	for (const [key, vocab] of Object.entries(FILTER_VOCABULARY) as [keyof typeof FILTER_PARAMS, readonly string[]][]) {
		const bad = f[key].filter((v) => !vocab.includes(v));
		if (bad.length) {
			throw new ApiError(400, 'invalid_filter', `Valeur inconnue pour « ${FILTER_PARAMS[key]} »\u00a0: ${bad.map((b) => `« ${b} »`).join(', ')}.`, {
				parameter: FILTER_PARAMS[key],
				accepted: vocab
			});
		}
	}
	const badDep = f.departements.filter((d) => !/^(\d{2}|2[AB]|97\d)$/.test(d));
	if (badDep.length) throw new ApiError(400, 'invalid_filter', `Code de département invalide\u00a0: ${badDep.join(', ')}.`, { parameter: 'departement' });
	return f;
}

const coord = (min: number, max: number, name: string) =>
	z.coerce
		.number({ error: `« ${name} » doit être un nombre.` })
		.min(min, { error: `« ${name} » doit être entre ${min} et ${max}.` })
		.max(max, { error: `« ${name} » doit être entre ${min} et ${max}.` });

const querySchema = z.object({
	ou: z.string().trim().max(200, { error: '« ou » est trop long (200 caractères au plus).' }).optional(),
	lat: coord(-90, 90, 'lat').optional(),
	lng: coord(-180, 180, 'lng').optional(),
	limit: z.coerce
		.number({ error: '« limit » doit être un nombre.' })
		.int({ error: '« limit » doit être un nombre entier.' })
		.min(1, { error: '« limit » doit être entre 1 et 200.' })
		.max(200, { error: '« limit » doit être entre 1 et 200.' })
		.default(50),
	apres: z.string().max(500, { error: 'Le curseur de pagination est invalide ou périmé.' }).optional()
});

/** Turns the query string of GET /api/v1/places into search parameters, or throws ApiError 400. */
export function searchParamsFromQuery(sp: URLSearchParams): SearchParams {
	const raw = Object.fromEntries(['ou', 'lat', 'lng', 'limit', 'apres'].filter((k) => sp.has(k)).map((k) => [k, sp.get(k)!]));
	const q = querySchema.safeParse(raw);
	if (!q.success) {
		const issue = q.error.issues[0];
		throw new ApiError(400, 'invalid_parameter', issue.message, { parameter: issue.path.join('.') });
	}
	if ((q.data.lat === undefined) !== (q.data.lng === undefined)) {
		throw new ApiError(400, 'invalid_parameter', '« lat » et « lng » vont ensemble\u00a0: donnez les deux ou aucun.');
	}
	const point: WherePoint | undefined =
		q.data.lat !== undefined && q.data.lng !== undefined
			? { label: `${q.data.lat}, ${q.data.lng}`, latitude: q.data.lat, longitude: q.data.lng, kind: 'address' }
			: undefined;
	return {
		where: point ? undefined : q.data.ou,
		point,
		filters: validateFilters(filtersFromSearchParams(sp)),
		after: q.data.apres,
		limit: q.data.limit
	};
}

export function mapSearchError(e: unknown): never {
	if (e instanceof InvalidCursorError) throw new ApiError(400, 'invalid_cursor', e.message, { parameter: 'apres' });
	throw e;
}

type JsonResult = Omit<SearchResult, 'items'> & { items: string[] };

/** The address of the next page (same query, the cursor set), relative to the site; null on the last page. */
export function nextPagePath(url: URL, cursor: string | null): string | null {
	if (!cursor) return null;
	const u = new URL(url);
	u.searchParams.set('apres', cursor);
	return u.pathname + u.search;
}

/** The HTTP Link header of a page of results (RFC 8288): the next page, absolute. */
export function pageLinkHeader(url: URL, cursor: string | null): string | null {
	const next = nextPagePath(url, cursor);
	return next ? `<${new URL(next, url).href}>; rel="next"` : null;
}

function head(r: JsonResult, url: URL) {
	return {
		ou: r.where,
		total: r.total,
		total_plafonne: r.totalCapped,
		rayon_m: r.radiusMeters,
		pagination: { suivant: nextPagePath(url, r.nextCursor), apres: r.nextCursor }
	};
}

/**
 * The JSON body of a search: data, the resolved point, pagination links. The places come
 * already serialised by PostgreSQL (searchPlacesJson) and are spliced in as they are.
 */
export function searchJsonBody(r: JsonResult, url: URL): string {
	const h = JSON.stringify(head(r, url));
	return `${h.slice(0, -1)},"data":[${r.items.join(',')}]}`;
}

export const GEOJSON_MEDIA_TYPE = 'application/geo+json';

/**
 * The same page as a GeoJSON FeatureCollection (RFC 7946): one feature per place, its
 * `properties` every field the JSON list gives (the same object), a place with no position
 * kept with a null geometry; paging as in the JSON list (total, pagination) plus `links`
 * (rel "next", as OGC API – Features writes it), foreign members a GeoJSON reader ignores.
 */
export function searchGeoJsonBody(r: JsonResult, url: URL): string {
	const h = head(r, url);
	const links: { href: string; rel: string; type: string }[] = [{ href: url.pathname + url.search, rel: 'self', type: GEOJSON_MEDIA_TYPE }];
	if (h.pagination.suivant) links.push({ href: h.pagination.suivant, rel: 'next', type: GEOJSON_MEDIA_TYPE });
	const features = r.items.map((json) => {
		const p = JSON.parse(json) as Record<string, unknown> & { id: string; latitude: number | null; longitude: number | null };
		const geometry = p.latitude != null && p.longitude != null ? { type: 'Point', coordinates: [p.longitude, p.latitude] } : null;
		return { type: 'Feature', id: p.id, geometry, properties: p };
	});
	return JSON.stringify({ type: 'FeatureCollection', ...h, links, features });
}
