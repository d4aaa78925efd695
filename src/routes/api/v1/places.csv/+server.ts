import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { exportState, filtersFromSearchParams, placesCsvStream, STANDARD_SCHEMA_URL, validateFilters } from '#lib/server/places/index.ts';
import { apiError } from '#lib/server/web/errors.ts';
import { conditionalAnswer, validatorHeaders } from '#lib/server/web/conditional.ts';

/** Five minutes fresh, then checked again before use (a 304 costs one aggregate, the file a full read). */
const CACHE = 'public, max-age=300, must-revalidate';

/**
 * GET /api/v1/places.csv — the published places that are open data (licences.ts), in the
 * national standard's CSV (v1.0.2), streamed; described by the standard's Table Schema
 * (Link rel="describedby"); validators for conditional requests. Public.
 */
export const GET: RequestHandler = async ({ url, request }) => {
	try {
		const { departements } = validateFilters(filtersFromSearchParams(url.searchParams));
		const db = await getDatabase();
		const state = await exportState(db, 'csv', departements);
		const headers = {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': 'attachment; filename="lieux-mediation-numerique.csv"',
			'cache-control': CACHE,
			vary: 'Accept-Encoding',
			link: `<${STANDARD_SCHEMA_URL}>; rel="describedby"; type="application/json"`,
			...validatorHeaders(state)
		};
		return conditionalAnswer(request, headers, () => placesCsvStream(db, departements));
	} catch (e) {
		return apiError(e);
	}
};
