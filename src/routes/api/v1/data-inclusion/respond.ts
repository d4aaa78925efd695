/**
 * The answer of the three data·inclusion downloads (structures, services, both): public,
 * streamed, with the same caching and CORS as /api/v1/places.csv, the licence and the
 * schema linked.
 */
import { getDatabase } from '#lib/server/db/client.ts';
import {
	dataInclusionSchemaUrl,
	dataInclusionStream,
	filtersFromSearchParams,
	producerName,
	validateFilters,
	type DataInclusionPart
} from '#lib/server/places/index.ts';
import { apiError } from '#lib/server/web/errors.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';
import { parisDay } from '#lib/time.ts';

const LICENCE = 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/';

export async function dataInclusionResponse(part: DataInclusionPart, url: URL): Promise<Response> {
	try {
		const { departements } = validateFilters(filtersFromSearchParams(url.searchParams));
		const db = await getDatabase();
		const stream = dataInclusionStream(db, part, { departements, producer: producerName(), origin: publicOrigin() });
		const schemas = part === 'both' ? (['structure', 'service'] as const) : ([part === 'structures' ? 'structure' : 'service'] as const);
		const headers: Record<string, string> = {
			'content-type': 'application/json; charset=utf-8',
			'cache-control': 'public, max-age=300',
			'access-control-allow-origin': '*',
			link: [`<${LICENCE}>; rel="license"`, ...schemas.map((s) => `<${dataInclusionSchemaUrl(s)}>; rel="describedby"`)].join(', ')
		};
		if (part === 'both') headers['content-disposition'] = `attachment; filename="data-inclusion-${parisDay()}.json"`;
		return new Response(stream, { headers });
	} catch (e) {
		return apiError(e, { 'access-control-allow-origin': '*' });
	}
}
