/**
 * Issue 4's benchmark, on PostgreSQL: the referral inbox and the team views at
 * 100,000 referrals and 1,000,000 accompaniments (target: p95 ≤ 50 ms each).
 *
 * A fresh database (maillage_bench_care, migrated by openDatabase), filled with SQL
 * generate_series in a few statements (no row-by-row inserts): 2,000 places in two
 * départements ('47', '33'), 400 organisations running them, 200 prescriber
 * organisations, their members, 100,000 people with a consent and a referral each (sent
 * over the last 18 months, growing, about 10 % still waiting, some overdue), the
 * referrals' timelines, and 1,000,000 accompaniments over 2 years (one per referral
 * honoured by a place with a team, the rest anonymous). Places and organisations are
 * skewed the way a real network is: a few big ones take a large share. Then VACUUM ANALYZE
 * (what autovacuum does on a live database), and the real service functions are timed
 * for the BUSIEST organisations (the worst case): 20 warm-up calls, then 200 sequential
 * timed calls each, p50 / p95 / max.
 *
 * A measure whose p95 is above 50 ms is explained: its SQL, captured with Drizzle's
 * logger, replayed under EXPLAIN (ANALYZE, BUFFERS) as the service runs it (same role and
 * settings), the plans kept in the results.
 *
 * Options (env): BENCH_CARE_REFERRALS (100000), BENCH_CARE_ACCOMPANIMENTS (1000000),
 * BENCH_CARE_KEEP=1 (keep the database, to try an index by hand), BENCH_CARE_REUSE=1
 * (measure the kept database again, no generation), BENCH_CARE_EXPLAIN (slow | all | none),
 * BENCH_CARE_CASES (only the measures whose name contains this text, e.g. "placeAccompaniments").
 */
import { cpus, totalmem } from 'node:os';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { type SQL } from 'drizzle-orm';
import * as schema from '../src/lib/server/db/schema.ts';
import { openDatabase, type Database, type Db } from '../src/lib/server/db/client.ts';
import { actorFor } from '../src/lib/server/accounts/index.ts';
import { teamReferrals, referralDetail } from '../src/lib/server/referral/index.ts';
import { placeAccompaniments, DIGITAL_THEMES, PROCEDURE_THEMES } from '../src/lib/server/accompaniments/index.ts';
import { parisDay, oneYearBefore } from '../src/lib/time.ts';

const DB_NAME = 'maillage_bench_care';
const REFERRALS = Number(process.env.BENCH_CARE_REFERRALS ?? 100_000);
const ACCOMPANIMENTS = Number(process.env.BENCH_CARE_ACCOMPANIMENTS ?? 1_000_000);
const KEEP = process.env.BENCH_CARE_KEEP === '1';
const REUSE = process.env.BENCH_CARE_REUSE === '1';
const EXPLAIN = process.env.BENCH_CARE_EXPLAIN ?? 'slow';
const CASES = process.env.BENCH_CARE_CASES ?? '';
const TARGET_MS = 50;
const WARM_UP = 20;
const TIMED = 200;

const q = (xs: number[], p: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10;
};
const lit = (xs: readonly string[]) => `array[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(', ')}]::text[]`;

// ——— the data ———

