import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/db.ts';
import type { Database } from '../db/client.ts';
import { importPlaces } from './import.ts';
import { NEARBY_COUNT_CAP } from './search-sql.ts';
import { searchPlaces, searchPlacesJson } from './search.ts';
import { emptyFilters } from './filters.ts';

let db: Database;

/** 210 places on a 1 km grid around Agen, all within 10 km; 4 of them offer "Surdité". */
function gridAroundAgen() {
	const out: Record<string, unknown>[] = [];
	for (let i = 0; i < 15; i++)
		for (let j = 0; j < 14; j++) {
			const k = i * 14 + j;
			out.push({
				id: `grille-${k}`,
				pivot: '21470001500016',
				nom: `Point d'appui ${k}`,
				commune: 'Agen',
				code_postal: '47000',
				code_insee: '47001',
				adresse: `${k + 1} boulevard de la Grille`,
				latitude: 44.14 + i * 0.009,
				longitude: 0.55 + j * 0.0125,
				services: 'Aide aux démarches administratives',
				prise_en_charge_specifique: k % 50 === 0 ? 'Surdité' : '',
				date_maj: '2026-01-01'
			});
		}
	return out;
}

beforeAll(async () => {
	db = await createTestDatabase();
	const r = await importPlaces(db, { fileName: 'grille.json', content: JSON.stringify(gridAroundAgen()), today: '2026-11-18' });
	expect(r.rejected).toBe(0);
	expect(r.created).toBe(210);
});
afterAll(async () => db?.close());

describe('the count of places around a point', () => {
	it('stops at the cap and says there are more', async () => {
		const r = await searchPlaces(db, { where: 'Agen', filters: emptyFilters() });
		expect(r.total).toBe(NEARBY_COUNT_CAP);
		expect(r.totalCapped).toBe(true);
		expect(r.items).toHaveLength(20);
	});

	it('is exact below the cap, filters included', async () => {
		const r = await searchPlaces(db, { where: 'Agen', filters: { ...emptyFilters(), priseEnCharge: ['Surdité'] } });
		expect(r.total).toBe(5);
		expect(r.totalCapped).toBe(false);
		expect(r.items.map((i) => i.place.priseEnChargeSpecifique)).toEqual(Array(5).fill(['Surdité']));
	});

	it('is the same in the JSON search', async () => {
		const r = await searchPlacesJson(db, { where: 'Agen', filters: emptyFilters() });
		expect([r.total, r.totalCapped]).toEqual([NEARBY_COUNT_CAP, true]);
	});
});
