/**
 * The map's geometry on a small fixed world (pure): two square communes side by side with
 * their boundaries, a third without; merged into one unit, drawn, centred.
 */
import { describe, expect, it } from 'vitest';
import { topology } from 'topojson-server';
import type { Topology } from 'topojson-specification';
import type { FeatureCollection, Polygon } from 'geojson';
import { buildMapGeometry, MAP_WIDTH, rewind, weightedCentre, type MapCommune } from './model.ts';

// RFC 7946 winding (counter-clockwise exterior rings), as the shared files have it
const square = (x: number, y: number): Polygon => ({
	type: 'Polygon',
	coordinates: [
		[
			[x, y],
			[x + 0.1, y],
			[x + 0.1, y + 0.1],
			[x, y + 0.1],
			[x, y]
		]
	]
});
const world: FeatureCollection = {
	type: 'FeatureCollection',
	features: [
		{ type: 'Feature', id: '99001', properties: {}, geometry: square(0.5, 44) },
		{ type: 'Feature', id: '99002', properties: {}, geometry: square(0.6, 44) }
	]
};
const topo = topology({ communes: world }) as unknown as Topology;
const communes: MapCommune[] = [
	{ inseeCode: '99001', name: 'Aubiac', latitude: 44.05, longitude: 0.55, population: 300 },
	{ inseeCode: '99002', name: 'Brax', latitude: 44.05, longitude: 0.65, population: 100 },
	{ inseeCode: '99003', name: 'Cours', latitude: 44.02, longitude: 0.58, population: 50 }
];

describe('buildMapGeometry', () => {
	it('draws each commune with a boundary as a closed path, the others as a dot at their centre', () => {
		const g = buildMapGeometry({
			departmentCode: '99',
			levelKey: 'commune',
			topology: topo,
			communes,
			units: communes.map((c) => ({ code: c.inseeCode, name: c.name, communes: [c.inseeCode] }))
		});
		expect(g.mode).toBe('shapes');
		expect(g.width).toBe(MAP_WIDTH);
		// two squares of 0.1° side by side fill the width: at 44° N, 0.1° of longitude is 0.72 of 0.1° of latitude
		expect(g.height).toBeGreaterThan(650);
		expect(g.height).toBeLessThan(760);
		const [a, b, c] = g.units;
		expect(a.d).toMatch(/^M\d+ \d+(l-?\d+ ?-?\d+)+z$/);
		expect(b.d).toMatch(/z$/);
		expect(c.d).toBeNull();
		// Aubiac's centre on the left half, Brax's on the right (not the whole sphere: rings rewound)
		expect(a.x).toBeLessThan(MAP_WIDTH / 2);
		expect(b.x).toBeGreaterThan(MAP_WIDTH / 2);
		expect(g.outline).toMatch(/^M.*z$/);
		expect(g.source).toMatch(/^Limites communales\u00a0: IGN Admin Express 2018/);
	});

	it('merges the communes of a unit into one shape without their shared border, centred by population', () => {
		const g = buildMapGeometry({
			departmentCode: '99',
			levelKey: 'epci',
			topology: topo,
			communes,
			units: [{ code: '200000001', name: 'CC de test', communes: ['99001', '99002'] }]
		});
		const [u] = g.units;
		// one ring: four corners (a rectangle), the shared border gone
		expect(u.d!.match(/M/g)).toHaveLength(1);
		expect(u.d!.match(/l/g)!.length).toBeLessThanOrEqual(5);
		// weighted 3 to 1 towards Aubiac: left of the middle
		expect(u.x).toBeLessThan(MAP_WIDTH / 2);
		expect(weightedCentre(communes.slice(0, 2))).toEqual([0.575, 44.05]);
	});

	it('without any boundary: dots, fitted to the communes', () => {
		const g = buildMapGeometry({
			departmentCode: '98',
			levelKey: 'commune',
			topology: null,
			communes,
			units: communes.map((c) => ({ code: c.inseeCode, name: c.name, communes: [c.inseeCode] }))
		});
		expect(g.mode).toBe('dots');
		expect(g.outline).toBe('');
		expect(g.units.every((u) => u.d === null && u.x >= 0 && u.x <= MAP_WIDTH && u.y >= 0 && u.y <= g.height)).toBe(true);
		expect(g.source).toMatch(/^Pas de limites/);
	});

	it('rewinds a ring wound the GeoJSON way, so d3 draws its inside', () => {
		const r = rewind(square(0, 0));
		expect(r.coordinates[0]).toEqual([...square(0, 0).coordinates[0]].reverse());
		expect(rewind(r)).toEqual(r);
	});
});
