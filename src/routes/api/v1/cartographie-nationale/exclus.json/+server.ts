import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	filtersFromSearchParams,
	NATIONAL_MAP_HEADERS,
	nationalMapSummary,
	nationalMapSummaryJson,
	nationalMapValidators,
	reuseDepartements,
	validateFilters
} from '#lib/server/places/index.ts';
import { apiError } from '#lib/server/web/errors.ts';
import { conditionalAnswer, notModified, validatorHeaders } from '#lib/server/web/conditional.ts';

/** GET /api/v1/cartographie-nationale/exclus.json — how many places the national map's feed holds, which it leaves out and why. Public. */
export const GET: RequestHandler = async ({ url, request }) => {
	try {
		const asked = validateFilters(filtersFromSearchParams(url.searchParams)).departements;
		const db = await getDatabase();
		const departements = await reuseDepartements(db, asked);
		const headers = { ...NATIONAL_MAP_HEADERS, ...validatorHeaders(await nationalMapValidators(db, 'summary', departements)) };
		// the client's copy is current: the places are not read
		const unchanged = notModified(request, headers);
		if (unchanged) return unchanged;
		const summary = await nationalMapSummary(db, { departements });
		return conditionalAnswer(request, headers, () => JSON.stringify(nationalMapSummaryJson(summary)));
	} catch (e) {
		return apiError(e, { 'access-control-allow-origin': '*' });
	}
};
