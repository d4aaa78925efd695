import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { filtersFromSearchParams, NATIONAL_MAP_HEADERS, nationalMapSummary, nationalMapSummaryJson, validateFilters } from '#lib/server/places/index.ts';
import { apiError } from '#lib/server/web/errors.ts';

/** GET /api/v1/cartographie-nationale/exclus.json — how many places the national map's feed holds, which it leaves out and why. Public. */
export const GET: RequestHandler = async ({ url }) => {
	try {
		const { departements } = validateFilters(filtersFromSearchParams(url.searchParams));
		const summary = await nationalMapSummary(await getDatabase(), { departements });
		return new Response(JSON.stringify(nationalMapSummaryJson(summary)), { headers: NATIONAL_MAP_HEADERS });
	} catch (e) {
		return apiError(e, { 'access-control-allow-origin': '*' });
	}
};
