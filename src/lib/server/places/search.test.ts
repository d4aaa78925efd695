import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '../../../../test/db.ts';
import type { Database } from '../db/client.ts';
import { importPlaces } from './import.ts';
import { reportPlaceError, listErrorReports, resolveErrorReport } from './error-reports.ts';
import type { Actor } from '../accounts/index.ts';
import { getPlace } from './place.ts';
import { searchPlaces } from './search.ts';
import { searchJournal } from '../audit/index.ts';
import { emptyFilters, filtersFromSearchParams, filtersToSearchParams } from './filters.ts';
import type { PlaceFilters } from './types.ts';

let db: Database;
// Wednesday 2026-11-18 15:00 in Paris (14:00 UTC)
const WEDNESDAY_3PM = new Date('2026-11-18T14:00:00Z');

beforeAll(async () => {
	db = await createTestDatabase();
	const content = await readFile(new URL('../../../../test/fixtures/places-agen.json', import.meta.url));
	const r = await importPlaces(db, { fileName: 'places-agen.json', content, today: '2026-11-18' });
	expect(r.rejected).toBe(0);
	expect(r.created).toBe(5);
});
afterAll(async () => db?.close());

const ids = (r: Awaited<ReturnType<typeof searchPlaces>>) => r.items.map((i) => i.place.id.replace('fixture-', ''));
const search = (f: Partial<PlaceFilters> = {}, where = 'Agen') =>
	searchPlaces(db, { where, filters: { ...emptyFilters(), ...f }, now: WEDNESDAY_3PM, withStatus: true });

describe('search near a commune', () => {
	it('sorts by distance from Agen and shows the distance', async () => {
		const r = await search();
		expect(r.where).toMatchObject({ status: 'found', point: { inseeCode: '47001' } });
		expect(ids(r)).toEqual(['lacepede', 'boe', 'bus', 'villeneuve', 'bordeaux']);
		const d = r.items.map((i) => i.distanceMeters!);
		expect([...d].sort((a, b) => a - b)).toEqual(d);
		// Agen → Villeneuve-sur-Lot is about 23 km as the crow flies
		expect(d[3]).toBeGreaterThan(20_000);
		expect(d[3]).toBeLessThan(27_000);
		// counted within 30 km: Bordeaux (≈ 120 km) is listed but not counted
		expect(r.total).toBe(4);
		expect(r.radiusMeters).toBe(30_000);
	});

	it('finds the same by postcode', async () => {
		expect(ids(await search({}, '47000'))[0]).toBe('lacepede');
	});

	it('reports an unknown place', async () => {
		const r = await search({}, 'Zzyzzx');
		expect(r.where?.status).toBe('not_found');
		expect(r.items).toEqual([]);
	});

	it('gives the opening status of each result', async () => {
		const r = await search();
		const lac = r.items.find((i) => i.place.id === 'fixture-lacepede')!;
		expect(lac.status).toMatchObject({ open: true, label: 'Ouvert maintenant' });
		const boe = r.items.find((i) => i.place.id === 'fixture-boe')!;
		expect(boe.status?.open).toBe(false);
	});
});

