/**
 * The public search on the REAL demo data (issue 12, items 4, 5, 7): the territory and the
 * places of Lot-et-Garonne and its neighbours from ../shared/data, as the instance loads
 * them at first start (ensureDemo).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, onPostgres } from '../../../../test/db.ts';
import { openRequestDatabase } from '../db/request-pool.ts';
import { runInScope } from '../db/request-scope.ts';
import type { Database } from '../db/client.ts';
import { ensureDemo } from '../demo/index.ts';
import { getInstanceSettings } from '../territory/index.ts';
import { NEARBY_METRES, DISTANCE_BANDS_METRES, bandOf } from './search-sql.ts';
import { searchPlaces, searchPlacesJson, coverage, anyPassPlace, type SearchItem } from './search.ts';
import { emptyFilters } from './filters.ts';
import { organisations } from '../accounts/db.ts';
import { passQualifications } from '../pass/db.ts';
import { campaignSponsors } from '../pass/index.ts';
import { randomUUID } from 'node:crypto';
import type { PlaceFilters } from './types.ts';
import { assess, recommendPlaces } from '../assessment/index.ts';

let db: Database;
const HOME = ['47'];
// Wednesday 2026-11-18 15:00 in Paris
const WEDNESDAY_3PM = new Date('2026-11-18T14:00:00Z');
// Sunday 2026-11-22 03:00 in Paris: nothing is open
const SUNDAY_3AM = new Date('2026-11-22T02:00:00Z');

beforeAll(async () => {
	db = await createTestDatabase();
	await ensureDemo(db);
}, 600_000);
afterAll(async () => db?.close());

/** the HTML search: numbered pages, places within 30 km */
const page = (where: string, n = 1, f: Partial<PlaceFilters> = {}, now = WEDNESDAY_3PM) =>
	searchPlaces(db, {
		where,
		filters: { ...emptyFilters(), ...f },
		offset: (n - 1) * 20,
		limit: 20,
		maxMetres: NEARBY_METRES,
		homeDepartments: HOME,
		withStatus: true,
		now
	});
const complete = (i: SearchItem) => i.place.locationPrecision === 'address' && !!i.place.horaires && !!(i.place.telephone || i.place.courriels.length);

