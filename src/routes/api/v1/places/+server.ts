import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { searchPlaces, searchPlacesJson, searchParamsFromQuery, searchJsonBody, searchToGeoJson, mapSearchError } from '#lib/server/places/index.ts';
import { ApiError } from '#lib/server/api/errors.ts';
import { apiError } from '#lib/server/web/errors.ts';

/** GET /api/v1/places — search, nearest first when `ou` or `lat`/`lng` is given. Public. */
export const GET: RequestHandler = async ({ url }) => {
	try {
		const params = searchParamsFromQuery(url.searchParams);
		const format = url.searchParams.get('format') ?? 'json';
		if (format !== 'json' && format !== 'geojson') throw new ApiError(400, 'invalid_parameter', '« format » accepte json ou geojson.', { parameter: 'format' });
		const db = await getDatabase();
		const result = await (format === 'geojson' ? searchPlaces(db, params) : searchPlacesJson(db, params)).catch(mapSearchError);
		if (params.where && result.where && result.where.status !== 'found') {
			const status = result.where.status === 'ambiguous' ? 'ambiguous_location' : 'unknown_location';
			throw new ApiError(
				400,
				status,
				result.where.status === 'ambiguous'
					? `Plusieurs lieux correspondent à « ${params.where} »\u00a0: précisez (code postal ou département).`
					: `Aucune commune ni code postal ne correspond à « ${params.where} ».`,
				result.where.status === 'ambiguous' ? { candidates: result.where.candidates } : undefined
			);
		}
		const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=60', 'access-control-allow-origin': '*' };
		const body =
			format === 'geojson'
				? JSON.stringify(searchToGeoJson(result as Awaited<ReturnType<typeof searchPlaces>>))
				: searchJsonBody(result as Awaited<ReturnType<typeof searchPlacesJson>>, url);
		return new Response(body, { headers });
	} catch (e) {
		return apiError(e);
	}
};
