import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { NATIONAL_MAP_COMPONENT, recentNationalMapSummary } from '#lib/server/places/index.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';

/** « Données ouvertes »: how many places the national map's feed holds and leaves out (counted at most every 5 minutes). */
export const load: PageServerLoad = async () => {
	const s = await recentNationalMapSummary(await getDatabase());
	return {
		origin: publicOrigin(),
		nationalMap: {
			version: NATIONAL_MAP_COMPONENT.split(' ').pop()!,
			published: s.published,
			included: s.included,
			excluded: s.excluded,
			reasons: s.reasons.map((r) => ({ label: r.label, count: r.count }))
		}
	};
};
