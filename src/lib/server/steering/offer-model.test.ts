/** The offer's pure rules: half-days open, the stock at a date, the nearest places, the units of a level, the CSV's cells. */
import { describe, expect, it } from 'vitest';
import { weeklyOpenIntervals } from '../places/index.ts';
import { communeReach, halfDaysOpen, knownSince, monthsBefore, placesAt, type PlaceFact } from './offer-model.ts';
import { unitsOf, type UnitCommune } from './units.ts';
import { csvValue, steeringCsv } from './exports.ts';
import { MASKED_CELL } from './model.ts';

const week = (h: string) => weeklyOpenIntervals(h);

describe('half-days open a week', () => {
	it('counts a morning or an afternoon open at least an hour', () => {
		expect(halfDaysOpen(week('Mo-Fr 09:00-12:00,14:00-17:00'))).toBe(10);
		expect(halfDaysOpen(week('Mo-Fr 09:00-12:00'))).toBe(5);
		expect(halfDaysOpen(week('Mo-Sa 09:00-18:00'))).toBe(12);
		// a lunchtime opening 12:30–13:30 is half an hour on each side: no half-day
		expect(halfDaysOpen(week('We 12:30-13:30'))).toBe(0);
		expect(halfDaysOpen(week('We 12:00-14:00'))).toBe(2);
		expect(halfDaysOpen(week('24/7'))).toBe(14);
		expect(halfDaysOpen([])).toBe(0);
	});
	it('is unknown without hours', () => {
		expect(halfDaysOpen(null)).toBeNull();
		expect(halfDaysOpen(week(''))).toBeNull();
	});
});

describe('the stock at a date', () => {
	it('knows a place from its real update date or its recording, the earlier', () => {
		expect(knownSince({ dateMaj: '2024-03-01', createdOn: '2026-11-18' })).toBe('2024-03-01');
		expect(knownSince({ dateMaj: '1970-01-01', createdOn: '2026-11-18' })).toBe('2026-11-18');
		expect(knownSince({ dateMaj: '2026-12-01', createdOn: '2026-11-18' })).toBe('2026-11-18');
		const ps = [
			{ id: 'a', dateMaj: '2024-03-01', createdOn: '2026-11-18' },
			{ id: 'b', dateMaj: '1970-01-01', createdOn: '2026-11-18' }
		];
		expect(placesAt(ps, '2025-01-01').map((p) => p.id)).toEqual(['a']);
		expect(placesAt(ps, '2026-11-19').map((p) => p.id)).toEqual(['a', 'b']);
	});
	it('goes back whole months, the month’s last day when shorter', () => {
		expect(monthsBefore('2026-12-07', 12)).toBe('2025-12-07');
		expect(monthsBefore('2026-12-07', 18)).toBe('2025-06-07');
		expect(monthsBefore('2026-08-31', 18)).toBe('2025-02-28');
		expect(monthsBefore('2026-01-15', 1)).toBe('2025-12-15');
	});
});

describe('the nearest places', () => {
	const place = (id: string, latitude: number, longitude: number, o: Partial<PlaceFact> = {}): PlaceFact => ({
		id,
		latitude,
		longitude,
		codeInsee: null,
		departmentCode: '47',
		services: [],
		openWeek: null,
		dateMaj: '2026-01-01',
		createdOn: '2026-01-01',
		acceptsPass: false,
		...o
	});
	it('finds each kind’s nearest within 30 km, across the grid’s cells, and none beyond', () => {
		// one degree of latitude ≈ 111.3 km: 0.05° ≈ 5.6 km, 0.2° ≈ 22.3 km, 0.3° ≈ 33.4 km
		const r = communeReach(
			[
				{ inseeCode: 'X', latitude: 44.0, longitude: 0.5 },
				{ inseeCode: 'Y', latitude: 46.0, longitude: 0.5 },
				{ inseeCode: 'Z', latitude: null, longitude: null }
			],
			[
				place('near', 44.05, 0.5, { services: ['Maîtrise des outils numériques du quotidien'] }),
				place('admin', 43.8, 0.5, { services: ['Aide aux démarches administratives'], openWeek: week('Mo-Fr 09:00-17:00') }),
				place('far', 46.3, 0.5)
			]
		).get('X')!;
		expect(Math.round(r.any!)).toBe(5566);
		expect(Math.round(r.admin! / 100)).toBe(223);
		expect(r.open[9]).toBe(r.admin);
		expect(r.open[10]).toBeNull();
		const y = communeReach([{ inseeCode: 'Y', latitude: 46.0, longitude: 0.5 }], [place('far', 46.3, 0.5)]).get('Y')!;
		expect(y).toEqual({ any: null, admin: null, open: new Array(14).fill(null) });
	});
});

describe('the units of a level', () => {
	const communes: UnitCommune[] = [
		{ inseeCode: '1', name: 'Bravo', epciCode: 'E1', epciName: 'CA Un', areas: [{ id: 1, kind: 'bassin_de_vie', name: 'Nord' }] },
		{ inseeCode: '2', name: 'Alpha', epciCode: 'E1', epciName: 'CA Un', areas: [] },
		{ inseeCode: '3', name: 'Écho', epciCode: null, epciName: null, areas: [{ id: 2, kind: 'bassin_de_vie', name: 'Sud' }] }
	];
	const dep = { code: '47', name: 'Lot-et-Garonne' };
	it('groups the communes, by name, the communes outside any unit last', () => {
		expect(unitsOf(communes, { kind: 'commune' }, dep).map((u) => u.name)).toEqual(['Alpha', 'Bravo', 'Écho']);
		expect(unitsOf(communes, { kind: 'epci' }, dep)).toEqual([
			{ code: 'E1', name: 'CA Un', communes: ['1', '2'] },
			{ code: 'sans-epci', name: 'Sans intercommunalité', communes: ['3'] }
		]);
		expect(unitsOf(communes, { kind: 'area', areaKind: 'bassin_de_vie' }, dep).map((u) => [u.code, u.communes])).toEqual([
			['area-1', ['1']],
			['area-2', ['3']],
			['hors-territoire', ['2']]
		]);
		expect(unitsOf(communes, { kind: 'departement' }, dep)).toEqual([{ code: '47', name: 'Lot-et-Garonne', communes: ['1', '2', '3'] }]);
	});
});

describe('the CSV of a steering table', () => {
	it('writes French numbers for a spreadsheet, masked cells as such, and neutralises formulas', () => {
		expect(csvValue(0.4567, 'percent')).toBe('45,7');
		expect(csvValue(12.25, 'per10k')).toBe('12,3');
		expect(csvValue(5.25, 'score')).toBe('5,25');
		expect(csvValue(12000, 'count')).toBe('12000');
		expect(csvValue(MASKED_CELL, 'persons')).toBe('masqué');
		expect(csvValue(null, 'count')).toBe('');
		const csv = steeringCsv({
			id: 't',
			title: 'Titre',
			columns: [
				{ key: 'a', label: 'Nom', kind: 'text' },
				{ key: 'b', label: 'Part (%)', kind: 'percent' }
			],
			rows: [['=HYPERLINK("x")', 0.5]],
			total: ['Total; tout', 1],
			notes: ['Une note.']
		});
		expect(csv).toBe('\ufeffNom;Part (%)\r\n"\'=HYPERLINK(""x"")";50\r\n"Total; tout";100\r\n\r\nTitre\r\nUne note.\r\n');
	});
});
