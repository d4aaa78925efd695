/**
 * The steering figures (issue 16, items 3, 4, 5 and 8) on a small fixed world with known
 * answers, on PGlite and PostgreSQL: the refresh (incremental, idempotent, two at once), the
 * demand, the outcomes (funnel, median and 9th decile, honoured rate, accompaniments, Pass
 * Numérique) and the partners' page, at commune, area and département level; masking; a
 * partner's scope; a prescriber refused.
 *
 * The world (Lot-et-Garonne, 2026, read on 7 December 2026: months up to November published):
 * - 18 referrals sent in July: 12 from the CCAS (8 persons living in Agen, 4 in Nérac), 6
 *   from the CAF (Marmande). The CCAS's 12 are answered (delays of 0.2 to 31 days): 9
 *   accepted then 7 honoured and 2 no-shows, 3 declined (2 « full », 1 « not eligible »);
 *   the CAF's 6 expire in August without an answer.
 * - 10 assessments in July (the Agen persons and two of Nérac): equipment « Avec guidage »
 *   6, « Autonome » 4; needs: procedures 10, employment 3.
 * - 21 individual accompaniments counted in July (one dated 20 June but recorded on 10 July,
 *   after June's publication), 1 workshop of 8 (5 women, 3 men).
 * - A Pass campaign funded by the CAF alone: 10 vouchers issued and 8 handed out in July, 6
 *   redeemed in August (10 € each); the CAF paid 5 000 € into the fund on 1 July.
 * - « Bassin d'Agen » (bassin de vie): Agen and Nérac.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openWorld, type World } from '../../../../test/world.ts';
import { onPostgres } from '../../../../test/db.ts';
import { runInScope } from '../db/request-scope.ts';
import type { Database } from '../db/client.ts';
import type { Actor } from '../accounts/index.ts';
import { parisDay } from '../../time.ts';
import { demandSections, outcomeSections, partnerSections, refreshSteeringFacts, steeringExport, type SteeringSection } from './index.ts';
import { MASKED_CELL, type SteeringTable } from './model.ts';
import { MASKS } from './figures.ts';

const NOW = new Date('2026-12-07T11:00:00Z');
const at = (day: string, hours = 10) => new Date(`${day}T${String(hours).padStart(2, '0')}:00:00+02:00`);
const plusDays = (d: Date, days: number) => new Date(d.getTime() + days * 86400_000);

let w: World;
let coordinator: Actor;
let partner: Actor;
let prescriber: Actor;
let ccas: string;
let caf: string;
let fs: string;

async function buildWorld() {
	const q = (s: ReturnType<typeof sql>) => w.db.query(s);
	ccas = await w.organisation('CCAS d’Agen', 'ccas');
	caf = await w.organisation('CAF de Lot-et-Garonne', 'operateur');
	fs = await w.organisation('France services Agen', 'france_services');
	const cd = await w.organisation('Département de Lot-et-Garonne', 'departement');
	coordinator = await w.member('coord@cd47.test', cd, 'coordinator');
	partner = await w.member('alex@caf47.test', caf, 'partner');
	prescriber = await w.member('pat@ccas.test', ccas, 'prescriber');
	const [p1, p2] = await w.db.query<{ id: string }>(
		sql`select id from places where code_insee = '47001' or code_insee = '47323' order by code_insee, id limit 2`
	);
	await q(sql`insert into areas (department_code, kind, name) values ('47', 'bassin_de_vie', 'Bassin d’Agen')`);
	await q(sql`insert into area_municipalities (area_id, insee_code) select id, c from areas, unnest(array['47001', '47195']) c where name = 'Bassin d’Agen'`);

	const person = async (commune: string, org: string) =>
		(
			await w.db.query<{ id: string }>(
				sql`insert into beneficiaries (organisation_id, department_code, first_name, commune_code) values (${org}, '47', 'P', ${commune}) returning id`
			)
		)[0].id;
	const consent = async (b: string, org: string) =>
		(
			await w.db.query<{ id: string }>(
				sql`insert into grants (beneficiary_id, grantee_organisation_id, recorded_by_organisation_id, scopes, purpose, method) values (${b}, ${org}, ${org}, array['referral'], 'orientation', 'oral') returning id`
			)
		)[0].id;
	const referral = async (b: string, org: string, place: string, sentAt: Date, status: string, declineReason: string | null = null) =>
		(
			await w.db.query<{
				id: string;
			}>(sql`insert into referrals (beneficiary_id, from_organisation_id, place_id, consent_id, reason, status, department_code, sent_at, status_at, link_nonce, decline_reason)
				values (${b}, ${org}, ${place}, ${await consent(b, org)}, 'Créer son compte Ameli', ${status}, '47', ${sentAt}, ${sentAt}, 'n', ${declineReason}) returning id`)
		)[0].id;
	const ev = (r: string, type: string, from: string | null, to: string, t: Date, actor = 'place') =>
		q(sql`insert into referral_events (referral_id, type, actor_kind, from_status, to_status, at) values (${r}, ${type}, ${actor}, ${from}, ${to}, ${t})`);
	const assessment = (b: string, equipment: string, needs: string[], t: Date) =>
		q(sql`insert into assessments (beneficiary_id, organisation_id, version, answers, result, created_at)
			values (${b}, ${ccas}, 1, ${JSON.stringify({ besoin: needs })}::jsonb, ${JSON.stringify({ profile: { equipment, skills: null, procedures: 'Autonome' } })}::jsonb, ${t})`);

	// the CCAS's 12 referrals: persons of Agen (8) and Nérac (4), answered after these delays (days)
	const delays = [0.2, 0.3, 1.2, 1.4, 1.6, 2.2, 2.5, 3.1, 4.5, 6, 12, 31];
	for (let i = 0; i < 12; i++) {
		const b = await person(i < 8 ? '47001' : '47195', ccas);
		const sent = at(`2026-07-0${1 + (i % 5)}`);
		const answered = plusDays(sent, delays[i]);
		if (i < 10) await assessment(b, i < 6 ? 'Avec guidage' : 'Autonome', i < 3 ? ['demarche', 'emploi'] : ['demarche'], sent);
		if (i < 9) {
			const status = i < 7 ? 'honoured' : 'no_show';
			const r = await referral(b, ccas, p1.id, sent, status);
			await ev(r, 'send', null, 'sent', sent, 'prescriber');
			await ev(r, 'accept', 'sent', 'accepted', answered);
			// honoured or not come in July (the last answers of July 2026 are before the 25th)
			await ev(r, i < 7 ? 'honour' : 'no_show', 'accepted', status, at('2026-07-28'));
		} else {
			const reason = i < 11 ? 'full' : 'not_eligible';
			const r = await referral(b, ccas, p2.id, sent, 'declined', reason);
			await ev(r, 'send', null, 'sent', sent, 'prescriber');
			// the 31-day answer lands in August
			await ev(r, 'decline', 'sent', 'declined', answered);
		}
	}
	// the CAF's 6, expired in August
	for (let i = 0; i < 6; i++) {
		const b = await person('47157', caf);
		const sent = at(`2026-07-0${1 + i}`);
		const r = await referral(b, caf, p1.id, sent, 'expired');
		await ev(r, 'send', null, 'sent', sent, 'prescriber');
		await ev(r, 'expire', 'sent', 'expired', plusDays(sent, 30), 'system');
	}

	// accompaniments: 20 individual in July, one dated in June recorded on 10 July, a workshop of 8
	const autonomy = (i: number) => (i < 10 ? 'autonomous' : i < 16 ? 'partly' : 'guided');
	for (let i = 0; i < 20; i++)
		await q(sql`insert into accompaniments (organisation_id, place_id, department_code, date, kind, duration_minutes, location, themes, procedure_themes, autonomy, gender, age_band, social_status, created_at)
			values (${fs}, ${p1.id}, '47', ${`2026-07-${String(1 + i).padStart(2, '0')}`}, 'individual', 30, 'place', array['Aide aux démarches administratives'],
				${i < 8 ? sql`array['Social – Santé']` : sql`'{}'::text[]`}, ${autonomy(i)}, ${i < 12 ? 'F' : 'M'}, ${i < 9 ? '60-69' : '70plus'}, 'retired', ${at(`2026-07-${String(1 + i).padStart(2, '0')}`, 18)})`);
	await q(sql`insert into accompaniments (organisation_id, place_id, department_code, date, kind, duration_minutes, location, themes, autonomy, created_at)
		values (${fs}, ${p1.id}, '47', '2026-06-20', 'individual', 30, 'place', array['E-mail'], 'partly', ${at('2026-07-10')})`);
	await q(sql`insert into accompaniments (organisation_id, place_id, department_code, date, kind, duration_minutes, location, themes, participants, breakdown, title, created_at)
		values (${fs}, ${p1.id}, '47', '2026-07-15', 'collective', 90, 'place', array['E-mail'], 8, ${JSON.stringify({ gender: { F: 5, M: 3 } })}::jsonb, 'Atelier courriel', ${at('2026-07-15', 18)})`);

	// the Pass: one campaign funded by the CAF, 10 vouchers
	await q(
		sql`insert into pass_contributions (department_code, funder_id, amount_cents, received_on, agreement_ref, created_at) values ('47', ${caf}, 500000, '2026-07-01', 'CONV-1', ${at('2026-07-01')})`
	);
	const [c] = await w.db.query<{ id: string }>(
		sql`insert into pass_campaigns (department_code, name, valid_from, valid_until, status) values ('47', 'Pass 2026', '2026-07-01', '2027-06-30', 'funded') returning id`
	);
	await q(sql`insert into pass_campaign_funders (campaign_id, funder_id, share_cents, paid_at) values (${c.id}, ${caf}, 100000, ${at('2026-07-01')})`);
	const [bk] = await w.db.query<{ id: string }>(
		sql`insert into pass_booklets (campaign_id, department_code, number, size) values (${c.id}, '47', 1, 10) returning id`
	);
	const holder = await person('47001', ccas);
	for (let i = 0; i < 10; i++)
		await q(sql`insert into pass_vouchers (code, campaign_id, booklet_id, position, department_code, face_value_cents, state, activated_at, distributed_at, beneficiary_id, redeemed_at, redeemed_place_id)
			values (${`CODE${i}`}, ${c.id}, ${bk.id}, ${i + 1}, '47', 1000, ${i < 6 ? 'redeemed' : i < 8 ? 'distributed' : 'created'}, ${at('2026-07-02')},
				${i < 8 ? at('2026-07-20') : null}, ${i < 8 ? holder : null}, ${i < 6 ? at('2026-08-10') : null}, ${i < 6 ? p1.id : null})`);
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

beforeAll(async () => {
	w = await openWorld({ places: 'agen' });
	await buildWorld();
	await refreshSteeringFacts(w.db, { full: true, now: NOW, departments: ['47'] });
}, 120_000);
afterAll(async () => {
	await w?.close();
});

describe('the refresh', () => {
	const snapshot = () => w.db.query(sql`select * from steering_facts order by kind, month, commune_code, organisation_id, dim_a, dim_b`);

	it('is idempotent: run again (or in two processes at once), the same rows', async () => {
		const before = await snapshot();
		expect(before.length).toBeGreaterThan(20);
		await Promise.all([
			refreshSteeringFacts(w.db, { full: true, now: NOW, departments: ['47'] }),
			refreshSteeringFacts(w.db, { full: true, now: NOW, departments: ['47'] })
		]);
		expect(await snapshot()).toEqual(before);
	});

	it('is incremental: only the months whose sources changed (and the month under way) are written again', async () => {
		const r = await refreshSteeringFacts(w.db, { now: NOW, departments: ['47'] });
		// nothing changed: only the month under way (at NOW) is written again
		expect(r.departments[0].months).toEqual(['2026-12-01']);
		// an event recorded now for a referral of July counts in December: July is not written again
		const [ref] = await w.db.query<{ id: string }>(sql`select id from referrals where status = 'honoured' limit 1`);
		const far = new Date(Date.now() + 365 * 86400_000);
		await w.db.query(
			sql`insert into referral_events (referral_id, type, actor_kind, from_status, to_status, at) values (${ref.id}, 'note', 'place', 'honoured', 'honoured', now())`
		);
		const again = await refreshSteeringFacts(w.db, { now: far, departments: ['47'] });
		expect(again.departments[0].months).toContain(`${new Date().toISOString().slice(0, 7)}-01`);
		expect(again.departments[0].months).not.toContain('2026-07-01');
	});

	it('writes the facts summed over the communes with them: the same sums, month by month', async () => {
		const summed = await w.db.query(sql`select department_code, month::text, kind, organisation_id, dim_a, dim_b, n, persons, amount_cents::text
			from steering_facts_summed order by 1, 2, 3, 4, 5, 6`);
		const facts = await w.db.query(sql`select department_code, month::text, kind, organisation_id, dim_a, dim_b, sum(n)::int as n, sum(persons)::int as persons,
				sum(amount_cents)::text as amount_cents from steering_facts group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6`);
		expect(summed.length).toBeGreaterThan(10);
		expect(summed).toEqual(facts);
	});

	it('counts an accompaniment recorded after its month was published in the month it was recorded', async () => {
		const [june] = await w.db.query<{ n: number }>(
			sql`select coalesce(sum(n), 0)::int as n from steering_facts where kind = 'accompaniment' and month = '2026-06-01'`
		);
		const [july] = await w.db.query<{ n: number }>(
			sql`select coalesce(sum(n), 0)::int as n from steering_facts where kind = 'accompaniment' and month = '2026-07-01'`
		);
		expect(june.n).toBe(0);
		expect(july.n).toBe(22);
	});
});

describe('the demand', () => {
	it('assessments and referrals at the commune level: small counts masked, with what would tell them', async () => {
		const { sections } = await demandSections(w.db, coordinator, params('periode=2026&niveau=commune'), NOW);
		const assessed = table(sections, 'demande-diagnostics-territoire');
		// Agen 8, Nérac 2: Nérac masked, and Agen with it (the total 10 would tell it)
		expect(row(assessed, 'Nérac')).toEqual([MASKED_CELL]);
		expect(row(assessed, 'Agen')).toEqual([MASKED_CELL]);
		expect(assessed.total).toEqual(['Total', 10]);
		const referrals = table(sections, 'demande-orientations-territoire');
		// Nérac 4: masked; Marmande 6, the smallest other, with it (the total 18 would tell Nérac);
		// Agen 8 too: the bassin's 12, published on its own page, minus Agen would give Nérac
		expect(row(referrals, 'Nérac')).toEqual([MASKED_CELL]);
		expect(row(referrals, 'Marmande')).toEqual([MASKED_CELL]);
		expect(row(referrals, 'Agen')).toEqual([MASKED_CELL]);
		expect(referrals.total).toEqual(['Total', 18]);
	});

	it('the same at the area level and the département level', async () => {
		const bassin = table(
			(await demandSections(w.db, coordinator, params('periode=2026&niveau=bassin_de_vie'), NOW)).sections,
			'demande-orientations-territoire'
		);
		expect(row(bassin, 'Bassin d’Agen')).toEqual([12]);
		expect(row(bassin, /^Hors du territoire/)).toEqual([6]);
		const dept = table(
			(await demandSections(w.db, coordinator, params('periode=2026-T3&niveau=departement'), NOW)).sections,
			'demande-orientations-territoire'
		);
		expect(row(dept, 'Lot-et-Garonne')).toEqual([18]);
	});

	it('autonomy per axis, needs, referrals by structure and by kind of structure', async () => {
		const { sections } = await demandSections(w.db, coordinator, params('periode=2026-07&niveau=departement'), NOW);
		const autonomy = table(sections, 'demande-autonomie');
		expect(autonomy.columns.map((c) => c.key)).toEqual(['libelle', 'equipment', 'skills', 'procedures']);
		// equipment: 6 « Avec guidage », 4 « Autonome »: the 4 masked, and the 6 with it (10 assessments)
		expect(row(autonomy, 'Avec guidage')).toEqual([MASKED_CELL, 0, 0]);
		expect(row(autonomy, 'Autonome')).toEqual([MASKED_CELL, 0, 10]);
		expect(autonomy.total).toEqual(['Total', 10, 10, 10]);
		expect(row(autonomy, 'Sans réponse')[1]).toBe(10);
		const needs = table(sections, 'demande-besoins');
		expect(row(needs, /^Faire une démarche/)).toEqual([10]);
		expect(row(needs, /^Chercher un emploi/)).toEqual([MASKED_CELL]);
		const byStructure = table(sections, 'demande-orientations-structure');
		expect(row(byStructure, 'CCAS d’Agen')).toEqual([12]);
		expect(row(byStructure, 'CAF de Lot-et-Garonne (partenaire)')).toEqual([6]);
		const byKind = table(sections, 'demande-orientations-type');
		expect(row(byKind, 'CCAS / CIAS')).toEqual([12]);
	});

	it('a month not published yet shows nothing, and says why', async () => {
		const { sections } = await demandSections(w.db, coordinator, params('periode=2026-12&niveau=departement'), NOW);
		const t = table(sections, 'demande-orientations-territoire');
		expect(t.rows).toEqual([]);
		expect(t.notes?.join(' ')).toMatch(/le 5 du mois suivant/);
	});

	it('a partner reads what its own structure did, nothing of the others', async () => {
		const { sections } = await demandSections(w.db, partner, params('periode=2026&niveau=departement'), NOW);
		const byStructure = table(sections, 'demande-orientations-structure');
		expect(byStructure.rows.map((r) => r[0])).toEqual(['CAF de Lot-et-Garonne (partenaire)']);
		expect(byStructure.total).toEqual(['Total', 6]);
		expect(table(sections, 'demande-diagnostics-territoire').total).toEqual(['Total', 0]);
	});

	it('a prescriber is refused', async () => {
		await expect(demandSections(w.db, prescriber, params('periode=2026'), NOW)).rejects.toMatchObject({ code: 'forbidden' });
	});
});

describe('the outcomes', () => {
	it('the funnel of the third quarter, the reasons for declining, the time to first answer', async () => {
		const { sections } = await outcomeSections(w.db, coordinator, params('periode=2026-T3&niveau=departement'), NOW);
		const funnel = table(sections, 'resultats-entonnoir');
		expect(funnel.rows.map((r) => r[1])).toEqual([18, 9, 7, MASKED_CELL, MASKED_CELL, 6, 0]);
		const declined = table(sections, 'resultats-refus-motifs');
		expect(declined.total).toEqual(['Total', MASKED_CELL]);
		// 11 first answers in July, 1 in August: the quarter minus July would give August's 1, so the quarter is masked
		const quarter = table(sections, 'resultats-delai');
		expect(quarter.rows.map((r) => r[1])).toEqual([MASKED_CELL, MASKED_CELL, MASKED_CELL]);
		const july = table((await outcomeSections(w.db, coordinator, params('periode=2026-07&niveau=departement'), NOW)).sections, 'resultats-delai');
		expect(july.rows).toEqual([
			['Premières réponses dans la période', 11],
			['Médiane (la moitié des lieux ont répondu en)', '2\u00a0jours'],
			['9e décile (9 réponses sur 10 en)', '5 à 6\u00a0jours']
		]);
	});

	it('the honoured rate by area of residence and by place', async () => {
		const { sections } = await outcomeSections(w.db, coordinator, params('periode=2026-T3&niveau=departement'), NOW);
		const byArea = table(sections, 'resultats-honorees-territoire');
		// closed in the quarter: 7 honoured, 3 declined, 2 not come, 6 expired; the département's row is masked beside the
		// row « elsewhere », a 0 masked at the commune level (to protect the communes of no bassin de vie, Marmande's 6 among them)
		expect(byArea.total).toEqual(['Total', 18, 7, 7 / 18]);
		expect(row(byArea, 'Lot-et-Garonne')).toEqual([MASKED_CELL, 7, MASKED_CELL]);
		expect(row(byArea, /^Hors du territoire/)).toEqual([MASKED_CELL, 0, MASKED_CELL]);
		const byPlace = table(sections, 'resultats-honorees-lieu');
		expect(byPlace.total).toEqual(['Total', 18, 7, 7 / 18]);
	});

	it('accompaniments by kind, autonomy reached, gender (a workshop counts its participants)', async () => {
		const { sections } = await outcomeSections(w.db, coordinator, params('periode=2026-07&niveau=departement'), NOW);
		const kinds = table(sections, 'resultats-accompagnements-type');
		// one workshop: masked, and the individual ones' count with it (22 in all)
		expect(row(kinds, 'Individuel')).toEqual([MASKED_CELL, 21]);
		expect(row(kinds, 'Collectif')).toEqual([MASKED_CELL, 8]);
		expect(kinds.total).toEqual(['Total', 22, 29]);
		const autonomy = table(sections, 'resultats-autonomie');
		expect(row(autonomy, 'Autonome')).toEqual([10]);
		expect(row(autonomy, 'Avec guidage')).toEqual([MASKED_CELL]);
		const gender = table(sections, 'resultats-genre');
		expect(row(gender, 'Femme')).toEqual([17]);
		expect(row(gender, 'Non communiqué')).toEqual([MASKED_CELL]);
		expect(row(gender, 'Homme')).toEqual([MASKED_CELL]);
		expect(gender.total).toEqual(['Total', 29]);
		// June: the late one counts in July
		const june = await outcomeSections(w.db, coordinator, params('periode=2026-06&niveau=departement'), NOW);
		expect(table(june.sections, 'resultats-accompagnements-type').total).toEqual(['Total', 0, 0]);
	});

	it('the Pass Numérique: issued, handed out, redeemed, with their value, and by funder', async () => {
		const { sections } = await outcomeSections(w.db, coordinator, params('periode=2026-T3&niveau=departement'), NOW);
		const pass = table(sections, 'resultats-pass');
		expect(row(pass, 'Émis')).toEqual([10, 10000]);
		expect(row(pass, 'Remis à une personne')).toEqual([8, 8000]);
		expect(row(pass, 'Utilisés')).toEqual([6, 6000]);
		const byFunder = table(sections, 'resultats-pass-financeurs');
		expect(row(byFunder, 'CAF de Lot-et-Garonne')).toEqual([10, 8, 6, 0, 0, 6000]);
	});

	it('the page is a list of sections later modules append to', async () => {
		const { sections } = await outcomeSections(w.db, coordinator, params('periode=2026'), NOW);
		expect(sections.map((s) => s.id)).toEqual(['orientations', 'accompagnements', 'pass']);
	});
});

describe('the partners', () => {
	it('a coordinator reads every partner: its contributions, what the fund paid, its agents’ referrals, its field', async () => {
		const { sections } = await partnerSections(w.db, coordinator, params('periode=2026-T3'), NOW);
		const fund = table(sections, 'partenaires-fonds');
		expect(row(fund, 'CAF de Lot-et-Garonne')).toEqual([500000, 6, 6000]);
		const referrals = table(sections, 'partenaires-orientations');
		expect(row(referrals, 'CAF de Lot-et-Garonne')).toEqual([6, 0, 0, 0, 6, 0]);
		const fields = table(sections, 'partenaires-demarches');
		expect(fields.rows).toEqual([
			['CAF de Lot-et-Garonne', 'Social – Santé', 8],
			['CAF de Lot-et-Garonne', 'Famille – Scolarité', 0]
		]);
	});

	it('a partner reads its own line only', async () => {
		const { sections } = await partnerSections(w.db, partner, params('periode=2026'), NOW);
		expect(table(sections, 'partenaires-fonds').rows.map((r) => r[0])).toEqual(['CAF de Lot-et-Garonne']);
		expect(table(sections, 'partenaires-orientations').rows.map((r) => r[0])).toEqual(['CAF de Lot-et-Garonne']);
	});
});

describe('the CSV of a table', () => {
	it('writes the table as shown, masked cells « masqué », through the one export of every steering table', async () => {
		const { fileName, body } = await steeringExport(w.db, coordinator, 'demande-orientations-territoire', params('periode=2026&niveau=commune'), parisDay(NOW));
		expect(fileName).toBe('demande-orientations-territoire-47-2026.csv');
		expect(body.startsWith('\ufeffCommune;Orientations (personnes)\r\n')).toBe(true);
		expect(body).toContain('\r\nNérac;masqué\r\n');
		expect(body).toContain('\r\nTotal;18\r\n');
		await expect(steeringExport(w.db, coordinator, 'demande-inconnue', params(''), parisDay(NOW))).rejects.toMatchObject({ code: 'not_found' });
	});
});

describe('the charts beside the tables (issue 16, item 7)', () => {
	const shownOf = (sections: SteeringSection[], id: string) => sections.flatMap((s) => s.tables).find((x) => x.table.id === id)!;
	const mapOf = (sections: SteeringSection[], id: string) => {
		const c = shownOf(sections, id).chart;
		if (c?.kind !== 'map') throw new Error(`no map beside ${id}`);
		return new Map(c.data.map((d) => [d.code, d.value]));
	};

	it('the demand’s maps: the table’s figures by INSEE code or area id, masked ones masked; none for the département', async () => {
		const { sections } = await demandSections(w.db, coordinator, params('periode=2026&niveau=commune'), NOW);
		const referrals = mapOf(sections, 'demande-orientations-territoire');
		// Agen, Nérac, Marmande: masked as in the table; a commune without any: 0
		expect([referrals.get('47001'), referrals.get('47195'), referrals.get('47157'), referrals.get('47323')]).toEqual(['masked', 'masked', 'masked', 0]);
		expect(referrals.has('-')).toBe(false);
		const [area] = await w.db.query<{ id: number }>(sql`select id from areas where name = 'Bassin d’Agen'`);
		const bassin = await demandSections(w.db, coordinator, params('periode=2026&niveau=bassin_de_vie'), NOW);
		expect([...mapOf(bassin.sections, 'demande-orientations-territoire')]).toEqual([[String(area.id), 12]]);
		const dept = await demandSections(w.db, coordinator, params('periode=2026&niveau=departement'), NOW);
		expect(shownOf(dept.sections, 'demande-orientations-territoire').chart).toBeUndefined();
		expect(shownOf(dept.sections, 'demande-autonomie').chart).toMatchObject({ kind: 'bars', columns: [1, 2, 3], byColumn: true });
	});

	it('the referrals month by month: the funnel’s own masking, so that no masked month is told by the period’s figure', async () => {
		for (const p of ['2026', '2026-T3', '2026-07']) {
			const { sections } = await outcomeSections(w.db, coordinator, params(`periode=${p}&niveau=departement`), NOW);
			const months = shownOf(sections, 'resultats-orientations-mois');
			const funnel = table(sections, 'resultats-entonnoir');
			expect(months.chart).toMatchObject({ kind: 'line', columns: [1, 2] });
			for (const [column, step] of [
				[1, 0],
				[2, 2]
			]) {
				const masked = months.table.rows.filter((r) => r[column] === MASKED_CELL).length;
				// one masked month and the period shown would give it by difference
				if (masked === 1) expect(funnel.rows[step][1], `${p}, column ${column}`).toEqual(MASKED_CELL);
				if (masked === 0) expect(funnel.rows[step][1]).toBe(months.table.rows.reduce((s, r) => s + (r[column] as number), 0));
			}
		}
		const t3 = await outcomeSections(w.db, coordinator, params('periode=2026-T3&niveau=departement'), NOW);
		expect(table(t3.sections, 'resultats-orientations-mois').rows).toEqual([
			['juillet 2026', 18, 7],
			['août 2026', 0, 0],
			['septembre 2026', 0, 0]
		]);
	});

	it('the honoured rate on a map, as the table says it, around the whole’s rate', async () => {
		const { sections } = await outcomeSections(w.db, coordinator, params('periode=2026-T3&niveau=commune'), NOW);
		const shown = shownOf(sections, 'resultats-honorees-territoire');
		const rates = mapOf(sections, 'resultats-honorees-territoire');
		const asTable = (name: string) => (row(shown.table, name)[2] === MASKED_CELL ? 'masked' : row(shown.table, name)[2]);
		expect(rates.get('47001')).toEqual(asTable('Agen'));
		// no referral from Villeneuve-sur-Lot: no rate, or masked when its zero is masked (a shown zero would tell the others)
		expect(rates.get('47323')).toEqual(asTable('Villeneuve-sur-Lot'));
		expect([null, 'masked']).toContain(rates.get('47323'));
		expect(shown.chart).toMatchObject({ value: 'percent', reference: shown.table.total![3] });
	});

	it('the partners’ bars: referrals sent and honoured, contributions and what the fund paid', async () => {
		const { sections } = await partnerSections(w.db, coordinator, params('periode=2026-T3'), NOW);
		expect(shownOf(sections, 'partenaires-fonds').chart).toMatchObject({ kind: 'bars', columns: [1, 3] });
		expect(shownOf(sections, 'partenaires-orientations').chart).toMatchObject({ kind: 'bars', columns: [1, 3] });
	});
});

describe('the figures and masks kept between pages', () => {
	const stamp = async () =>
		(await w.db.query<{ at: string }>(sql`select figures_changed_at::text as at from steering_refresh where department_code = '47'`))[0].at;

	it('a refresh of the month under way alone changes no figure a page shows: the facts kept stay; one that writes a published month does not', async () => {
		const fund = async () =>
			row(table((await partnerSections(w.db, coordinator, params('periode=2026-T3'), NOW)).sections, 'partenaires-fonds'), 'CAF de Lot-et-Garonne');
		expect(await fund()).toEqual([500000, 6, 6000]);
		const before = await stamp();
		const r = await refreshSteeringFacts(w.db, { now: NOW, departments: ['47'] });
		expect(r.departments[0].months).toEqual(['2026-12-01']);
		expect(await stamp()).toBe(before);
		// a contribution recorded now, received in July (published): July is written again, and the stamp moves
		const [caf] = await w.db.query<{ id: string }>(sql`select id from organisations where name = 'CAF de Lot-et-Garonne'`);
		await w.db.query(
			sql`insert into pass_contributions (department_code, funder_id, amount_cents, received_on, agreement_ref) values ('47', ${caf.id}, 100, '2026-07-02', 'CONV-2')`
		);
		const again = await refreshSteeringFacts(w.db, { now: NOW, departments: ['47'] });
		expect(again.departments[0].months).toContain('2026-07-01');
		expect(await stamp()).not.toBe(before);
		expect(await fund()).toEqual([500100, 6, 6000]);
	});

	it('are read again after a refresh that changes the facts: the page shows the new figures, masked anew', async () => {
		const page = async () =>
			table((await demandSections(w.db, coordinator, params('periode=2026&niveau=commune'), NOW)).sections, 'demande-diagnostics-territoire');
		const before = await page();
		expect(row(before, 'Nérac')).toEqual([MASKED_CELL]);
		expect(row(before, 'Agen')).toEqual([MASKED_CELL]);
		expect(before.total).toEqual(['Total', 10]);
		// the same page again, or the year's other periods: the masks kept are read, none solved again
		const { hits, misses } = MASKS;
		expect(await page()).toEqual(before);
		await demandSections(w.db, coordinator, params('periode=2026-T3&niveau=commune'), NOW);
		expect(MASKS.misses).toBe(misses);
		expect(MASKS.hits).toBeGreaterThan(hits);
		// three more assessments of Nérac's persons in July, recorded then: Nérac 5, Agen 8, nothing small left
		const [ccasId] = await w.db.query<{ id: string }>(sql`select id from organisations where name = 'CCAS d’Agen'`);
		for (let i = 0; i < 3; i++) {
			const [b] = await w.db.query<{ id: string }>(
				sql`insert into beneficiaries (organisation_id, department_code, first_name, commune_code) values (${ccasId.id}, '47', 'P', '47195') returning id`
			);
			await w.db.query(sql`insert into assessments (beneficiary_id, organisation_id, version, answers, result, created_at)
				values (${b.id}, ${ccasId.id}, 1, '{"besoin": ["demarche"]}'::jsonb, '{"profile": {}}'::jsonb, ${at('2026-07-20')})`);
		}
		// not refreshed yet: the page is the same
		expect(await page()).toEqual(before);
		// a past month's sources are picked up by a full refresh (facts.ts)
		await refreshSteeringFacts(w.db, { full: true, now: NOW, departments: ['47'] });
		const after = await page();
		expect(MASKS.misses).toBeGreaterThan(misses);
		expect(row(after, 'Nérac')).toEqual([5]);
		expect(row(after, 'Agen')).toEqual([8]);
		expect(after.total).toEqual(['Total', 13]);
	});
});

describe.skipIf(!onPostgres())('on PostgreSQL, through the request role', () => {
	it('a request scoped to 47 reads its facts, summed or not; one scoped to 33 reads none of them', async () => {
		const request: Database = await w.requestDatabase(2);
		const count = (departments: string) =>
			runInScope(
				async () =>
					(
						await request.query<{ facts: number; summed: number; refresh: number }>(sql`select (select count(*)::int from steering_facts) as facts,
							(select count(*)::int from steering_facts_summed) as summed, (select count(*)::int from steering_refresh) as refresh`)
					)[0],
				{ departments, userId: '', owner: '', voucherCode: '' }
			);
		const mine = await count('47');
		expect(mine.facts).toBeGreaterThan(10);
		expect(mine.summed).toBeGreaterThan(10);
		expect(mine.refresh).toBe(1);
		expect(await count('33')).toEqual({ facts: 0, summed: 0, refresh: 0 });
		// the page itself, through the request role: the same figures as through the owner
		const page = await runInScope(() => demandSections(request, coordinator, params('periode=2026&niveau=commune'), NOW), {
			departments: '47',
			userId: coordinator.userId,
			owner: '',
			voucherCode: ''
		});
		expect(table(page.sections, 'demande-diagnostics-territoire').total).toEqual(['Total', 13]);
	});
});
