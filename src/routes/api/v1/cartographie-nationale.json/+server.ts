import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { filtersFromSearchParams, NATIONAL_MAP_HEADERS, nationalMapFeed, nationalMapSummary, validateFilters } from '#lib/server/places/index.ts';
import { apiError } from '#lib/server/web/errors.ts';

/**
 * GET /api/v1/cartographie-nationale.json — every place the national map's web component
 * can show, in the JSON it reads (its `source` attribute), streamed; X-Lieux-Exclus says
 * how many it cannot show (the details: /api/v1/cartographie-nationale/exclus.json). Public.
 */
export const GET: RequestHandler = async ({ url }) => {
	try {
		const { departements } = validateFilters(filtersFromSearchParams(url.searchParams));
		const db = await getDatabase();
		const summary = await nationalMapSummary(db, { departements });
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
		return new Response(stream, {
			headers: {
				...NATIONAL_MAP_HEADERS,
				'x-lieux-inclus': String(summary.included),
				'x-lieux-exclus': String(summary.excluded)
			}
		});
	} catch (e) {
		return apiError(e, { 'access-control-allow-origin': '*' });
	}
};
