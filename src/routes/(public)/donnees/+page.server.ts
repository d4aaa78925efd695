import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	LICENCE_OUVERTE,
	NATIONAL_MAP_COMPONENT,
	openDataSummary,
	recentNationalMapSummary,
	STANDARD_SCHEMA_NAME,
	STANDARD_SCHEMA_URL
} from '#lib/server/places/index.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';
import { EQUIPMENT_OPEN_TABLE, equipmentOpenTable, openDataCatalogue, openTrainingFigures } from '#lib/server/steering/index.ts';

/**
 * /donnees: the files offered for reuse (count, size, date, licence), the API, the national
 * map's feed (how many places it holds and leaves out, counted at most every 5 minutes), the
 * sources and their licences; the steering tables as CSV, the trainings' key figures. Public.
 */
export const load: PageServerLoad = async () => {
	const db = await getDatabase();
	const [summary, map, steering, trainings] = await Promise.all([
		openDataSummary(db),
		recentNationalMapSummary(db),
		openDataCatalogue(db),
		openTrainingFigures(db)
	]);
	// the devices given per area and finished year (issue 18), masked: a table per département
	const equipment = await Promise.all(
		steering.departments.map(async (d) => ({
			...d,
			table: await equipmentOpenTable(db, d.code),
			csv: `/donnees/pilotage/${d.code}/${EQUIPMENT_OPEN_TABLE}.csv`
		}))
	);
	return {
		equipment,
		...summary,
		origin: publicOrigin(),
		steering,
		trainings,
		licence: LICENCE_OUVERTE,
		schema: { name: STANDARD_SCHEMA_NAME, url: STANDARD_SCHEMA_URL },
		nationalMap: {
			version: NATIONAL_MAP_COMPONENT.split(' ').pop()!,
			published: map.published,
			included: map.included,
			excluded: map.excluded,
			reasons: map.reasons.map((r) => ({ label: r.label, count: r.count }))
		}
	};
};