// themes by how often mediators pick them (the first ones most)
const THEMES = [
	'Aide aux démarches administratives',
	'E-mail',
	'Navigation sur internet',
	'Prendre en main du matériel',
	...DIGITAL_THEMES.filter((t) => !['Aide aux démarches administratives', 'E-mail', 'Navigation sur internet', 'Prendre en main du matériel'].includes(t))
];
const COMMUNES_47 = [
	['Agen', '47000'],
	['Villeneuve-sur-Lot', '47300'],
	['Marmande', '47200'],
	['Nérac', '47600'],
	['Tonneins', '47400'],
	['Fumel', '47500'],
	['Casteljaloux', '47700'],
	['Le Passage', '47520']
];
const COMMUNES_33 = [
	['Bordeaux', '33000'],
	['Mérignac', '33700'],
	['Pessac', '33600'],
	['Talence', '33400'],
	['Libourne', '33500'],
	['Arcachon', '33120'],
	['Langon', '33210'],
	['Lesparre-Médoc', '33340'],
	['Blaye', '33390'],
	['Bègles', '33130']
];
const FIRST = [
	'Marie',
	'Jean',
	'Fatima',
	'Michel',
	'Nathalie',
	'Ahmed',
	'Monique',
	'Pierre',
	'Sandrine',
	'Karim',
	'Josette',
	'Alain',
	'Aïcha',
	'Bernard',
	'Sylvie',
	'Mamadou',
	'Christiane',
	'Daniel',
	'Léa',
	'Thierry'
];
const LAST = [
	'Martin',
	'Bernard',
	'Dubois',
	'Garcia',
	'Lefebvre',
	'Moreau',
	'Laurent',
	'Benali',
	'Fournier',
	'Girard',
	'Lopez',
	'Mercier',
	'Diallo',
	'Faure',
	'Roussel',
	'Blanc',
	'Guerin',
	'Muller',
	'Henry',
	'Roux',
	'Nguyen',
	'Perrin',
	'Morel',
	'Da Silva',
	'Lambert'
];
const REASONS = [
	'Créer son compte Ameli et le garder en mémoire.',
	'Déclarer ses revenus en ligne pour la première fois.',
	'Faire sa demande de prime d’activité sur caf.fr.',
	'Apprendre à se servir de son nouveau téléphone.',
	'Renouveler sa carte d’identité : prendre rendez-vous en ligne.',
	'S’inscrire à France Travail et actualiser sa situation chaque mois.'
];

/**
 * Statements in order: [label, SQL]. Helper tables bench_* (unlogged) drive the
 * generation and are dropped at the end. Every id derives from md5 of a counter, so the
 * rows can be joined without lookups.
 */
