import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { allPlaces, csvHeader, csvRow, validateFilters, filtersFromSearchParams } from '#lib/server/places/index.ts';
import { apiError } from '#lib/server/web/errors.ts';

/** GET /api/v1/places.csv — every place in the national standard's CSV (v1.0.2), streamed. Public. */
export const GET: RequestHandler = async ({ url }) => {
	try {
		const { departements } = validateFilters(filtersFromSearchParams(url.searchParams));
		const db = await getDatabase();
		const iterator = allPlaces(db, { departements });
		const encoder = new TextEncoder();
		let headerSent = false;
		const stream = new ReadableStream<Uint8Array>({
			async pull(controller) {
				if (!headerSent) {
					headerSent = true;
					controller.enqueue(encoder.encode(csvHeader()));
				}
				const { value, done } = await iterator.next();
				if (done) return controller.close();
				controller.enqueue(encoder.encode(value.map(csvRow).join('')));
			},
			async cancel() {
				await iterator.return(undefined);
			}
		});
		return new Response(stream, {
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': 'attachment; filename="lieux-mediation-numerique.csv"',
				'cache-control': 'public, max-age=300',
				'access-control-allow-origin': '*'
			}
		});
	} catch (e) {
		return apiError(e);
	}
};
