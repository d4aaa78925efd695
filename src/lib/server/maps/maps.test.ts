import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { createTestDatabase } from '../../../../test/db.ts';
import { sql } from 'drizzle-orm';
import { departmentShapes, saveArea, seedStepDone, SHAPES_SEED_STEP } from '../territory/index.ts';
import { ensureTerritory } from '../demo/index.ts';
import { sharedDataDir } from '../paths.ts';
import { departmentMap, forgetMaps } from './index.ts';

let db: Database;
beforeAll(async () => {
	db = await createTestDatabase();
});
afterAll(async () => db?.close());

describe('departmentMap', () => {
	it('draws every commune of Lot-et-Garonne from its boundary, inside a viewBox 1,000 wide', async () => {
		const map = await departmentMap(db, '47', { kind: 'commune' });
		expect(map.mode).toBe('shapes');
		expect(map.units.length).toBe(319);
		expect(map.units.filter((u) => !u.d).map((u) => u.code)).toEqual([]);
		expect(map.width).toBe(1000);
		expect(map.height).toBeGreaterThan(500);
		expect(map.outline).toMatch(/^M\d+ \d+l/);
		for (const u of map.units) {
			expect(u.x).toBeGreaterThanOrEqual(0);
			expect(u.x).toBeLessThanOrEqual(map.width);
			expect(u.y).toBeLessThanOrEqual(map.height);
		}
		const agen = map.units.find((u) => u.code === '47001')!;
		expect(agen.name).toBe('Agen');
	});

	it('stores Gironde’s communes under their current codes (4 former communes joined the commune they merged into)', async () => {
		const shapes = (await departmentShapes(db.db, '33'))!;
		expect(shapes.detail).toBe('communes');
		const ids = (shapes.topology.objects.communes as unknown as { geometries: { id: string }[] }).geometries.map((g) => g.id);
		expect(ids.length).toBe(538);
		const map = await departmentMap(db, '33', { kind: 'commune' });
		const codes = new Set(map.units.map((u) => u.code));
		expect(ids.filter((id) => !codes.has(id))).toEqual([]);
		expect(ids.filter((id) => id === '33008')).toHaveLength(3);
		expect((await departmentShapes(db.db, '24'))!.detail).toBe('outline');
		expect(JSON.stringify(shapes.topology).length).toBeLessThan(150_000);
	});

	it('merges the communes of each EPCI into one shape', async () => {
		const map = await departmentMap(db, '33', { kind: 'epci' });
		expect(map.mode).toBe('shapes');
		expect(map.units.length).toBeGreaterThan(20);
		expect(map.units.length).toBeLessThan(35);
		const bordeaux = map.units.find((u) => /Bordeaux Métropole/.test(u.name))!;
		expect(bordeaux.d).toBeTruthy();
		const communes = await departmentMap(db, '33', { kind: 'commune' });
		expect(communes.units.filter((u) => !u.d)).toEqual([]);
		expect(bordeaux.d!.length).toBeLessThan(communes.units.filter((u) => u.code.startsWith('33')).reduce((s, u) => s + u.d!.length, 0));
	});

	it('draws a département without commune boundaries as its outline and dots at the centres', async () => {
		const map = await departmentMap(db, '24', { kind: 'commune' });
		expect(map.mode).toBe('dots');
		expect(map.outline).toMatch(/^M/);
		expect(map.units.every((u) => u.d === null)).toBe(true);
		expect(map.units.length).toBeGreaterThan(400);
		expect(map.source).toMatch(/un point au centre de chaque unité/);
	});

	it('draws the instance’s areas, and a changed area anew', async () => {
		const first = await saveArea(db, { departmentCode: '47', kind: 'bassin_de_vie', name: 'Agenais', inseeCodes: ['47001', '47157'] });
		const map = await departmentMap(db, '47', { kind: 'area', areaKind: 'bassin_de_vie' });
		expect(map.units.map((u) => [u.code, u.name])).toEqual([[String(first.id), 'Agenais']]);
		await saveArea(db, { departmentCode: '47', kind: 'bassin_de_vie', name: 'Agenais', inseeCodes: ['47001'] });
		const again = await departmentMap(db, '47', { kind: 'area', areaKind: 'bassin_de_vie' });
		expect(again.units[0].d!.length).toBeLessThan(map.units[0].d!.length);
	});

	it('a database loaded before the maps gets its boundaries at the next start, once', async () => {
		await db.db.execute(sql`delete from territory_shapes`);
		await db.db.execute(sql`delete from seed_runs where step = 'shapes'`);
		forgetMaps(db);
		expect((await departmentMap(db, '47', { kind: 'commune' })).mode).toBe('dots');
		const logged: string[] = [];
		await ensureTerritory(db, (m) => logged.push(m), sharedDataDir());
		expect(logged).toEqual([expect.stringMatching(/^shapes: 96 départements \(communes: 33, 47, 64\)/)]);
		expect(await seedStepDone(db.db, SHAPES_SEED_STEP)).toBe(true);
		forgetMaps(db);
		expect((await departmentMap(db, '47', { kind: 'commune' })).mode).toBe('shapes');
		await ensureTerritory(db, (m) => logged.push(m), sharedDataDir());
		expect(logged).toHaveLength(1);
	});
});