function generation(referrals: number, accompaniments: number): [string, string][] {
	const communes = (list: string[][], idx: string) => ({
		name: `(${lit(list.map((c) => c[0]))})[1 + ${idx} % ${list.length}]`,
		cp: `(${lit(list.map((c) => c[1]))})[1 + ${idx} % ${list.length}]`
	});
	const c47 = communes(COMMUNES_47, 'p.p');
	const c33 = communes(COMMUNES_33, 'p.p');
	const user = (k: string, j: string) => `md5('user-' || ${k} || '-' || (${j})::int)::uuid`;
	return [
		[
			'organisations',
			`create unlogged table bench_org as
			select k, md5('org-' || k)::uuid as id,
				case when k < 160 or (k >= 400 and k < 480) then '47' else '33' end as dept,
				k < 400 as runs_places,
				case when k < 160 then k when k < 400 then k - 160 when k < 480 then k - 400 else k - 480 end as rank
			from generate_series(0, 599) k;
			create unlogged table bench_place as
			select p, 'bench-' || lpad(p::text, 5, '0') as id, case when p < 800 then '47' else '33' end as dept,
				-- one place in ten has no team on the platform (it answers by a link)
				case when p % 10 = 9 then null when p < 800 then floor(160 * power(p / 800.0, 1.5))::int else 160 + floor(240 * power((p - 800) / 1200.0, 1.5))::int end as org
			from generate_series(0, 1999) p;
			alter table bench_org add column n_users int;
			update bench_org o set n_users = case
				when runs_places then 1 + greatest(1, least(30, (select count(*) from bench_place p where p.org = o.k)))::int
				when rank < 5 then 10 else 2 + floor(random() * 4)::int end;
			insert into organisations (id, name, kind, department_code, created_at)
			select id,
				case when runs_places then (array['France Services', 'Association numérique', 'Médiathèque', 'CCAS', 'Espace public numérique', 'Tiers-lieu'])[1 + k % 6]
					else (array['CAF', 'CCAS', 'France Travail', 'Maison départementale des solidarités', 'Mission locale'])[1 + k % 5] end || ' ' || k,
				case when runs_places then (array['france_services', 'association', 'mediatheque', 'ccas', 'collectivite', 'association'])[1 + k % 6]
					else (array['operateur', 'ccas', 'emploi', 'departement', 'emploi'])[1 + k % 5] end,
				dept, now() - interval '2 years'
			from bench_org`
		],
		[
			'places',
			`insert into places (id, pivot, nom, commune, code_postal, adresse, date_maj, department_code, name_key, courriels, services)
			select p.id, '00000000000000',
				(array['France Services', 'Médiathèque', 'Espace public numérique', 'Tiers-lieu numérique', 'CCAS', 'Centre social'])[1 + p.p % 6] || ' ' || p.p,
				case when p.dept = '47' then ${c47.name} else ${c33.name} end,
				case when p.dept = '47' then ${c47.cp} else ${c33.cp} end,
				(1 + p.p % 90) || ' rue de la République', '2026-01-01', p.dept,
				lower((array['France Services', 'Médiathèque', 'Espace public numérique', 'Tiers-lieu numérique', 'CCAS', 'Centre social'])[1 + p.p % 6] || ' ' || p.p),
				case when p.org is null then array['lieu' || p.p || '@bench.test'] else '{}'::text[] end,
				array['Aide aux démarches administratives', 'Prendre en main un smartphone ou une tablette']
			from bench_place p;
			insert into organisation_places (organisation_id, place_id)
			select o.id, p.id from bench_place p join bench_org o on o.k = p.org`
		],
		[
			'users and memberships',
			`insert into users (id, email, display_name, created_at)
			select ${user('o.k', 'j')}, 'u' || o.k || '-' || j || '@bench.test', 'Professionnel ' || o.k || '-' || j, now() - interval '2 years'
			from bench_org o cross join lateral generate_series(0, o.n_users - 1) j;
			insert into memberships (user_id, organisation_id, role)
			select ${user('o.k', 'j')}, o.id, case when not o.runs_places then 'prescriber' when j = 0 then 'place_manager' else 'mediator' end
			from bench_org o cross join lateral generate_series(0, o.n_users - 1) j`
		],
		[
			'referral plan',
			// sent_at: 18 months, growing (more recent ones); waiting: the last 30 days only (the clock expires them at day 30)
			`create unlogged table bench_ref as
			with g as (
				select i, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6, random() r7, random() r8, random() r9
				from generate_series(1, ${referrals}) i
			), h as (
				select g.*, case when r1 < 0.4 then '47' else '33' end as dept, 548 * power(r2, 1.6) as age from g
			), s as (
				select h.*,
					case when r3 < 0.85 then case when dept = '47' then 400 + floor(80 * power(r4, 1.5))::int else 480 + floor(120 * power(r4, 1.5))::int end
						else case when dept = '47' then floor(160 * r4)::int else 160 + floor(240 * r4)::int end end as from_k,
					case when (r5 < 0.92) = (dept = '47') then floor(800 * power(r6, 1.3))::int else 800 + floor(1200 * power(r6, 1.3))::int end as p,
					case
						when (age < 10 and r7 < 0.7) or (age >= 10 and age < 30 and r7 < 0.55) then case when r8 < 0.6 then 'sent' else 'under_study' end
						when age < 30 then case when r8 < 0.5 then 'accepted' when r8 < 0.65 then 'declined' when r8 < 0.9 then 'honoured' when r8 < 0.95 then 'withdrawn' else 'no_show' end
						else case when r8 < 0.5 then 'honoured' when r8 < 0.65 then 'declined' when r8 < 0.75 then 'no_show' when r8 < 0.9 then 'expired' when r8 < 0.97 then 'withdrawn' else 'accepted' end
					end as status
				from h
			)
			select i, from_k, p, status, age, r9,
				now() - age * interval '1 day' as sent_at,
				now() - age * interval '1 day' + least(age, case status when 'sent' then 0 when 'under_study' then r9 * 5 when 'accepted' then r9 * 7 when 'declined' then r9 * 10
					when 'honoured' then 3 + r9 * 25 when 'no_show' then 5 + r9 * 25 when 'expired' then 30 when 'withdrawn' then r9 * 20 end) * interval '1 day' as status_at
			from s;
			alter table bench_ref add primary key (i)`
		],
		[
			'beneficiaries',
			`insert into beneficiaries (id, organisation_id, department_code, first_name, last_name, birth_year, commune_name, phone, email, preferred_contact, name_key, created_by, created_at, updated_at, last_activity_at)
			select md5('ben-' || r.i)::uuid, o.id, o.dept, f.first, f.last, 1935 + r.i % 70,
				case when o.dept = '47' then (${lit(COMMUNES_47.map((c) => c[0]))})[1 + r.i % ${COMMUNES_47.length}] else (${lit(COMMUNES_33.map((c) => c[0]))})[1 + r.i % ${COMMUNES_33.length}] end,
				case when r.i % 3 <> 0 then '+336' || lpad(((r.i::bigint * 7919) % 100000000)::text, 8, '0') end,
				case when r.i % 4 = 0 then 'personne' || r.i || '@exemple.fr' end,
				case when r.i % 3 = 0 then 'none' else 'sms' end,
				lower(f.first || ' ' || f.last),
				${user('o.k', 'case when o.runs_places then 1 + floor(r.r9 * (o.n_users - 1)) else floor(r.r9 * o.n_users) end')},
				r.sent_at - interval '1 hour', r.status_at, r.status_at
			from bench_ref r join bench_org o on o.k = r.from_k
			cross join lateral (select (${lit(FIRST)})[1 + r.i % ${FIRST.length}] as first, (${lit(LAST)})[1 + (r.i / ${FIRST.length}) % ${LAST.length}] as last) f
			order by r.sent_at`
		],
		[
			'grants',
			`insert into grants (id, beneficiary_id, scopes, grantee_organisation_id, grantee_place_id, purpose, method, valid_from, recorded_by, recorded_by_organisation_id, revoked_at, revoked_by)
			select md5('con-' || r.i)::uuid, md5('ben-' || r.i)::uuid, array['identity', 'contact', 'assessment', 'referral_reason'], po.id, p.id, 'Orientation vers le lieu ' || p.p,
				(array['oral', 'signature', 'oral', 'sms'])[1 + r.i % 4], r.sent_at,
				${user('fo.k', 'case when fo.runs_places then 1 + floor(r.r9 * (fo.n_users - 1)) else floor(r.r9 * fo.n_users) end')}, fo.id,
				case when r.status = 'withdrawn' then r.status_at end, case when r.status = 'withdrawn' then 'person' end
			from bench_ref r join bench_org fo on fo.k = r.from_k join bench_place p on p.p = r.p left join bench_org po on po.k = p.org
			order by r.sent_at`
		],
		[
			'referrals',
			`insert into referrals (id, beneficiary_id, from_organisation_id, prescriber_id, place_id, to_organisation_id, consent_id, reason, status, department_code, place_department_code,
				sent_at, status_at, appointment_at, decline_reason, reminders_sent, link_nonce, honoured_by_accompaniment_id)
			select md5('ref-' || r.i)::uuid, md5('ben-' || r.i)::uuid, fo.id,
				${user('fo.k', 'case when fo.runs_places then 1 + floor(r.r9 * (fo.n_users - 1)) else floor(r.r9 * fo.n_users) end')},
				p.id, po.id, md5('con-' || r.i)::uuid, (${lit(REASONS)})[1 + r.i % ${REASONS.length}], r.status, fo.dept, p.dept,
				r.sent_at, r.status_at,
				case when r.status = 'accepted' then r.status_at + (2 + r.r9 * 12) * interval '1 day' when r.status in ('honoured', 'no_show') then r.status_at - interval '2 hours' end,
				case when r.status = 'declined' then (array['not_reachable', 'did_not_come', 'not_eligible', 'not_interested', 'full', 'duplicate', 'other'])[1 + r.i % 7] end,
				case when r.status = 'expired' or (r.status in ('sent', 'under_study') and r.age >= 20) then 2 when r.status in ('sent', 'under_study') and r.age >= 10 then 1 else 0 end,
				substr(md5('nonce-' || r.i), 1, 12),
				case when r.status = 'honoured' and po.id is not null then md5('acc-ref-' || r.i)::uuid end
			from bench_ref r join bench_org fo on fo.k = r.from_k join bench_place p on p.p = r.p left join bench_org po on po.k = p.org
			order by r.sent_at`
		],
		[
			'referral events',
			`insert into referral_events (referral_id, at, type, actor_kind, user_id, from_status, to_status)
			select * from (
				select id, sent_at, 'send', 'prescriber', prescriber_id, null, 'sent' from referrals
				union all
				select id, status_at, case status when 'under_study' then 'study' when 'accepted' then 'accept' when 'declined' then 'decline' when 'expired' then 'expire' else 'withdraw' end,
					case status when 'expired' then 'system' when 'withdrawn' then 'person' else 'place' end, null, 'sent', status
				from referrals where status in ('under_study', 'accepted', 'declined', 'expired', 'withdrawn')
				union all
				select id, sent_at + (status_at - sent_at) / 3, 'accept', 'place', null, 'sent', 'accepted' from referrals where status in ('honoured', 'no_show')
				union all
				select id, status_at, case status when 'honoured' then 'honour' else 'no_show' end, 'place', null, 'accepted', status from referrals where status in ('honoured', 'no_show')
			) e order by 2`
		],
		[
			'accompaniments',
			// one per referral honoured by a place with a team (the person followed), the rest anonymous or workshops
			`insert into accompaniments (id, organisation_id, place_id, mediator_id, department_code, date, kind, duration_minutes, location, themes, procedure_themes, autonomy, equipment,
				beneficiary_id, referral_id, gender, age_band, social_status, participants, created_at)
			select md5('acc-ref-' || r.i)::uuid, po.id, p.id, ${user('po.k', '1 + floor(r.r9 * (po.n_users - 1))')}, po.dept, (r.status_at at time zone 'Europe/Paris')::date,
				'individual', 60, 'place', array['Aide aux démarches administratives'], array['Social – Santé'], (array['guided', 'partly', 'autonomous'])[1 + r.i % 3], array['Ordinateur'],
				md5('ben-' || r.i)::uuid, md5('ref-' || r.i)::uuid, null, null, null, 1, r.status_at
			from bench_ref r join bench_place p on p.p = r.p join bench_org po on po.k = p.org
			where r.status = 'honoured';
			insert into accompaniments (organisation_id, place_id, mediator_id, department_code, date, kind, duration_minutes, location, themes, procedure_themes, autonomy, equipment,
				gender, age_band, social_status, title, level, participants, created_at)
			with g as (
				select i, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6, random() r7, random() r8, random() r9, random() r10
				from generate_series(1, greatest(0, ${accompaniments} - (select count(*) from accompaniments))) i
			), h as (
				select g.*, case when r1 < 0.4 then floor(800 * power(r2, 1.3))::int else 800 + floor(1200 * power(r2, 1.3))::int end as p0,
					now() - 730 * power(r3, 1.2) * interval '1 day' as at,
					r4 < 0.85 as individual,
					(${lit(THEMES)})[1 + floor(${THEMES.length} * power(r7, 1.5))::int] as theme1
				from g
			)
			select po.id, p.id, ${user('po.k', '1 + floor(h.r10 * (po.n_users - 1))')}, po.dept, (h.at at time zone 'Europe/Paris')::date,
				case when individual then 'individual' else 'collective' end,
				case when individual then (array[15, 30, 45, 60, 90, 120])[1 + floor(r5 * 6)::int] else (array[60, 90, 120])[1 + floor(r5 * 3)::int] end,
				case when not individual or r6 < 0.8 then 'place' when r6 < 0.9 then 'remote' when r6 < 0.97 then 'home' else 'other' end,
				case when r8 < 0.4 then array[theme1, (${lit(THEMES)})[1 + (array_position(${lit(THEMES)}, theme1) + floor(r8 * 2.5 * ${THEMES.length - 1})::int) % ${THEMES.length}]] else array[theme1] end,
				case when theme1 = 'Aide aux démarches administratives' then array[(${lit(PROCEDURE_THEMES)})[1 + floor(r9 * ${PROCEDURE_THEMES.length})::int]] else '{}'::text[] end,
				case when individual then (array['guided', 'partly', 'autonomous'])[1 + floor(r4 / 0.85 * 3)::int] end,
				array[(array['Ordinateur', 'Téléphone', 'Tablette', 'Pas de matériel'])[1 + floor(r9 * 4)::int]],
				case when individual then (array['F', 'M', 'unknown'])[1 + floor(r10 * 3)::int] end,
				case when individual then (array['18-24', '25-39', '40-59', '60-69', '70plus'])[1 + floor(r6 * 5)::int] end,
				case when individual then (array['unemployed', 'employed', 'retired', 'unknown'])[1 + floor(r8 * 4)::int] end,
				case when not individual then (array['Découvrir sa messagerie', 'Sécuriser ses comptes', 'Premiers pas sur smartphone', 'Faire ses démarches en ligne'])[1 + floor(r5 * 4)::int] end,
				case when not individual then 'beginner' end,
				case when individual then 1 else 3 + floor(r6 * 10)::int end,
				h.at
			from h join bench_place p on p.p = h.p0 - (h.p0 % 10 = 9)::int join bench_org po on po.k = p.org
			order by h.at`
		]
	];
}

