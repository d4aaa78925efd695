/**
 * Boundaries for the steering maps (issue 16, item 7): read from ../shared/data/geo when the
 * territory is loaded, stored compact in `territory_shapes` (one TopoJSON topology per
 * département), read back by the maps.
 *
 * Decisions:
 * - TopoJSON: shared borders are stored once, units are merged (EPCI, areas) without gaps
 *   by topojson-client's `merge`, and the quantized, delta-encoded arcs are small (Gironde's
 *   538 communes: ≈ 130 KB of JSON instead of 620 KB of GeoJSON).
 * - Simplified at load (Visvalingam, spherical areas, the 30 % least significant points
 *   dropped: the files are already generalised) and quantized to 10,000 steps across the
 *   département (≈ 15 m): finer than a 1,280 px map can show.
 * - A département with a commune file (`communes-<code>-*.geojson`: 33, 47, 64 today) stores
 *   its communes; every other one of the départements file stores its outline, so that its
 *   map still has a shape, with dots at the communes' centres.
 * - The shared directory may be missing (production without it): nothing is stored, the
 *   maps fall back to dots without an outline.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type { FeatureCollection, Feature, Geometry } from 'geojson';
import type { Objects, Topology } from 'topojson-specification';
import { topology as buildTopology } from 'topojson-server';
import { presimplify, quantile, simplify, sphericalTriangleArea } from 'topojson-simplify';
import { quantize } from 'topojson-client';
import type { Database, DbOrTx } from '../db/client.ts';
import { territoryShapes } from './db.ts';
import { markSeedStep } from './seed-runs.ts';

export const SHAPES_SEED_STEP = 'shapes';
/** Share of the least significant points dropped (Visvalingam weights). */
const DROP = 0.3;
/** Quantization steps across a département's extent. */
const STEPS = 1e4;

export type ShapeDetail = 'communes' | 'outline';

export interface DepartmentShapes {
	departmentCode: string;
	detail: ShapeDetail;
	topology: Topology;
	source: string;
}

type Props = { code?: string; nom?: string };

/** Simplified, quantized topology of these features, as one object named `name` (geometry ids: the features' `code`). */
export function compactTopology(name: 'communes' | 'departement', features: Feature<Geometry, Props>[], drop = DROP): Topology {
	const collection: FeatureCollection<Geometry, Props> = {
		type: 'FeatureCollection',
		features: features.map((f) => ({ type: 'Feature', id: f.properties?.code, properties: {}, geometry: f.geometry }))
	};
	let topo = buildTopology({ [name]: collection }) as Topology<Objects<object>>;
	if (drop > 0) {
		const pre = presimplify(topo, sphericalTriangleArea);
		topo = simplify(pre, quantile(pre, drop));
		// presimplify adds each point's weight as a third coordinate: not needed any more
		for (const arc of topo.arcs) for (let i = 0; i < arc.length; i++) arc[i] = [arc[i][0], arc[i][1]];
	}
	topo = quantize(topo, STEPS) as Topology<Objects<object>>;
	// nothing else is read: drop the (empty) properties
	const object = topo.objects[name] as unknown as { geometries: { properties?: unknown }[] };
	for (const g of object.geometries) delete g.properties;
	return topo as Topology;
}

/**
 * Reads ../shared/data/geo and builds the topology of every département it describes (no
 * database). `currentOf` gives a former commune's current code (the files predate a few
 * mergers): its shape becomes part of the commune it joined.
 */
export function readShapes(sharedDir: string, currentOf: (code: string) => string = (c) => c): DepartmentShapes[] {
	const dir = join(sharedDir, 'geo');
	if (!existsSync(dir)) return [];
	const out = new Map<string, DepartmentShapes>();
	for (const file of readdirSync(dir).sort()) {
		const match = /^communes-(\d[\dAB]\d?)-.*\.geojson$/.exec(file);
		if (!match) continue;
		const data = JSON.parse(readFileSync(join(dir, file), 'utf8')) as FeatureCollection<Geometry, Props>;
		const features = data.features
			.filter((f) => f.geometry && f.properties?.code)
			.map((f) => ({ ...f, properties: { ...f.properties, code: currentOf(f.properties!.code!) } }));
		if (!features.length) continue;
		out.set(match[1], { departmentCode: match[1], detail: 'communes', topology: compactTopology('communes', features), source: `geo/${file}` });
	}
	const depFile = readdirSync(dir).find((f) => /^departements.*\.geojson$/.test(f));
	if (depFile) {
		const data = JSON.parse(readFileSync(join(dir, depFile), 'utf8')) as FeatureCollection<Geometry, Props>;
		for (const f of data.features) {
			const code = f.properties?.code;
			if (!code || !f.geometry || out.has(code)) continue;
			// the file is already simplified for a national map: kept as it is
			out.set(code, { departmentCode: code, detail: 'outline', topology: compactTopology('departement', [f], 0), source: `geo/${depFile}` });
		}
	}
	return [...out.values()];
}

/** Stores the boundaries read from the shared directory (territory/load.ts's loadShapes gives the current codes) (replacing those of the same départements); marks the seed step. */
export async function storeShapes(
	database: Database,
	opts: { sharedDir: string; currentOf?: (code: string) => string }
): Promise<{ departments: number; withCommunes: string[]; ms: number }> {
	const started = performance.now();
	const shapes = readShapes(opts.sharedDir, opts.currentOf);
	await database.db.transaction(async (tx) => {
		for (const s of shapes)
			await tx
				.insert(territoryShapes)
				.values({ departmentCode: s.departmentCode, detail: s.detail, topology: s.topology, source: s.source })
				.onConflictDoUpdate({
					target: territoryShapes.departmentCode,
					set: { detail: s.detail, topology: s.topology, source: s.source, builtAt: sql`now()` }
				});
		const withCommunes = shapes.filter((s) => s.detail === 'communes').map((s) => s.departmentCode);
		await markSeedStep(tx, SHAPES_SEED_STEP, JSON.stringify({ departments: shapes.length, withCommunes }));
	});
	return {
		departments: shapes.length,
		withCommunes: shapes.filter((s) => s.detail === 'communes').map((s) => s.departmentCode),
		ms: Math.round(performance.now() - started)
	};
}

/** The stored boundaries of a département, or null (none stored). */
export async function departmentShapes(db: DbOrTx, departmentCode: string): Promise<DepartmentShapes | null> {
	const [row] = await db.select().from(territoryShapes).where(eq(territoryShapes.departmentCode, departmentCode));
	if (!row) return null;
	return { departmentCode: row.departmentCode, detail: row.detail as ShapeDetail, topology: row.topology as Topology, source: row.source };
}
