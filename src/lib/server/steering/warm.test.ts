/**
 * The refresh job's warming of the steering pages (warm.ts; docs/decisions/0018, second
 * amendment), on PGlite and PostgreSQL, on a small world of Lot-et-Garonne: after a refresh
 * that publishes a month, the warming reads the facts and solves the masks of every page and
 * level in advance; the first reader then solves no mask and reads exactly what a cold
 * computation gives (same figures, same masked cells); a month published later is warmed
 * again; the work is bounded (départements left for the next cycle); nothing is done again
 * while the figures have not changed; the offer's places are read in advance too. No timing
 * is asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openWorld, type World } from '../../../../test/world.ts';
import { onPostgres } from '../../../../test/db.ts';
import { runInScope } from '../db/request-scope.ts';
import type { Database } from '../db/client.ts';
import type { Actor } from '../accounts/index.ts';
import { demandSections, offerSection, outcomeSections, partnerSections, refreshSteeringFacts, type SteeringSection } from './index.ts';
import { forgetKeptPlaces, placeReads } from './offer.ts';
import { keptYearFacts, MASKS, NOT_PUBLISHED } from './figures.ts';
import { forgetWarmed, warmSteering } from './warm.ts';

/** July published on 5 August; August on 5 September */
const AUGUST = new Date('2026-08-07T10:00:00Z');
const SEPTEMBER = new Date('2026-09-07T10:00:00Z');
const at = (day: string) => new Date(`${day}T10:00:00+02:00`);

let w: World;
let coordinator: Actor;

const LEVELS = ['commune', 'epci', 'bassin_de_vie', 'departement'];
const PAGES = [demandSections, outcomeSections, partnerSections] as const;

async function every(database: Database, period: string, now: Date): Promise<SteeringSection[][]> {
	const out: SteeringSection[][] = [];
	for (const niveau of LEVELS)
		for (const page of PAGES)
			out.push((await page(database, coordinator, new URLSearchParams(`departement=47&periode=${period}&niveau=${niveau}`), now)).sections);
	return out;
}

/** Every page and level read with nothing kept (the facts read again, the masks solved again). */
async function cold(period: string, now: Date): Promise<SteeringSection[][]> {
	MASKS.clear();
	keptYearFacts.clear(w.db);
	return every(w.db, period, now);
}

const forgetAll = () => {
	MASKS.clear();
	keptYearFacts.clear(w.db);
	forgetWarmed(w.db);
};

beforeAll(async () => {
	w = await openWorld({ places: 'agen' });
	const q = (s: ReturnType<typeof sql>) => w.db.query(s);
	const ccas = await w.organisation('CCAS d’Agen', 'ccas');
	const caf = await w.organisation('CAF de Lot-et-Garonne', 'operateur');
	const cd = await w.organisation('Département de Lot-et-Garonne', 'departement');
	coordinator = await w.member('coord@cd47.test', cd, 'coordinator');
	await w.member('alex@caf47.test', caf, 'partner');
	const [p] = await w.db.query<{ id: string }>(sql`select id from places where code_insee = '47001' order by id limit 1`);
	await q(sql`insert into areas (department_code, kind, name) values ('47', 'bassin_de_vie', 'Bassin d’Agen')`);
	await q(sql`insert into area_municipalities (area_id, insee_code) select id, c from areas, unnest(array['47001', '47195']) c where name = 'Bassin d’Agen'`);
	// persons of Agen, Nérac and Marmande, referred and assessed in July (small counts: masked) and August
	const communes = ['47001', '47001', '47001', '47001', '47001', '47001', '47001', '47195', '47195', '47157', '47157', '47157'];
	for (const [i, commune] of communes.entries())
		for (const month of ['07', '08']) {
			if (month === '08' && i % 3) continue;
			const org = i < 9 ? ccas : caf;
			const [b] = await w.db.query<{ id: string }>(
				sql`insert into beneficiaries (organisation_id, department_code, first_name, commune_code) values (${org}, '47', 'P', ${commune}) returning id`
			);
			const sent = at(`2026-${month}-${String(1 + i).padStart(2, '0')}`);
			const [g] = await w.db.query<{ id: string }>(
				sql`insert into grants (beneficiary_id, grantee_organisation_id, recorded_by_organisation_id, scopes, purpose, method) values (${b.id}, ${org}, ${org}, array['referral'], 'orientation', 'oral') returning id`
			);
			const [r] = await w.db.query<{
				id: string;
			}>(sql`insert into referrals (beneficiary_id, from_organisation_id, place_id, consent_id, reason, status, department_code, sent_at, status_at, link_nonce)
				values (${b.id}, ${org}, ${p.id}, ${g.id}, 'Créer son compte Ameli', 'sent', '47', ${sent}, ${sent}, 'n') returning id`);
			await q(
				sql`insert into referral_events (referral_id, type, actor_kind, from_status, to_status, at) values (${r.id}, 'send', 'prescriber', null, 'sent', ${sent})`
			);
			await q(sql`insert into assessments (beneficiary_id, organisation_id, version, answers, result, created_at)
				values (${b.id}, ${org}, 1, '{"besoin": ["demarche"]}'::jsonb, '{"profile": {"equipment": "Autonome"}}'::jsonb, ${sent})`);
			await q(sql`insert into accompaniments (organisation_id, place_id, department_code, date, kind, duration_minutes, location, themes, autonomy, gender, age_band, social_status, created_at)
				values (${ccas}, ${p.id}, '47', ${`2026-${month}-${String(1 + i).padStart(2, '0')}`}, 'individual', 30, 'place', array['E-mail'], 'partly', 'F', '70plus', 'retired', ${sent})`);
		}
	// the state on 7 August: July published
	await refreshSteeringFacts(w.db, { full: true, now: AUGUST, departments: ['47'] });
}, 120_000);
afterAll(async () => {
	await w?.close();
});