const CARE_TABLES = ['beneficiaries', 'grants', 'referrals', 'referral_events', 'accompaniments'];

async function generate(url: string, log: (m: string) => void) {
	const c = new pg.Client({ connectionString: url });
	await c.connect();
	const steps: Record<string, number> = {};
	const t0 = performance.now();
	try {
		// bulk load: no foreign-key triggers (the rows are valid by construction), the secondary
		// indexes of the care tables built once at the end, exactly as the migrations define them
		await c.query(`set session_replication_role = replica; set work_mem = '256MB'; set maintenance_work_mem = '512MB'; set synchronous_commit = off`);
		const { rows: idx } = await c.query<{ indexname: string; indexdef: string }>(
			`select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename = any($1) and indexname not in (select conname from pg_constraint)`,
			[CARE_TABLES]
		);
		for (const i of idx) await c.query(`drop index "${i.indexname}"`);
		for (const [label, text] of generation(REFERRALS, ACCOMPANIMENTS)) {
			const t = performance.now();
			await c.query(text);
			steps[label] = Math.round(performance.now() - t);
			log(`[care] ${label}: ${steps[label]} ms`);
		}
		let t = performance.now();
		for (const i of idx) await c.query(i.indexdef);
		steps.indexes = Math.round(performance.now() - t);
		log(`[care] ${idx.length} indexes: ${steps.indexes} ms`);
		await c.query('drop table bench_ref, bench_place, bench_org');
		t = performance.now();
		await c.query('vacuum analyze');
		steps.vacuumAnalyze = Math.round(performance.now() - t);
		log(`[care] vacuum analyze: ${steps.vacuumAnalyze} ms`);
	} finally {
		await c.end();
	}
	return { ms: Math.round(performance.now() - t0), steps };
}

