import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	bodyValidators,
	GEOJSON_MEDIA_TYPE,
	lastPlaceChange,
	mapSearchError,
	pageLinkHeader,
	searchGeoJsonBody,
	searchJsonBody,
	searchParamsFromQuery,
	searchPlacesJson
} from '#lib/server/places/index.ts';
import { ApiError } from '#lib/server/api/errors.ts';
import { apiError } from '#lib/server/web/errors.ts';
import { conditionalAnswer, validatorHeaders } from '#lib/server/web/conditional.ts';

/** A minute fresh, then served while revalidated for five more: a search is cheap to check (ETag). */
const CACHE = 'public, max-age=60, stale-while-revalidate=300';

/**
 * GET /api/v1/places — search, nearest first when `ou` or `lat`/`lng` is given; JSON or
 * GeoJSON, the same pages (cursor, Link rel="next"), validators for conditional requests.
 * Public.
 */
export const GET: RequestHandler = async ({ url, request }) => {
	try {
		const params = searchParamsFromQuery(url.searchParams);
		const format = url.searchParams.get('format') ?? 'json';
		if (format !== 'json' && format !== 'geojson') throw new ApiError(400, 'invalid_parameter', '« format » accepte json ou geojson.', { parameter: 'format' });
		const db = await getDatabase();
		const result = await searchPlacesJson(db, params).catch(mapSearchError);
		if (params.where && result.where && result.where.status !== 'found') {
			const status = result.where.status === 'ambiguous' ? 'ambiguous_location' : 'unknown_location';
			throw new ApiError(
				400,
				status,
				result.where.status === 'ambiguous'
					? `Plusieurs communes correspondent à « ${params.where} »\u00a0: précisez (code postal ou département).`
					: `Aucune commune ni code postal ne correspond à « ${params.where} ».`,
				result.where.status === 'ambiguous' ? { candidates: result.where.candidates } : undefined
			);
		}
		const body = format === 'geojson' ? searchGeoJsonBody(result, url) : searchJsonBody(result, url);
		// « open now » and the Pass qualifications change with no date on the places: no Last-Modified for them
		const dated = !params.filters.ouvertMaintenant && !params.filters.pass;
		const link = pageLinkHeader(url, result.nextCursor);
		const headers: Record<string, string> = {
			'content-type': format === 'geojson' ? `${GEOJSON_MEDIA_TYPE}; charset=utf-8` : 'application/json; charset=utf-8',
			'cache-control': CACHE,
			vary: 'Accept-Encoding',
			...validatorHeaders(bodyValidators(body, dated ? await lastPlaceChange(db) : null)),
			...(link ? { link } : {})
		};
		return conditionalAnswer(request, headers, () => body);
	} catch (e) {
		return apiError(e);
	}
};