describe('useful places first (item 4)', () => {
	it.each(['Agen', '47000', 'Marmande', 'Bordeaux'])(
		'around %s, the first results have an exact position, known hours and a contact, each with a distance',
		async (q) => {
			const r = await page(q);
			expect(r.where?.status).toBe('found');
			expect(r.items.length).toBeGreaterThan(3);
			// before: results 1–10 around Agen were placed at the commune's centre, with no hours, #1 with no phone nor e-mail
			expect(
				r.items.slice(0, 3).every(complete),
				r.items
					.slice(0, 3)
					.map((i) => i.place.nom)
					.join(', ')
			).toBe(true);
			expect(r.items.every((i) => i.distanceMeters != null)).toBe(true);
		}
	);

	it('ranks by distance band, then completeness, then distance: a complete place never comes after a less complete one of its band', async () => {
		const r = await page('Agen');
		// the band of its distance, but the places of the commune searched are all in the first one
		for (const i of r.items) expect(i.band).toBe(i.place.codeInsee === '47001' ? 0 : bandOf(i.distanceMeters!));
		const keys = r.items.map((i) => [i.band!, -i.completeness, i.distanceMeters!] as const);
		for (let k = 1; k < keys.length; k++) {
			const [a, b] = [keys[k - 1], keys[k]];
			expect(a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] <= b[2])))).toBe(true);
		}
		// the places set at Agen's centre, with nothing else known, still come within the 2 km band, after the complete ones
		const firstIncomplete = r.items.findIndex((i) => i.completeness < 3);
		expect(firstIncomplete).toBeGreaterThan(3);
		expect(bandOf(r.items[firstIncomplete].distanceMeters!)).toBe(0);
		expect(DISTANCE_BANDS_METRES[0]).toBe(2000);
	});

	it('"Villeneuve": the complete places of Villeneuve-sur-Lot first, though the commune’s centre lies kilometres from the town', async () => {
		const r = await page('Villeneuve');
		expect(r.where).toMatchObject({ status: 'found', point: { inseeCode: '47323', kind: 'municipality' } });
		const town = r.items.filter((i) => i.place.codeInsee === '47323');
		// before: the centre of its 81 km² (territoire/communes-2024.csv) is 3.6 km from the
		// France services, so the first band (2 km) held only a place set at that centre with
		// no hours, listed first; the complete places of the town came after it
		expect(town.filter(complete).length).toBeGreaterThan(1);
		expect(Math.min(...town.filter(complete).map((i) => i.distanceMeters!))).toBeGreaterThan(DISTANCE_BANDS_METRES[0]);
		// every place of the commune is in the first band, the most complete first
		expect(town.every((i) => i.band === 0)).toBe(true);
		expect(r.items.slice(0, town.length).map((i) => i.place.id)).toEqual(town.map((i) => i.place.id));
		expect(r.items[0].place.codeInsee).toBe('47323');
		expect(
			r.items.slice(0, 2).every(complete),
			r.items
				.slice(0, 3)
				.map((i) => `${i.place.nom} (${i.completeness})`)
				.join(', ')
		).toBe(true);
		const scores = town.map((i) => i.completeness);
		expect(scores).toEqual([...scores].sort((a, b) => b - a));
		// its postcode gives the same first places; from an address, distances alone decide
		expect((await page('47300')).items.slice(0, 3).map((i) => i.place.id)).toEqual(r.items.slice(0, 3).map((i) => i.place.id));
		// the API's cursor walks the same order
		const walked: string[] = [];
		let after: string | undefined;
		while (walked.length < r.items.length) {
			const j = await searchPlaces(db, { where: 'Villeneuve', filters: emptyFilters(), limit: 7, after, homeDepartments: HOME });
			walked.push(...j.items.map((i) => i.place.id));
			if (!j.nextCursor) break;
			after = j.nextCursor;
		}
		expect(walked.slice(0, r.items.length)).toEqual(r.items.map((i) => i.place.id));
	});

	it('the JSON API gives the same order (it shares the search)', async () => {
		const html = await searchPlaces(db, { where: 'Agen', filters: emptyFilters(), limit: 20, homeDepartments: HOME });
		const json = await searchPlacesJson(db, { where: 'Agen', filters: emptyFilters(), limit: 20, homeDepartments: HOME });
		expect(json.items.map((j) => JSON.parse(j).id)).toEqual(html.items.map((i) => i.place.id));
	});
});

describe('the count and the pages agree (item 5)', () => {
	it('around Agen: the pages hold exactly the places counted, each once, in the order of the cursor walk', async () => {
		const first = await page('Agen');
		expect(first.totalCapped).toBe(false);
		const total = first.total!;
		expect(total).toBeGreaterThan(20);
		const seen: string[] = [];
		for (let n = 1; n <= 20; n++) {
			const r = n === 1 ? first : await page('Agen', n);
			expect(r.total).toBe(total);
			seen.push(...r.items.map((i) => i.place.id));
			if (!r.hasMore) break;
		}
		expect(seen).toHaveLength(total);
		expect(new Set(seen).size).toBe(total);
		// the API's cursor walks the same order, then goes on beyond 30 km
		const walked: string[] = [];
		let after: string | undefined;
		while (walked.length < total + 5) {
			const r = await searchPlaces(db, { where: 'Agen', filters: emptyFilters(), limit: 7, after, homeDepartments: HOME });
			walked.push(...r.items.map((i) => i.place.id));
			if (!r.nextCursor) break;
			after = r.nextCursor;
		}
		expect(walked.slice(0, total)).toEqual(seen);
		expect(walked.length).toBeGreaterThan(total);
		expect(new Set(walked).size).toBe(walked.length);
	});

	it('without a place, all the places of the département by name, page after page', async () => {
		const r1 = await searchPlaces(db, { filters: emptyFilters(), offset: 0, limit: 20, homeDepartments: HOME });
		const pages = Math.ceil(r1.total! / 20);
		const last = await searchPlaces(db, { filters: emptyFilters(), offset: (pages - 1) * 20, limit: 20, homeDepartments: HOME });
		expect(last.hasMore).toBe(false);
		expect(last.items.length).toBe(r1.total! - (pages - 1) * 20);
		expect(last.total).toBe(r1.total);
	});

	it('"Ouvert maintenant" with nothing open nearby gives nothing, not a place 124 km away', async () => {
		const r = await page('Agen', 1, { ouvertMaintenant: true }, SUNDAY_3AM);
		expect(r.items).toEqual([]);
		expect(r.total).toBe(0);
	});
});

