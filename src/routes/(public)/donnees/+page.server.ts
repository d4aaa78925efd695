import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { LICENCE_OUVERTE, openDataSummary, STANDARD_SCHEMA_NAME, STANDARD_SCHEMA_URL } from '#lib/server/places/index.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';

/** /donnees: the files offered for reuse (count, size, date, licence), the API, the sources and their licences. Public. */
export const load: PageServerLoad = async () => {
	const summary = await openDataSummary(await getDatabase());
	return {
		...summary,
		origin: publicOrigin(),
		licence: LICENCE_OUVERTE,
		schema: { name: STANDARD_SCHEMA_NAME, url: STANDARD_SCHEMA_URL }
	};
};
