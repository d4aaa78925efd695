import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	filtersFromSearchParams,
	NATIONAL_MAP_HEADERS,
	nationalMapFeed,
	nationalMapSummary,
	nationalMapValidators,
	reuseDepartements,
	validateFilters
} from '#lib/server/places/index.ts';
import { apiError } from '#lib/server/web/errors.ts';
import { notModified, validatorHeaders } from '#lib/server/web/conditional.ts';

/**
 * GET /api/v1/cartographie-nationale.json — every place the national map's web component
 * can show, in the JSON it reads (its `source` attribute), streamed; X-Lieux-Exclus says
 * how many it cannot show (the details: /api/v1/cartographie-nationale/exclus.json). Public.
 */
export const GET: RequestHandler = async ({ url, request }) => {
	try {
		const asked = validateFilters(filtersFromSearchParams(url.searchParams)).departements;
		const db = await getDatabase();
		// the instance's territory unless départements are asked, as the other files offered for reuse
		const departements = await reuseDepartements(db, asked);
		const validators = validatorHeaders(await nationalMapValidators(db, 'feed', departements));
		// the client's copy is current: neither the counts nor the feed are computed
		const unchanged = notModified(request, { ...NATIONAL_MAP_HEADERS, ...validators });
		if (unchanged) return unchanged;
		const summary = await nationalMapSummary(db, { departements });
		const headers = { ...NATIONAL_MAP_HEADERS, ...validators, 'x-lieux-inclus': String(summary.included), 'x-lieux-exclus': String(summary.excluded) };
		if (request.method === 'HEAD') return new Response(null, { headers });
		const pieces = nationalMapFeed(db, { departements });
		const encoder = new TextEncoder();
		const stream = new ReadableStream<Uint8Array>({
			async pull(controller) {
				const { value, done } = await pieces.next();
				if (done) return controller.close();
				controller.enqueue(encoder.encode(value));
			},
			async cancel() {
				await pieces.return(undefined);
			}
		});
		return new Response(stream, { headers });
	} catch (e) {
		return apiError(e, { 'access-control-allow-origin': '*' });
	}
};