describe('every filter', () => {
	it.each<[string, Partial<PlaceFilters>, string[]]>([
		['services', { services: ['Aide aux démarches administratives'] }, ['lacepede', 'boe']],
		['services (any of)', { services: ['Loisirs et créations numériques', 'Compréhension du monde numérique'] }, ['villeneuve', 'bordeaux']],
		['publics', { publics: ['Jeunes'] }, ['bus']],
		['prise en charge', { priseEnCharge: ['Surdité'] }, ['lacepede']],
		['gratuit', { gratuit: true }, ['lacepede', 'bordeaux']],
		['modalités d’accès', { modalitesAcces: ['Téléphoner'] }, ['boe', 'villeneuve']],
		['modalités d’accompagnement', { modalitesAccompagnement: ['Dans un atelier collectif'] }, ['bus', 'villeneuve']],
		['programmes', { programmes: ['France Services'] }, ['boe']],
		['ouvert maintenant (mercredi 15 h)', { ouvertMaintenant: true }, ['lacepede', 'bus']],
		['ouvert le samedi', { ouvertSamedi: true }, ['lacepede', 'villeneuve']],
		['itinérant', { itinerant: true }, ['bus']],
		['département', { departements: ['33'] }, ['bordeaux']],
		['combined (AND across filters)', { services: ['Aide aux démarches administratives'], gratuit: true }, ['lacepede']]
	])('%s', async (_, f, expected) => {
		const r = await search(f);
		expect(ids(r)).toEqual(expected);
		expect(r.total).toBe(expected.filter((e) => e !== 'bordeaux').length);
	});
});

describe('pagination', () => {
	it('walks every result once, in order, with a cursor', async () => {
		const seen: string[] = [];
		let after: string | undefined;
		for (let i = 0; i < 10; i++) {
			const r = await searchPlaces(db, { where: 'Agen', filters: emptyFilters(), limit: 2, after });
			seen.push(...ids(r));
			if (!r.nextCursor) break;
			after = r.nextCursor;
		}
		expect(seen).toEqual(['lacepede', 'boe', 'bus', 'villeneuve', 'bordeaux']);
	});

	it('without a place, lists by name within the départements asked', async () => {
		const r = await searchPlaces(db, { filters: emptyFilters(), homeDepartments: ['47'], limit: 2 });
		expect(r.total).toBe(4);
		const r2 = await searchPlaces(db, { filters: emptyFilters(), homeDepartments: ['47'], limit: 2, after: r.nextCursor! });
		expect([...ids(r), ...ids(r2)]).toEqual(['bus', 'villeneuve', 'boe', 'lacepede']);
	});

	it('places at the very same position come nearest first in a stable order, across pages', async () => {
		// 40 places at one point (e.g. structures placed at their commune's centroid)
		const same = Array.from({ length: 40 }, (_, i) => ({
			id: `tieplace-${String(39 - i).padStart(2, '0')}`,
			pivot: '00000000000000',
			nom: `Structure ${i}`,
			commune: 'Astaffort',
			code_postal: '47220',
			code_insee: '47015',
			adresse: `${i + 1} place de la Mairie`,
			latitude: 44.0646,
			longitude: 0.6513,
			date_maj: '2024-01-01',
			source: 'ties'
		}));
		await importPlaces(db, { fileName: 'ties.json', content: JSON.stringify(same), today: '2026-11-18' });
		const walk = async () => {
			const seen: { id: string; d: number }[] = [];
			let after: string | undefined;
			for (let i = 0; i < 30; i++) {
				const r = await searchPlaces(db, {
					point: { label: 'Astaffort', latitude: 44.0646, longitude: 0.6513, kind: 'municipality' },
					filters: emptyFilters(),
					limit: 3,
					after
				});
				seen.push(...r.items.map((x) => ({ id: x.place.id, d: x.distanceMeters! })));
				if (!r.nextCursor) break;
				after = r.nextCursor;
			}
			return seen;
		};
		const first = await walk();
		expect(first).toHaveLength(45);
		expect(new Set(first.map((x) => x.id)).size).toBe(45);
		expect(first.slice(0, 40).every((x) => x.id.startsWith('tieplace-') && x.d === 0)).toBe(true);
		expect((await walk()).map((x) => x.id)).toEqual(first.map((x) => x.id));

		// exact ties (same stored point) still page correctly, ordered by id
		await db.query(sql`update places set pos = (select pos from places where id = 'tieplace-00') where id like 'tieplace-%'`);
		const tied = (await walk()).map((x) => x.id);
		expect(tied.slice(0, 40)).toEqual(Array.from({ length: 40 }, (_, i) => `tieplace-${String(i).padStart(2, '0')}`));
		expect(new Set(tied).size).toBe(45);
	});

	it('rejects a forged cursor', async () => {
		await expect(searchPlaces(db, { where: 'Agen', filters: emptyFilters(), after: 'nope' })).rejects.toThrow(/curseur/);
	});
});

