/**
 * The maps of a steering page (issue 16, item 7): the département's geometry at the level
 * asked for (maps/, boundaries stored at load) and, for each table drawn by unit, its
 * figures keyed as the map's units. None at the département's level (one unit is not a map).
 */
import type { Database } from '../db/client.ts';
import { departmentMap } from '../maps/index.ts';
import type { MapDatum, MapGeometry } from '../../components/charts/types.ts';
import type { SteeringBlock } from './blocks.ts';
import type { SteeringQuery } from './model.ts';

/** What a block's map needs besides the geometry: its figures, what they measure, how to read them. */
export interface BlockMap {
	title: string;
	data: MapDatum[];
	/** the value's kind (how the legend writes it) */
	kind: NonNullable<SteeringBlock['map']>['kind'];
}

/** The unit codes of steering (`area-12`) as the map's (`12`); the buckets without a shape are left out. */
const mapCode = (code: string) => (code.startsWith('area-') ? code.slice(5) : code);

export async function steeringMaps(
	database: Database,
	query: SteeringQuery,
	blocks: readonly SteeringBlock[]
): Promise<{ geometry: MapGeometry | null; maps: Record<string, BlockMap> }> {
	const drawn = blocks.filter((b) => b.map && b.map.figures.length);
	if (query.level.kind === 'departement' || !drawn.length) return { geometry: null, maps: {} };
	const geometry = await departmentMap(database, query.departmentCode, query.level);
	const known = new Set(geometry.units.map((u) => u.code));
	const maps: Record<string, BlockMap> = {};
	for (const b of drawn) {
		const m = b.map!;
		maps[m.tableId] = {
			title: m.title,
			kind: m.kind,
			data: m.figures.map((f) => ({ code: mapCode(f.code), value: f.masked ? ('masked' as const) : f.value })).filter((d) => known.has(d.code))
		};
	}
	return { geometry, maps };
}
