/**
 * The trainings in the steering space (issue 17, item 7) on a small fixed world with known
 * answers, on PGlite and PostgreSQL: the refresh writes the training facts (and their sums
 * over the communes); the helpers trained by commune, area and département of their
 * structure, by structure and by profile; hours delivered and received; sessions held; the
 * satisfaction averages; masking; a partner's scope; a prescriber refused; the CSV.
 *
 * The world (Lot-et-Garonne, read on 7 December 2026: months up to November published):
 * - Session S1 (on site at France services de Boé, 47031, organised by the Département,
 *   theme « procedures »), 10 September 2026, 09:00–12:00 and 14:00–17:00 (6 h). Present:
 *   6 agents of the CCAS d’Agen (its place in Agen, 47001; both half-days), 5 agents of the
 *   CAF (its place in Villeneuve-sur-Lot, 47323; the morning), 5 volunteers without an
 *   account (both half-days: counted at Boé, the session's place); 1 volunteer absent.
 *   → September: 16 helpers trained (Agen 6, Boé 5, Villeneuve 5), 81 h received (36 + 15 +
 *   30), 1 session, 6 h delivered. 6 answers to the survey on 12 September: « global »
 *   5, 5, 4, 4, 3, 5 (average 4.33), « contenu » 4 each.
 * - Session S2 (webinar organised by the CAF, theme « security »), 15 October 2026,
 *   10:00–12:00: 3 CAF agents present (2 h each); 2 answers on 16 October.
 *   → October: 3 helpers trained (masked), 6 h received, 1 session, 2 h delivered.
 * - « Bassin d’Agen » (bassin de vie): Agen and Boé.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openWorld, type World } from '../../../../test/world.ts';
import type { Actor } from '../accounts/index.ts';
import { openDataTable, openTrainingFigures, refreshSteeringFacts, steeringExport, trainingSections, type SteeringSection } from './index.ts';
import { THEMES } from '../trainings/index.ts';
import { MASKED_CELL, type SteeringTable } from './model.ts';

const NOW = new Date('2026-12-07T11:00:00Z');

let w: World;
let coordinator: Actor;
let partner: Actor;
let prescriber: Actor;

async function buildWorld() {
	const q = (s: ReturnType<typeof sql>) => w.db.query(s);
	const ccas = await w.organisation('CCAS d’Agen', 'ccas');
	const caf = await w.organisation('CAF de Lot-et-Garonne', 'operateur');
	const cd = await w.organisation('Département de Lot-et-Garonne', 'departement');
	coordinator = await w.member('coord@cd47.test', cd, 'coordinator');
	partner = await w.member('alex@caf47.test', caf, 'partner');
	prescriber = await w.member('pat@ccas.test', ccas, 'prescriber');
	await w.runs(ccas, 'Médiathèque Lacépède');
	await w.runs(caf, 'EPN de Villeneuve-sur-Lot');
	const boe = await w.place('France services de Boé');
	await q(sql`insert into areas (department_code, kind, name) values ('47', 'bassin_de_vie', 'Bassin d’Agen')`);
	await q(sql`insert into area_municipalities (area_id, insee_code) select id, c from areas, unnest(array['47001', '47031']) c where name = 'Bassin d’Agen'`);

	const training = async (org: string, theme: string, format: string) =>
		(
			await w.db.query<{ id: string }>(sql`insert into trainings (department_code, organiser_organisation_id, title, audiences, theme, format)
				values ('47', ${org}, 'Formation', array['volunteers'], ${theme}, ${format}) returning id`)
		)[0].id;
	const session = async (t: string, day: string, place: string | null, commune: string | null, slots: [string, string, string][]) => {
		const [s] = await w.db.query<{
			id: string;
		}>(sql`insert into training_sessions (training_id, department_code, status, place_id, commune_code, registration_deadline, first_day, last_day)
			values (${t}, '47', 'published', ${place}, ${commune}, ${day}, ${day}, ${day}) returning id`);
		const ids: string[] = [];
		for (const [half, start, end] of slots)
			ids.push(
				(
					await w.db.query<{ id: string }>(
						sql`insert into training_slots (session_id, day, half, start_time, end_time) values (${s.id}, ${day}, ${half}, ${start}, ${end}) returning id`
					)
				)[0].id
			);
		return { id: s.id, slots: ids };
	};
	let n = 0;
	const attendee = async (s: { id: string; slots: string[] }, org: string | null, profile: string, present: boolean[], recordedAt: string) => {
		n++;
		const [r] = await w.db.query<{
			id: string;
		}>(sql`insert into training_registrations (session_id, department_code, organisation_id, first_name, last_name, email, profile, status, position, token_hash)
			values (${s.id}, '47', ${org}, 'A', 'B', ${`a${n}@exemple.test`}, ${profile}, 'confirmed', ${n}, ${`h${n}`}) returning id`);
		for (const [i, slot] of s.slots.entries())
			await q(sql`insert into training_attendance (registration_id, slot_id, department_code, present, method, recorded_at)
				values (${r.id}, ${slot}, '47', ${present[i] ?? false}, 'sheet', ${recordedAt}::timestamptz)`);
	};
	const s1 = await session(await training(cd, 'procedures', 'on_site'), '2026-09-10', boe, '47031', [
		['am', '09:00', '12:00'],
		['pm', '14:00', '17:00']
	]);
	for (let i = 0; i < 6; i++) await attendee(s1, ccas, 'social_worker', [true, true], '2026-09-10T18:00:00+02:00');
	for (let i = 0; i < 5; i++) await attendee(s1, caf, 'partner_agent', [true, false], '2026-09-10T18:00:00+02:00');
	for (let i = 0; i < 5; i++) await attendee(s1, null, 'volunteer', [true, true], '2026-09-11T09:00:00+02:00');
	await attendee(s1, null, 'volunteer', [false, false], '2026-09-11T09:00:00+02:00');
	const s2 = await session(await training(caf, 'security', 'webinar'), '2026-10-15', null, null, [['am', '10:00', '12:00']]);
	for (let i = 0; i < 3; i++) await attendee(s2, caf, 'partner_agent', [true], '2026-10-15T12:30:00+02:00');

	const answer = (s: string, day: string, global: number) =>
		q(sql`insert into training_satisfaction (session_id, department_code, answered_on, scores)
			values (${s}, '47', ${day}, ${JSON.stringify({ contenu: 4, clarte: 5, organisation: 3, utilite: 4, global })}::jsonb)`);
	for (const g of [5, 5, 4, 4, 3, 5]) await answer(s1.id, '2026-09-12', g);
	for (const g of [2, 3]) await answer(s2.id, '2026-10-16', g);
}

const table = (sections: SteeringSection[], id: string): SteeringTable => {
	const t = sections.flatMap((s) => s.tables).find((x) => x.table.id === id)?.table;
	if (!t) throw new Error(`no table ${id}`);
	return t;
};
const row = (t: SteeringTable, label: string | RegExp) => {
	const r = t.rows.find((x) => (typeof label === 'string' ? x[0] === label : label.test(String(x[0]))));
	if (!r) throw new Error(`no row ${label} in ${t.id}: ${t.rows.map((x) => x[0]).join(', ')}`);
	return r.slice(1);
};
const params = (s: string) => new URLSearchParams(`departement=47&${s}`);
const page = async (actor: Actor, s: string) => (await trainingSections(w.db, actor, params(s), NOW)).sections;

beforeAll(async () => {
	w = await openWorld({ places: 'agen' });
	await buildWorld();
	await refreshSteeringFacts(w.db, { full: true, now: NOW, departments: ['47'] });
}, 120_000);
afterAll(async () => {
	await w?.close();
});

describe('the training facts', () => {
	it('are written by the refresh, in the month of the half-days, with their sums over the communes', async () => {
		const facts = await w.db.query<{ kind: string; month: string; commune: string; n: number; amount: string }>(
			sql`select kind, month::text as month, commune_code as commune, sum(n)::int as n, sum(amount_cents)::text as amount from steering_facts
				where kind like 'training_%' group by 1, 2, 3 order by 1, 2, 3`
		);
		expect(facts).toEqual([
			{ kind: 'training_person', month: '2026-09-01', commune: '47001', n: 6, amount: String(6 * 360) },
			{ kind: 'training_person', month: '2026-09-01', commune: '47031', n: 5, amount: String(5 * 360) },
			{ kind: 'training_person', month: '2026-09-01', commune: '47323', n: 5, amount: String(5 * 180) },
			{ kind: 'training_person', month: '2026-10-01', commune: '47323', n: 3, amount: String(3 * 120) },
			{ kind: 'training_satisfaction', month: '2026-09-01', commune: '47031', n: 30, amount: '0' },
			{ kind: 'training_satisfaction', month: '2026-10-01', commune: '', n: 10, amount: '0' },
			{ kind: 'training_session', month: '2026-09-01', commune: '47031', n: 1, amount: '360' },
			{ kind: 'training_session', month: '2026-10-01', commune: '', n: 1, amount: '120' }
		]);
		const summed = await w.db.query(sql`select month::text, kind, organisation_id, dim_a, dim_b, n, persons, amount_cents::text from steering_facts_summed
			where kind like 'training_%' order by 1, 2, 3, 4, 5`);
		const sums = await w.db
			.query(sql`select month::text, kind, organisation_id, dim_a, dim_b, sum(n)::int as n, sum(persons)::int as persons, sum(amount_cents)::text as amount_cents
			from steering_facts where kind like 'training_%' group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`);
		expect(summed).toEqual(sums);
	});

	it('count late attendance in the month it is recorded in: a published month does not move', async () => {
		const [s] = await w.db.query<{ id: string; slot: string }>(
			sql`select s.id, sl.id as slot from training_sessions s join training_slots sl on sl.session_id = s.id where s.first_day = '2026-09-10' and sl.half = 'am'`
		);
		const [r] = await w.db.query<{
			id: string;
		}>(sql`insert into training_registrations (session_id, department_code, first_name, last_name, email, profile, status, position, token_hash)
			values (${s.id}, '47', 'L', 'T', 'late@exemple.test', 'other', 'confirmed', 99, 'late') returning id`);
		await w.db.query(sql`insert into training_attendance (registration_id, slot_id, department_code, present, method, recorded_at)
			values (${r.id}, ${s.slot}, '47', true, 'sheet', '2026-11-20T10:00:00+01:00')`);
		await refreshSteeringFacts(w.db, { full: true, now: NOW, departments: ['47'] });
		const rows = await w.db.query<{ month: string; n: number }>(
			sql`select month::text as month, sum(n)::int as n from steering_facts where kind = 'training_person' group by 1 order by 1`
		);
		expect(rows).toEqual([
			{ month: '2026-09-01', n: 16 },
			{ month: '2026-10-01', n: 3 },
			{ month: '2026-11-01', n: 1 }
		]);
		await w.db.query(sql`delete from training_registrations where id = ${r.id}`);
		await refreshSteeringFacts(w.db, { full: true, now: NOW, departments: ['47'] });
	});
});

describe('the trainings’ page', () => {
	it('counts the helpers trained by commune, area and département of their structure', async () => {
		const communes = table(await page(coordinator, 'periode=2026-09&niveau=commune'), 'formations-aidants-territoire');
		expect(row(communes, 'Agen')).toEqual([6]);
		expect(row(communes, 'Boé')).toEqual([5]);
		expect(row(communes, 'Villeneuve-sur-Lot')).toEqual([5]);
		expect(communes.total).toEqual(['Total', 16]);
		const areas = table(await page(coordinator, 'periode=2026-09&niveau=bassin_de_vie'), 'formations-aidants-territoire');
		expect(row(areas, 'Bassin d’Agen')).toEqual([11]);
		expect(row(areas, /^Hors du territoire/)).toEqual([5]);
		const dept = table(await page(coordinator, 'periode=2026-T3&niveau=departement'), 'formations-aidants-territoire');
		expect(row(dept, 'Lot-et-Garonne')).toEqual([16]);
	});

	it('by structure and profile with the hours received; sessions and hours delivered; satisfaction', async () => {
		const sections = await page(coordinator, 'periode=2026-09&niveau=epci');
		const byStructure = table(sections, 'formations-aidants-structure');
		expect(row(byStructure, 'CCAS d’Agen')).toEqual([6, 36]);
		expect(row(byStructure, /^CAF de Lot-et-Garonne/)).toEqual([5, 15]);
		expect(row(byStructure, /^Sans compte/)).toEqual([5, 30]);
		expect(byStructure.total).toEqual(['Total', 16, 81]);
		const byProfile = table(sections, 'formations-aidants-profil');
		expect(row(byProfile, 'Travailleur social')).toEqual([6, 36]);
		expect(row(byProfile, 'Agent d’un partenaire')).toEqual([5, 15]);
		expect(row(byProfile, 'Bénévole')).toEqual([5, 30]);
		expect(row(byProfile, 'Médiateur numérique')).toEqual([0, 0]);
		const sessions = table(sections, 'formations-sessions');
		expect(row(sessions, /^Démarches|procédures/i)).toEqual([1, 6]);
		expect(sessions.total).toEqual(['Total', 1, 6]);
		const sat = table(sections, 'formations-satisfaction');
		expect(row(sat, /^Dans l’ensemble/)).toEqual([6, 4.33]);
		expect(row(sat, /^Le contenu/)).toEqual([6, 4]);
		const year = table(await page(coordinator, 'periode=2026&niveau=epci'), 'formations-sessions');
		expect(year.total).toEqual(['Total', 2, 8]);
	});

	it('masks a count of 1 to 4 persons, the hours and averages with it, and what would tell it', async () => {
		const october = await page(coordinator, 'periode=2026-10&niveau=commune');
		const communes = table(october, 'formations-aidants-territoire');
		expect(row(communes, 'Villeneuve-sur-Lot')).toEqual([MASKED_CELL]);
		expect(communes.total?.[1]).toEqual(MASKED_CELL);
		const byProfile = table(october, 'formations-aidants-profil');
		expect(row(byProfile, 'Agent d’un partenaire')).toEqual([MASKED_CELL, MASKED_CELL]);
		expect(byProfile.total?.slice(1)).toEqual([MASKED_CELL, MASKED_CELL]);
		expect(row(table(october, 'formations-satisfaction'), /^Dans l’ensemble/)).toEqual([MASKED_CELL, MASKED_CELL]);
		// sessions are not persons: shown
		expect(table(october, 'formations-sessions').total).toEqual(['Total', 1, 2]);
		// the year beside September: 16 + 3 must not be read as 19 beside 16
		const year = table(await page(coordinator, 'periode=2026&niveau=departement'), 'formations-aidants-territoire');
		const q4 = table(await page(coordinator, 'periode=2026-T4&niveau=departement'), 'formations-aidants-territoire');
		const shownYear = row(year, 'Lot-et-Garonne')[0];
		expect(typeof shownYear === 'number' && shownYear - 16 > 0 && shownYear - 16 < 5).toBe(false);
		expect(row(q4, 'Lot-et-Garonne')).toEqual([MASKED_CELL]);
		for (const s of [october, await page(coordinator, 'periode=2026&niveau=commune')])
			for (const t of s.flatMap((x) => x.tables))
				for (const r of [...t.table.rows, ...(t.table.total ? [t.table.total] : [])])
					t.table.columns.forEach((c, i) => {
						if (c.kind === 'persons' && typeof r[i] === 'number') expect(r[i] === 0 || (r[i] as number) >= 5).toBe(true);
					});
	});

	it('a partner reads its own: its agents trained, its sessions, their answers', async () => {
		const sections = await page(partner, 'periode=2026-09&niveau=departement');
		const byStructure = table(sections, 'formations-aidants-structure');
		expect(byStructure.rows.map((r) => r[0])).toEqual(['CAF de Lot-et-Garonne (partenaire)']);
		expect(row(byStructure, /^CAF/)).toEqual([5, 15]);
		expect(table(sections, 'formations-aidants-territoire').total).toEqual(['Total', 5]);
		// S1 was organised by the Département: not the CAF's
		expect(table(sections, 'formations-sessions').total).toEqual(['Total', 0, 0]);
		expect(row(table(sections, 'formations-satisfaction'), /^Dans l’ensemble/)).toEqual([0, null]);
		const october = await page(partner, 'periode=2026-10&niveau=departement');
		expect(table(october, 'formations-sessions').total).toEqual(['Total', 1, 2]);
		expect(row(table(october, 'formations-aidants-structure'), /^CAF/)).toEqual([MASKED_CELL, MASKED_CELL]);
	});

	it('refuses a prescriber; exports a table as CSV with the reader’s rights', async () => {
		await expect(trainingSections(w.db, prescriber, params('periode=2026'), NOW)).rejects.toMatchObject({ code: 'forbidden' });
		const csv = await steeringExport(w.db, coordinator, 'formations-aidants-profil', params('periode=2026-10&niveau=epci'), '2026-12-07');
		expect(csv.fileName).toBe('formations-aidants-profil-47-2026-10.csv');
		expect(csv.body).toContain('masqué');
		const mine = await steeringExport(w.db, partner, 'formations-aidants-structure', params('periode=2026-09&niveau=epci'), '2026-12-07');
		expect(mine.body).not.toContain('CCAS');
	});
});

describe('the trainings as open data (/donnees)', () => {
	const TODAY = '2026-12-07';
	const open = (id: string, q: string) => openDataTable(w.db, '47', id, new URLSearchParams(q), TODAY);

	it('publishes the helpers trained by territory and by profile as the coordinator reads them, masked; the sessions by theme', async () => {
		for (const [id, q] of [
			['formations-aidants-territoire', 'periode=2026-10&niveau=commune'],
			['formations-aidants-territoire', 'periode=2026-09&niveau=commune'],
			['formations-aidants-profil', 'periode=2026-10'],
			['formations-sessions', 'periode=2026']
		])
			expect((await open(id, q)).body, `${id} ${q}`).toBe((await steeringExport(w.db, coordinator, id, params(q), TODAY)).body);
		const october = (await open('formations-aidants-territoire', 'periode=2026-10&niveau=commune')).body;
		expect(october).toContain('masqué');
		expect(october).not.toMatch(/;3\r?\n/);
		expect((await open('formations-sessions', 'periode=2026')).fileName).toMatch(/^formations-sessions-47-2026-[a-zé-]+\.csv$/);
	});

	it('publishes neither the table by structure nor the survey, nor a month not yet published', async () => {
		for (const id of ['formations-aidants-structure', 'formations-satisfaction'])
			await expect(open(id, 'periode=2026')).rejects.toMatchObject({ code: 'not_found' });
		await expect(open('formations-sessions', 'periode=2026-12')).rejects.toMatchObject({ code: 'not_found' });
	});

	it('shows the year’s key figures on the page: sessions and hours by theme, the helpers trained masked like the table', async () => {
		const figures = (await openTrainingFigures(w.db, TODAY)).find((f) => f.departmentCode === '47');
		expect(figures).toMatchObject({
			period: '2026',
			through: 'novembre 2026',
			sessions: 2,
			hours: 8,
			themes: [
				{ label: THEMES.procedures, sessions: 1, hours: 6 },
				{ label: THEMES.security, sessions: 1, hours: 2 }
			]
		});
		const dept = (await open('formations-aidants-territoire', 'periode=2026&niveau=departement')).body;
		const total = /\nTotal;([^;\r\n]*)/.exec(dept)?.[1];
		expect(figures!.trained === null ? total : String(figures!.trained)).toBe(figures!.trained === null ? 'masqué' : total);
	});
});
