/**
 * The maps of a steering page (issue 16, item 7): the département's geometry at the level
 * asked for (maps/, boundaries stored at load) and, for each table drawn by unit, its
 * figures keyed as the map's units. None at the département's level (one unit is not a map).
 */
import type { Database } from '../db/client.ts';
import { departmentMap } from '../maps/index.ts';
import type { ChartValue, MapDatum, MapGeometry, TableChart } from '../../components/charts/types.ts';
import type { SteeringBlock } from './blocks.ts';
import { ELSEWHERE, type BuiltTable } from './figures.ts';
import type { SteeringQuery } from './model.ts';
import type { SteeringSection } from './sections.ts';

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

/** A unit row's key in a table by level (figures.ts levelUnits) as the map's code; null for the département and « elsewhere ». */
const unitCode = (key: string): string | null =>
	key.startsWith('epci:') || key.startsWith('area:') ? key.slice(5) : key === ELSEWHERE || key.includes(':') ? null : key;

/**
 * The map of a table by unit of the asked level (sections.ts byLevel): each unit's figure,
 * `of` its masked cells (null: masked), keyed as the map's units. Undefined at the
 * département's level (one unit is not a map). A masked cell stays `'masked'`: the map
 * hatches it, never draws a number for it.
 */
export function unitChart(
	built: BuiltTable,
	chart: Omit<Extract<TableChart, { kind: 'map' }>, 'kind' | 'data'>,
	of: (cells: (number | null)[]) => ChartValue = (cells) => (cells[0] === null ? 'masked' : cells[0])
): TableChart | undefined {
	const data: MapDatum[] = [];
	for (const [key, cells] of built.cells) {
		const code = unitCode(key);
		if (code !== null) data.push({ code, value: of(cells) });
	}
	return data.length ? { kind: 'map', ...chart, data } : undefined;
}

/** The geometry the maps of a page of sections are drawn on (the level asked); null when none is drawn. */
export async function sectionsGeometry(database: Database, query: SteeringQuery, sections: readonly SteeringSection[]): Promise<MapGeometry | null> {
	const drawn = sections.some((s) => s.tables.some((t) => t.chart?.kind === 'map' && t.table.rows.length));
	if (query.level.kind === 'departement' || !drawn) return null;
	return departmentMap(database, query.departmentCode, query.level);
}
