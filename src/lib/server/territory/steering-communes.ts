/**
 * A département's communes as the steering space reads them (issue 16): centre, population,
 * intercommunality, the instance's areas each belongs to, and the fragility index when it has
 * one. Two queries; the caller groups them by level.
 */
import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { areaMunicipalities, areas, fragilityIndex, municipalities } from './db.ts';
import type { AreaKind } from './area-model.ts';
import type { FragilityScores } from './model.ts';

export interface SteeringCommune {
	inseeCode: string;
	name: string;
	latitude: number | null;
	longitude: number | null;
	/** the census population (0 when unknown) */
	population: number;
	epciCode: string | null;
	epciName: string | null;
	areas: { id: number; kind: AreaKind; name: string }[];
	fragility: Omit<FragilityScores, 'inseeCode'> | null;
}

/** Every commune of the département, by name. */
export async function steeringCommunes(db: DbOrTx, departmentCode: string): Promise<SteeringCommune[]> {
	const code = departmentCode.trim().toUpperCase();
	const rows = await db
		.select({
			inseeCode: municipalities.inseeCode,
			name: municipalities.name,
			latitude: municipalities.latitude,
			longitude: municipalities.longitude,
			population: municipalities.population,
			epciCode: municipalities.epciCode,
			epciName: municipalities.epciName,
			noThdCoverage: fragilityIndex.noThdCoverage,
			no4gCoverage: fragilityIndex.no4gCoverage,
			poverty: fragilityIndex.poverty,
			older65: fragilityIndex.older65,
			lowDiploma: fragilityIndex.lowDiploma,
			total: fragilityIndex.total
		})
		.from(municipalities)
		.leftJoin(fragilityIndex, eq(fragilityIndex.inseeCode, municipalities.inseeCode))
		.where(eq(municipalities.departmentCode, code))
		.orderBy(asc(municipalities.name), asc(municipalities.inseeCode));
	const members = await db
		.select({ inseeCode: areaMunicipalities.inseeCode, id: areas.id, kind: areas.kind, name: areas.name })
		.from(areaMunicipalities)
		.innerJoin(areas, eq(areas.id, areaMunicipalities.areaId))
		.where(eq(areas.departmentCode, code))
		.orderBy(asc(areas.name));
	const byCommune = new Map<string, SteeringCommune['areas']>();
	for (const m of members) {
		const list = byCommune.get(m.inseeCode) ?? [];
		list.push({ id: m.id, kind: m.kind as AreaKind, name: m.name });
		byCommune.set(m.inseeCode, list);
	}
	return rows.map((r) => ({
		inseeCode: r.inseeCode,
		name: r.name,
		latitude: r.latitude,
		longitude: r.longitude,
		population: r.population ?? 0,
		epciCode: r.epciCode,
		epciName: r.epciName,
		areas: byCommune.get(r.inseeCode) ?? [],
		fragility:
			r.total == null
				? null
				: {
						noThdCoverage: r.noThdCoverage!,
						no4gCoverage: r.no4gCoverage!,
						poverty: r.poverty!,
						older65: r.older65!,
						lowDiploma: r.lowDiploma!,
						total: r.total
					}
	}));
}