describe('filters in the URL', () => {
	it('round-trip through the query string', () => {
		const f: PlaceFilters = {
			...emptyFilters(),
			services: ['Aide aux démarches administratives'],
			publics: ['Seniors', 'Jeunes'],
			gratuit: true,
			ouvertSamedi: true
		};
		const sp = filtersToSearchParams(f, { ou: 'Agen' });
		expect(sp.get('ou')).toBe('Agen');
		expect(filtersFromSearchParams(sp)).toEqual(f);
	});
});

describe('a place and its error reports', () => {
	it('returns a place with its week and sources', async () => {
		const p = await getPlace(db, 'fixture-lacepede', WEDNESDAY_3PM);
		expect(p?.nom).toBe('Médiathèque Lacépède');
		expect(p?.telephone).toBe('+33553660000');
		expect(p?.sources.map((s) => s.source)).toEqual(['fixture']);
		expect(p?.week?.find((d) => d.day === 'Samedi')?.ranges).toHaveLength(1);
		expect(await getPlace(db, 'nope')).toBeNull();
	});

	it('stores a valid report and refuses an empty one with French messages', async () => {
		const bad = await reportPlaceError(db, 'fixture-boe', { message: '  ', courriel: 'pas-un-mail' });
		expect(bad.ok).toBe(false);
		if (!bad.ok) {
			expect(bad.errors.message).toMatch(/Décrivez/);
			expect(bad.errors.courriel).toMatch(/adresse e-mail/);
		}
		const ok = await reportPlaceError(db, 'fixture-boe', { champs: ['horaires'], message: 'Fermé le vendredi désormais.' });
		expect(ok.ok).toBe(true);
		const open = await listErrorReports(db);
		expect(open.map((r) => [r.placeName, r.fields])).toEqual([['France services de Boé', ['horaires']]]);
	});

	it('lets a coordinator of the place’s département close a report, once, erasing the reporter’s e-mail', async () => {
		await reportPlaceError(db, 'fixture-lacepede', { message: 'Le téléphone a changé.', courriel: 'habitant@exemple.fr' });
		const [r] = (await listErrorReports(db, { departments: ['47'] })).filter((x) => x.placeId === 'fixture-lacepede');
		expect(r.contactEmail).toBe('habitant@exemple.fr');
		expect(await listErrorReports(db, { departments: ['33'] })).toEqual([]);
		const coordinator = (departmentCode: string): Actor => ({
			userId: '00000000-0000-4000-8000-000000000001',
			isAdmin: false,
			mfa: true,
			memberships: [{ organisationId: '00000000-0000-4000-8000-0000000000aa', role: 'coordinator', departmentCode }]
		});
		const by = { ip: '192.0.2.1' };
		expect(await resolveErrorReport(db, coordinator('33'), r.id, by)).toBe(false);
		// a mediator of the département does not moderate reports
		expect(await resolveErrorReport(db, { ...coordinator('47'), memberships: [{ ...coordinator('47').memberships[0], role: 'mediator' }] }, r.id, by)).toBe(
			false
		);
		expect(await resolveErrorReport(db, coordinator('47'), r.id, by)).toBe(true);
		expect(await resolveErrorReport(db, coordinator('47'), r.id, by)).toBe(false);
		const [done] = (await listErrorReports(db, { status: 'resolved', departments: ['47'] })).filter((x) => x.id === r.id);
		expect(done).toMatchObject({ status: 'resolved', contactEmail: null });
		const log = await searchJournal(db, { departmentCodes: ['47'], action: 'error_report.resolved' });
		expect(log.rows.map((e) => e.targetId)).toEqual([String(r.id)]);
	});
});