describe('the warming after a refresh', () => {
	it('reads and masks every page and level in advance: the first reader solves no mask and reads what a cold computation gives', async () => {
		const expected = await cold('2026', AUGUST);
		forgetAll();
		const r = await warmSteering(w.db, { departments: ['47'], now: AUGUST });
		expect(r.departments).toEqual([expect.objectContaining({ code: '47', year: 2026, published: 7, pages: 9 })]);
		expect(keptYearFacts.size(w.db)).toBeGreaterThan(0);
		const misses = MASKS.misses;
		const read = await every(w.db, '2026', AUGUST);
		expect(MASKS.misses).toBe(misses);
		// the same figures and the same masked cells as read with nothing kept
		expect(read).toEqual(expected);
		// and masked: small counts of July are « masqué » somewhere
		expect(JSON.stringify(read)).toContain('masqu');
	});

	it('does nothing again while the published figures have not changed (the cycle of every ten minutes)', async () => {
		await refreshSteeringFacts(w.db, { now: AUGUST, departments: ['47'] });
		const r = await warmSteering(w.db, { departments: ['47'], now: AUGUST });
		expect(r.departments).toEqual([]);
		expect(r.unchanged).toBe(1);
	});

	it('after the next publication, holds the new month: warmed again, read without solving, equal to a cold computation', async () => {
		// August was not shown on 7 August
		const before = await demandSections(w.db, coordinator, new URLSearchParams('departement=47&periode=2026-08&niveau=epci'), AUGUST);
		expect(JSON.stringify(before.sections)).toContain(NOT_PUBLISHED.slice(0, 30));
		// the refresh of 7 September writes August, published on the 5th: the figures' stamp moves
		await refreshSteeringFacts(w.db, { now: SEPTEMBER, departments: ['47'] });
		const expected = await cold('2026', SEPTEMBER);
		const expectedAugust = await cold('2026-08', SEPTEMBER);
		forgetAll();
		// warmed once for July: August's state is new
		await warmSteering(w.db, { departments: ['47'], now: AUGUST });
		const r = await warmSteering(w.db, { departments: ['47'], now: SEPTEMBER });
		expect(r.departments).toEqual([expect.objectContaining({ code: '47', year: 2026, published: 8 })]);
		const misses = MASKS.misses;
		const year = await every(w.db, '2026', SEPTEMBER);
		const august = await every(w.db, '2026-08', SEPTEMBER);
		expect(MASKS.misses).toBe(misses);
		expect(year).toEqual(expected);
		expect(august).toEqual(expectedAugust);
		expect(JSON.stringify(august)).not.toContain(NOT_PUBLISHED.slice(0, 30));
	});

	it('is bounded: the départements beyond the limit are left for the next cycle', async () => {
		forgetAll();
		const none = await warmSteering(w.db, { departments: ['47'], now: SEPTEMBER, maxDepartments: 0 });
		expect(none.departments).toEqual([]);
		expect(none.left).toEqual(['47']);
		const next = await warmSteering(w.db, { departments: ['47'], now: SEPTEMBER });
		expect(next.departments.map((d) => d.code)).toEqual(['47']);
		// a département never refreshed is not warmed (nothing to read)
		expect((await warmSteering(w.db, { departments: ['33'], now: SEPTEMBER })).departments).toEqual([]);
	});
});

describe('the offer read in advance', () => {
	it('the places around the département and the nearest places for the year under way: the first reader of the offer reads none', async () => {
		forgetKeptPlaces(w.db);
		forgetWarmed(w.db);
		const r = await warmSteering(w.db, { departments: ['47'], now: SEPTEMBER });
		expect(r.offer).toBe(1);
		const reads = { ...placeReads };
		const page = await offerSection(w.db, coordinator, new URLSearchParams('departement=47&niveau=commune'), '2026-09-07');
		expect(placeReads).toEqual(reads);
		// the same figures as read afresh
		forgetKeptPlaces(w.db);
		expect((await offerSection(w.db, coordinator, new URLSearchParams('departement=47&niveau=commune'), '2026-09-07')).offer).toEqual(page.offer);
		expect(placeReads.full).toBe(reads.full + 1);
	});
});

describe.skipIf(!onPostgres())('on PostgreSQL, through the request role', () => {
	it('a request finds the facts the job read as the owner, and reads the same figures', async () => {
		const request: Database = await w.requestDatabase(2);
		const read = () =>
			runInScope(() => outcomeSections(request, coordinator, new URLSearchParams('departement=47&periode=2026&niveau=epci'), SEPTEMBER), {
				departments: '47',
				userId: coordinator.userId,
				owner: '',
				voucherCode: ''
			});
		forgetAll();
		const expected = (await read()).sections;
		forgetAll();
		await warmSteering(w.db, { departments: ['47'], now: SEPTEMBER });
		const kept = keptYearFacts.size(request);
		expect(kept).toBeGreaterThan(0);
		const misses = MASKS.misses;
		expect((await read()).sections).toEqual(expected);
		// no mask solved, no facts read again
		expect(MASKS.misses).toBe(misses);
		expect(keptYearFacts.size(request)).toBe(kept);
	});
});