// ——— capturing and explaining the SQL a service emits ———

interface Captured {
	query: string;
	params: unknown[];
}

/** The same database as openDatabase's, with Drizzle's logger recording each query while `capture` is set. */
function loggingDatabase(url: string) {
	const pool = new pg.Pool({ connectionString: url, max: 10 });
	const state: { capture: Captured[] | null } = { capture: null };
	const db = drizzle(pool, { schema, logger: { logQuery: (query, params) => state.capture?.push({ query, params }) } }) as unknown as Db;
	const database: Database = {
		db,
		kind: 'postgres',
		url,
		async query<T>(qy: SQL) {
			return ((await db.execute(qy)) as unknown as { rows: T[] }).rows;
		},
		close: () => pool.end(),
		privileged: undefined as unknown as Database
	};
	database.privileged = database;
	return { database, state };
}

/** Replays one call's queries in one transaction (role and settings included), each SELECT under EXPLAIN (ANALYZE, BUFFERS). */
async function explainCalls(url: string, captured: Captured[]) {
	const c = new pg.Client({ connectionString: url });
	await c.connect();
	const out: { sql: string; params: unknown[]; executionMs: number; plan: string }[] = [];
	try {
		await c.query('begin');
		for (const { query, params } of captured) {
			const s = query.trim();
			if (/^(begin|commit|rollback)\b/i.test(s)) continue;
			if (/^set\b/i.test(s) || /set_config\(/i.test(s)) {
				await c.query(s, params as unknown[]);
				continue;
			}
			if (!/^(select|with)\b/i.test(s)) continue;
			const res = await c.query(`explain (analyze, buffers) ${s}`, params as unknown[]);
			const plan = res.rows.map((r) => r['QUERY PLAN']).join('\n');
			const ms = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? 0);
			out.push({ sql: s, params, executionMs: ms, plan });
		}
	} finally {
		await c.query('rollback').catch(() => null);
		await c.end();
	}
	return out;
}