describe('names resolve to the instance’s département first (item 5)', () => {
	it('"Villeneuve" is Villeneuve-sur-Lot, "Sainte Livrade" Sainte-Livrade-sur-Lot', async () => {
		const v = await page('Villeneuve');
		expect(v.where).toMatchObject({ status: 'found', point: { inseeCode: '47323' } });
		expect(v.items.length).toBeGreaterThan(0);
		expect((await page('Sainte Livrade')).where).toMatchObject({ status: 'found', point: { inseeCode: '47252' } });
	});

	it('"Paris" is outside the area the site covers, and says which it is', async () => {
		const r = await page('Paris');
		expect(r.where?.status).toBe('found');
		expect(r.items).toEqual([]);
		const area = await coverage(db, HOME, r.where?.status === 'found' ? r.where.point : null);
		expect(area).toEqual({ label: 'Lot-et-Garonne (47)', outside: true });
		const agen = await page('Agen');
		expect((await coverage(db, HOME, agen.where?.status === 'found' ? agen.where.point : null)).outside).toBe(false);
	});
});

describe('Pass Numérique (item 7)', () => {
	it('the demo qualifies real places of Agen, Marmande and Villeneuve-sur-Lot: the filter finds them with the badge', async () => {
		expect(await anyPassPlace(db, HOME)).toBe(true);
		// before: no place of Lot-et-Garonne accepted the pass, /lieux?pass=1 said « Aucun lieu trouvé »
		const agen = await page('Agen', 1, { pass: true });
		expect(agen.items.map((i) => i.place.nom)).toContain('France services Agen Léon Blum');
		expect(agen.items.every((i) => i.acceptsPass)).toBe(true);
		for (const town of ['Marmande', 'Villeneuve-sur-Lot']) {
			const r = await page(town, 1, { pass: true });
			expect(r.items.length, town).toBeGreaterThan(0);
			expect(r.items[0].distanceMeters!, town).toBeLessThan(5000);
		}
		// another département of the demo data has none: the search says so there
		expect(await anyPassPlace(db, ['24'])).toBe(false);
	});

	it('the demo fills the legal settings with values marked as demo', async () => {
		const s = await getInstanceSettings(db);
		expect(s.publisher).toBe('Département de Lot-et-Garonne (démonstration)\n1633 avenue du Général Leclerc, Cité Saint-Jacques\n47000 Agen');
		expect(s.publicationDirector).toBe('La présidence du Conseil départemental de Lot-et-Garonne (démonstration)');
		expect(s.host).toMatch(/^Instance de démonstration/);
		expect(s.dpoContact).toBe('dpo@demo.invalid');
		expect(s.accessibilityContact).toBe('accessibilite@demo.invalid');
		expect(s.name).toBe('Déclic 47 — réseau d’inclusion numérique');
	});

	it('a place whose SIRET is qualified shows the badge and is found by the filter; a suspended one is not', async () => {
		const agen = await page('Agen');
		const target = agen.items.find((i) => /^\d{14}$/.test(i.place.pivot) && i.place.pivot !== '00000000000000' && !i.acceptsPass)!;
		expect(target).toBeTruthy();
		expect(target.acceptsPass).toBe(false);
		const [org] = await db.db.insert(organisations).values({ name: 'Structure qualifiée', kind: 'association', departmentCode: '47' }).returning();
		const [q] = await db.db.insert(passQualifications).values({ departmentCode: '47', siret: target.place.pivot, organisationId: org.id }).returning();
		const r = await page('Agen', 1, { pass: true });
		expect(r.items.map((i) => i.place.id)).toContain(target.place.id);
		expect(r.items.every((i) => i.acceptsPass)).toBe(true);
		expect(r.total).toBe(r.items.length);
		expect(r.items.length).toBeGreaterThan(1); // with the demo's own
		if (onPostgres()) {
			// a visitor's connection (the request role, no scope): it sees which places accept
			// the pass (maillage_pass_places(), migration 0022), never the qualifications
			// (not closed here: its close() ends the owner's pool too; dropping the test database ends it)
			const request = await openRequestDatabase(db, 1);
			{
				const visitor = { departments: '', userId: '', owner: '', voucherCode: '' };
				const seen = await runInScope(
					() =>
						searchPlaces(request, {
							where: 'Agen',
							filters: { ...emptyFilters(), pass: true },
							offset: 0,
							limit: 20,
							maxMetres: NEARBY_METRES,
							homeDepartments: HOME
						}),
					visitor
				);
				expect(seen.items.map((i) => i.place.id)).toContain(target.place.id);
				expect(await runInScope(() => request.db.select().from(passQualifications), visitor)).toEqual([]);
			}
		}
		await db.db.execute(sql`update pass_qualifications set suspended_at = now() where id = ${q.id}`);
		expect((await page('Agen', 1, { pass: true })).items.map((i) => i.place.id)).not.toContain(target.place.id);
	});
});

