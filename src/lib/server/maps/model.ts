/**
 * Maps, pure (issue 16, item 7): from a département's stored topology and its communes to the
 * projected geometry the chart components draw (`MapGeometry`), at one level.
 *
 * - Projection: Lambert conformal conic (France's official one, Lambert-93's parallels),
 *   fitted to the département in a viewBox 1,000 wide.
 * - Units grouping several communes (EPCI, areas) are merged from the communes' shapes
 *   (topojson-client `merge`: no inner borders, no gaps); an EPCI reaching over the
 *   département's edge is drawn with its communes of the département only.
 * - Paths are written with integer coordinates, relative after the first point (≈ 4
 *   characters a point): Gironde's 535 communes weigh ≈ 40 KB gzip.
 * - A unit without boundary (no commune file, or a commune absent from it) has `d: null`
 *   and is drawn as a dot at its centre: the population-weighted centre of its communes.
 */
import { geoArea, geoConicConformal, geoPath, type GeoPermissibleObjects } from 'd3-geo';
import type { Feature, Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { feature, merge } from 'topojson-client';
import type { MapGeometry, MapUnit } from '../../components/charts/types.ts';

export const MAP_WIDTH = 1000;
const MARGIN = 8;

/** The level of a map: the same shape as the steering's `Level` (steering/model.ts). */
export type MapLevel = { kind: 'commune' } | { kind: 'epci' } | { kind: 'area'; areaKind: string } | { kind: 'departement' };

export const mapLevelKey = (level: MapLevel): string => (level.kind === 'area' ? level.areaKind : level.kind);

export interface MapCommune {
	inseeCode: string;
	name: string;
	latitude: number | null;
	longitude: number | null;
	population: number | null;
}

/** A unit to draw: its code and name and the communes it is made of. */
export interface MapUnitSpec {
	code: string;
	name: string;
	communes: string[];
}

export interface MapInput {
	departmentCode: string;
	levelKey: string;
	/** the stored topology: object `communes` (ids: INSEE codes) or `departement` (outline), or null */
	topology: Topology | null;
	communes: MapCommune[];
	units: MapUnitSpec[];
}

// ---------------------------------------------------------------------------
// Path writing

/** A d3-geo path context writing compact SVG: integer coordinates, relative after each move. */
class CompactPath {
	private out: string[] = [];
	private x = 0;
	private y = 0;
	private start: [number, number] | null = null;
	private segmentPoints = 0;
	moveTo(x: number, y: number): void {
		const rx = Math.round(x);
		const ry = Math.round(y);
		this.out.push(`M${rx} ${ry}`);
		this.x = rx;
		this.y = ry;
		this.start = [rx, ry];
		this.segmentPoints = 1;
	}
	lineTo(x: number, y: number): void {
		const rx = Math.round(x);
		const ry = Math.round(y);
		const dx = rx - this.x;
		const dy = ry - this.y;
		if (!dx && !dy) return;
		this.out.push(`l${dx}${dy < 0 ? '' : ' '}${dy}`);
		this.x = rx;
		this.y = ry;
		this.segmentPoints++;
	}
	closePath(): void {
		// a ring shrunk to one or two points by rounding draws nothing: dropped
		if (this.segmentPoints < 3) {
			let i = this.out.length - 1;
			while (i >= 0 && !this.out[i].startsWith('M')) i--;
			this.out.length = Math.max(0, i);
		} else this.out.push('z');
		if (this.start) [this.x, this.y] = this.start;
		this.segmentPoints = 0;
	}
	arc(): void {
		// points are not drawn as paths
	}
	toString(): string {
		return this.out.join('');
	}
}

/**
 * d3-geo draws the small side of a ring going clockwise; GeoJSON (RFC 7946) winds exterior
 * rings the other way: a polygon whose area covers more than half the sphere is reversed.
 */
export function rewind<G extends Polygon | MultiPolygon>(geometry: G): G {
	const fix = (rings: Position[][]): Position[][] => {
		const area = geoArea({ type: 'Polygon', coordinates: rings });
		return area > 2 * Math.PI ? rings.map((r) => [...r].reverse()) : rings;
	};
	if (geometry.type === 'Polygon') return { ...geometry, coordinates: fix(geometry.coordinates) };
	return { ...geometry, coordinates: geometry.coordinates.map(fix) } as G;
}

// ---------------------------------------------------------------------------
// The map

/** Population-weighted centre of these communes (those with coordinates), or null. */
export function weightedCentre(communes: MapCommune[]): [number, number] | null {
	let w = 0;
	let lon = 0;
	let lat = 0;
	for (const c of communes) {
		if (c.latitude == null || c.longitude == null) continue;
		const p = Math.max(1, c.population ?? 1);
		w += p;
		lon += c.longitude * p;
		lat += c.latitude * p;
	}
	return w ? [lon / w, lat / w] : null;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Projects a département's units: shapes merged from its communes' where known, else centres. */
export function buildMapGeometry(input: MapInput): MapGeometry {
	const topo = input.topology;
	const communeObject = topo?.objects.communes as GeometryCollection | undefined;
	const outlineObject = topo?.objects.departement as GeometryCollection | undefined;
	// a commune may have several geometries (former communes merged into it since the file was made)
	const shapeOf = new Map<string, GeometryCollection['geometries']>();
	for (const g of communeObject?.geometries ?? []) if (g.id != null) shapeOf.set(String(g.id), [...(shapeOf.get(String(g.id)) ?? []), g]);

	// the outline: the communes merged, else the département's own
	let outlineGeo: Polygon | MultiPolygon | null = null;
	if (topo && communeObject) outlineGeo = rewind(merge(topo, communeObject.geometries as never));
	else if (topo && outlineObject) {
		const f = feature(topo, outlineObject) as unknown as { features: Feature<Polygon | MultiPolygon>[] };
		outlineGeo = f.features[0] ? rewind(f.features[0].geometry) : null;
	}

	const byCode = new Map(input.communes.map((c) => [c.inseeCode, c]));
	const located = input.communes.filter((c) => c.latitude != null && c.longitude != null);
	const extent: GeoPermissibleObjects = outlineGeo ?? {
		type: 'MultiPoint',
		coordinates: located.map((c) => [c.longitude!, c.latitude!])
	};

	const projection = geoConicConformal().parallels([44, 49]).rotate([-3, 0]);
	projection.fitWidth(MAP_WIDTH - 2 * MARGIN, extent);
	const [[, y0], [, y1]] = geoPath(projection).bounds(extent);
	const height = Math.ceil(y1 - y0 + 2 * MARGIN);
	projection.fitExtent(
		[
			[MARGIN, MARGIN],
			[MAP_WIDTH - MARGIN, height - MARGIN]
		],
		extent
	);
	const draw = (g: Geometry | null): string => {
		if (!g) return '';
		const ctx = new CompactPath();
		geoPath(projection, ctx as never)(g);
		return ctx.toString();
	};

	const units: MapUnit[] = [];
	let shaped = 0;
	for (const spec of input.units) {
		const members = spec.communes.map((c) => byCode.get(c)).filter((c): c is MapCommune => !!c);
		const centre = weightedCentre(members);
		const [x, y] = centre ? (projection(centre) ?? [MAP_WIDTH / 2, height / 2]) : [MAP_WIDTH / 2, height / 2];
		const geoms = topo ? spec.communes.flatMap((c) => shapeOf.get(c) ?? []) : [];
		let d: string | null = null;
		if (topo && geoms.length) {
			const geometry =
				geoms.length === 1 ? (feature(topo, geoms[0] as never) as unknown as Feature<Polygon | MultiPolygon>).geometry : merge(topo, geoms as never);
			d = draw(rewind(geometry)) || null;
		}
		if (d) shaped++;
		units.push({ code: spec.code, name: spec.name, d, x: round1(x), y: round1(y) });
	}

	const mode = shaped > 0 ? 'shapes' : 'dots';
	// the shared files are IGN Admin Express 2018 (../shared/data/README.md), under the Licence Ouverte
	const source =
		mode === 'shapes'
			? 'Limites communales\u00a0: IGN Admin Express 2018 (Licence Ouverte), simplifiées\u00a0; les communes fusionnées depuis y sont réunies.'
			: outlineGeo
				? 'Pas de limites communales pour ce département\u00a0: son contour (IGN Admin Express 2018, Licence Ouverte, simplifié) et un point au centre de chaque unité (centre de ses communes pondéré par leur population).'
				: 'Pas de limites pour ce département\u00a0: un point au centre de chaque unité (centre de ses communes pondéré par leur population).';
	return {
		departmentCode: input.departmentCode,
		levelKey: input.levelKey,
		width: MAP_WIDTH,
		height,
		outline: draw(outlineGeo),
		mode,
		units,
		source
	};
}