// ——— measures ———

interface Measure {
	name: string;
	organisation: string;
	rows: string;
	p50: number;
	p95: number;
	max: number;
	explain?: { sql: string; params: unknown[]; executionMs: number; plan: string }[];
}

async function timeIt(fn: (k: number) => Promise<unknown>) {
	for (let k = 0; k < WARM_UP; k++) await fn(k);
	const times: number[] = [];
	for (let k = 0; k < TIMED; k++) {
		const t = performance.now();
		await fn(WARM_UP + k);
		times.push(performance.now() - t);
	}
	return { p50: q(times, 50), p95: q(times, 95), max: q(times, 100) };
}

/** The service functions measured (a variant can be passed to time a proposed change against the same data). */
export const services = { teamReferrals, referralDetail, placeAccompaniments };

export async function careBench(pgAdmin: string, log: (m: string) => void, impl: typeof services = services) {
	const { teamReferrals, referralDetail, placeAccompaniments } = impl;
	const u = new URL(pgAdmin);
	u.pathname = `/${DB_NAME}`;
	const url = u.toString();
	let generated: Awaited<ReturnType<typeof generate>> | null = null;
	if (!REUSE) {
		const admin = new pg.Client({ connectionString: pgAdmin });
		await admin.connect();
		await admin.query(`drop database if exists ${DB_NAME} with (force)`);
		await admin.query(`create database ${DB_NAME}`);
		await admin.end();
	}
	const database = await openDatabase({ url });
	const logging = loggingDatabase(url);
	const meta = new pg.Client({ connectionString: url });
	await meta.connect();
	try {
		if (!REUSE) {
			log(`[care] generating ${REFERRALS} referrals and ${ACCOMPANIMENTS} accompaniments`);
			generated = await generate(url, log);
			log(`[care] generated in ${(generated.ms / 1000).toFixed(1)} s`);
		}
		const one = async <T>(text: string, params: unknown[] = []) => (await meta.query(text, params)).rows as T[];
		const volumes = (
			await one<Record<string, number>>(`select
				(select count(*)::int from places) places, (select count(*)::int from organisations) organisations, (select count(*)::int from organisation_places) organisation_places,
				(select count(*)::int from users) users, (select count(*)::int from memberships) memberships, (select count(*)::int from beneficiaries) beneficiaries,
				(select count(*)::int from grants) grants, (select count(*)::int from referrals) referrals, (select count(*)::int from referral_events) referral_events,
				(select count(*)::int from accompaniments) accompaniments,
				(select count(*)::int from referrals where status in ('sent', 'under_study')) waiting,
				(select count(*)::int from referrals where status in ('sent', 'under_study') and sent_at <= now() - interval '10 days') overdue`)
		)[0];
		const statuses = Object.fromEntries(
			(await one<{ status: string; n: number }>(`select status, count(*)::int n from referrals group by status order by n desc`)).map((r) => [r.status, r.n])
		);
		const machine = {
			cpus: cpus().length,
			cpu: cpus()[0]?.model,
			memGiB: Math.round(totalmem() / 2 ** 30),
			node: process.version,
			postgres: (await one<{ server_version: string }>('show server_version'))[0].server_version.split(' ')[0]
		};
		log(`[care] machine: ${JSON.stringify(machine)}`);
		log(`[care] volumes: ${JSON.stringify(volumes)}`);
		log(`[care] referrals by status: ${JSON.stringify(statuses)}`);

		// the busiest organisations: the worst case
		const [recv] = await one<{ id: string; name: string; n: number; places: number }>(
			`select o.id, o.name, count(*)::int n, (select count(*)::int from organisation_places x where x.organisation_id = o.id) places
			from referrals r join organisation_places op on op.place_id = r.place_id join organisations o on o.id = op.organisation_id group by o.id order by n desc limit 1`
		);
		const [sent] = await one<{ id: string; name: string; n: number }>(
			`select o.id, o.name, count(*)::int n from referrals r join organisations o on o.id = r.from_organisation_id
			where not exists (select 1 from organisation_places op where op.organisation_id = o.id) group by o.id order by n desc limit 1`
		);
		const today = parisDay();
		const yearFrom = oneYearBefore(today);
		const [acc] = await one<{ id: string; name: string; n: number; month: number }>(
			`select o.id, o.name, count(*)::int n, count(*) filter (where a.date >= date_trunc('month', $1::date))::int as month
			from accompaniments a join organisations o on o.id = a.organisation_id where a.date between $2::date and $1::date group by o.id order by n desc limit 1`,
			[today, yearFrom]
		);
		const userOf = async (orgId: string, role: string) =>
			(await one<{ user_id: string }>(`select user_id from memberships where organisation_id = $1 and role = $2 order by user_id limit 1`, [orgId, role]))[0]
				.user_id;
		const mediatorRecv = await actorFor(database.db, await userOf(recv.id, 'mediator'), true);
		const prescriber = await actorFor(database.db, await userOf(sent.id, 'prescriber'), true);
		const mediatorAcc = await actorFor(database.db, await userOf(acc.id, 'mediator'), true);
		const detailIds = (
			await one<{ id: string }>(
				`select r.id from referrals r join organisation_places op on op.place_id = r.place_id where op.organisation_id = $1 order by md5(r.id::text) limit ${WARM_UP + TIMED}`,
				[recv.id]
			)
		).map((r) => r.id);
		log(
			`[care] busiest: received ${recv.name} (${recv.n} referrals, ${recv.places} places); sent ${sent.name} (${sent.n}); accompaniments ${acc.name} (${acc.n} in a year, ${acc.month} this month)`
		);

		const first = await teamReferrals(database, mediatorRecv, { box: 'received' });
		const bigStatus = Object.entries(first.counts).sort((a, b) => b[1] - a[1])[0][0];
		const sentView = await teamReferrals(database, prescriber, { box: 'sent' });
		const monthView = await placeAccompaniments(database, mediatorAcc, {});
		const yearView = await placeAccompaniments(database, mediatorAcc, { from: yearFrom, to: today });

		type Case = { name: string; organisation: string; rows: string; run: (d: Database, k: number) => Promise<unknown> };
		const cases: Case[] = [
			{
				name: 'teamReferrals received (page 1)',
				organisation: `${recv.name}: ${recv.places} places`,
				rows: `${first.total} referrals, ${first.waiting.under10 + first.waiting.from10to19 + first.waiting.from20} waiting`,
				run: (d) => teamReferrals(d, mediatorRecv, { box: 'received' })
			},
			{
				name: `teamReferrals received, status ${bigStatus}, page 2`,
				organisation: recv.name,
				rows: `${first.counts[bigStatus as keyof typeof first.counts]} ${bigStatus}`,
				run: (d) => teamReferrals(d, mediatorRecv, { box: 'received', status: bigStatus, page: 2 })
			},
			{
				name: 'teamReferrals sent (page 1)',
				organisation: sent.name,
				rows: `${sentView.total} referrals`,
				run: (d) => teamReferrals(d, prescriber, { box: 'sent' })
			},
			{
				name: 'referralDetail (200 different referrals)',
				organisation: recv.name,
				rows: '1 referral, its timeline',
				run: (d, k) => referralDetail(d, mediatorRecv, detailIds[k % detailIds.length])
			},
			{
				name: 'placeAccompaniments, this month',
				organisation: acc.name,
				rows: `${monthView.totals.count} accompaniments`,
				run: (d) => placeAccompaniments(d, mediatorAcc, {})
			},
			{
				name: 'placeAccompaniments, 12 months',
				organisation: acc.name,
				rows: `${yearView.totals.count} accompaniments`,
				run: (d) => placeAccompaniments(d, mediatorAcc, { from: yearFrom, to: today })
			}
		];
		const measures: Measure[] = [];
		for (const c of cases.filter((c) => c.name.includes(CASES))) {
			const m: Measure = { name: c.name, organisation: c.organisation, rows: c.rows, ...(await timeIt((k) => c.run(database, k))) };
			log(`[care] ${c.name}: ${JSON.stringify({ p50: m.p50, p95: m.p95, max: m.max })}`);
			if (EXPLAIN === 'all' || (EXPLAIN === 'slow' && m.p95 > TARGET_MS)) {
				logging.state.capture = [];
				await c.run(logging.database, 0);
				const captured = logging.state.capture;
				logging.state.capture = null;
				m.explain = await explainCalls(url, captured);
				for (const e of [...m.explain].sort((a, b) => b.executionMs - a.executionMs).slice(0, 2))
					log(`[care] EXPLAIN (${e.executionMs} ms)\n${e.sql}\n${JSON.stringify(e.params)}\n${e.plan}\n`);
			}
			measures.push(m);
		}
		const table = [
			`| view (${volumes.referrals.toLocaleString('en')} referrals, ${volumes.accompaniments.toLocaleString('en')} accompaniments) | organisation | rows in view | p50 ms | p95 ms | max ms |`,
			'|---|---|---|---|---|---|',
			...measures.map((m) => `| ${m.name} | ${m.organisation} | ${m.rows} | ${m.p50} | ${m.p95 > TARGET_MS ? `**${m.p95}** ✗` : m.p95} | ${m.max} |`)
		].join('\n');
		log(`\n${table}\n`);
		return { machine, generation: generated, volumes, statuses, busiest: { received: recv, sent, accompaniments: acc }, measures, table };
	} finally {
		await meta.end();
		await logging.database.close();
		await database.close();
		if (!KEEP) {
			const admin = new pg.Client({ connectionString: pgAdmin });
			await admin.connect();
			await admin.query(`drop database if exists ${DB_NAME} with (force)`);
			await admin.end();
		} else log(`[care] kept ${url}`);
	}
}
