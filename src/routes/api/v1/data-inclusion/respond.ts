/**
 * The answer of the three data·inclusion downloads (structures, services, both): public,
 * streamed, with the same validators, 304, caching and CORS as /api/v1/places.csv (only the
 * places under Licence Ouverte, as in the other files), the licence and the schema linked.
 */
import { getDatabase } from '#lib/server/db/client.ts';
import {
	dataInclusionSchemaUrl,
	dataInclusionStream,
	exportState,
	filtersFromSearchParams,
	producerName,
	reuseDepartements,
	validateFilters,
	type DataInclusionPart
} from '#lib/server/places/index.ts';
import { apiError } from '#lib/server/web/errors.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';
import { parisDay } from '#lib/time.ts';
import { conditionalAnswer, validatorHeaders } from '#lib/server/web/conditional.ts';

const LICENCE = 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/';

export async function dataInclusionResponse(part: DataInclusionPart, url: URL, request: Request): Promise<Response> {
	try {
		const asked = validateFilters(filtersFromSearchParams(url.searchParams)).departements;
		const db = await getDatabase();
		// the instance's territory unless départements are asked, as the other files offered for reuse
		const departements = await reuseDepartements(db, asked);
		const state = await exportState(db, `data-inclusion-${part}`, departements);
		const schemas = part === 'both' ? (['structure', 'service'] as const) : ([part === 'structures' ? 'structure' : 'service'] as const);
		const headers: Record<string, string> = {
			'content-type': 'application/json; charset=utf-8',
			'cache-control': 'public, max-age=300, must-revalidate',
			vary: 'Accept-Encoding',
			'access-control-allow-origin': '*',
			...validatorHeaders(state),
			link: [`<${LICENCE}>; rel="license"`, ...schemas.map((s) => `<${dataInclusionSchemaUrl(s)}>; rel="describedby"`)].join(', ')
		};
		// dated by the data's last change, as the other full downloads
		if (part === 'both') headers['content-disposition'] = `attachment; filename="data-inclusion-${parisDay(state.lastModified)}.json"`;
		return conditionalAnswer(request, headers, () => dataInclusionStream(db, part, { departements, producer: producerName(), origin: publicOrigin() }));
	} catch (e) {
		return apiError(e, { 'access-control-allow-origin': '*' });
	}
}