describe('the booklets name who proposes the pass (item 7)', () => {
	it('the Département’s own structure, else « Département de … »', async () => {
		expect(await campaignSponsors(db, randomUUID(), '47')).toEqual({ department: 'Département de Lot-et-Garonne', funders: [] });
		await db.db.insert(organisations).values({ name: 'Conseil départemental de Lot-et-Garonne', kind: 'departement', departmentCode: '47' });
		expect((await campaignSponsors(db, randomUUID(), '47')).department).toBe('Conseil départemental de Lot-et-Garonne');
	});
});

describe('the assessment’s recommendations (item 4)', () => {
	it('around Agen, each says how far (or « Dans la commune »), and complete places come first', async () => {
		const r = await recommendPlaces(db, assess({}), { where: 'Agen' }, { limit: 10, homeDepartments: HOME, now: WEDNESDAY_3PM });
		expect(r.recommendations.length).toBe(10);
		for (const x of r.recommendations)
			expect(
				x.reasons.some((t) => /^(À (environ )?[\d,]+ k?m|Dans la commune)$/.test(t)),
				x.reasons.join(' | ')
			).toBe(true);
		expect(r.recommendations[0].item.completeness).toBe(3);
	});
});

describe('the demo’s Pass structures', () => {
	it('take the kind their name says: the Département is a Département, not an association (walk of issue 13)', async () => {
		const rows = await db.query<{ name: string; kind: string }>(sql`select name, kind from organisations order by name`);
		expect(rows.map((r) => r.name)).toContain('Département de Lot-et-Garonne');
		for (const r of rows) {
			if (/^(conseil )?d[ée]partement\b/i.test(r.name)) expect(r.kind, r.name).toBe('departement');
			if (/^france services/i.test(r.name)) expect(r.kind, r.name).toBe('france_services');
		}
	});
});
