/**
 * Issue 16's benchmark, on PostgreSQL: the steering space at national scale — 1,000,000
 * persons, 1,000,000 referrals (with their timelines), 10,000,000 accompaniments, 600,000
 * assessments over every département — then the refresh of the pre-aggregated figures
 * (full, then incremental after a few new rows) and the steering pages of the busiest
 * département (or the one asked for; demand, outcomes, partners; by EPCI and by commune):
 * p50 / p95 / max over timed calls (target: p95 ≤ 1 s; figures at most 15 minutes old: a
 * refresh well under 10 minutes), in three states (docs/decisions/0018, amendment):
 * - warm: the facts and masks kept from the call before (a committee clicking through);
 * - refreshed: after the refresh of every 10 minutes, which rewrites the month under way only
 *   (no page shows it): the facts and masks kept;
 * - nothing kept: the facts read again and the masks solved again (a month published, a full
 *   refresh, or a process just started, in a process that did not warm them);
 * - first reader after the warming: a month published, the refresh job's warming (warm.ts:
 *   the facts read and masks solved in advance; its time is reported), then each page read
 *   once (BENCH_STEERING_WARMS times).
 *
 * A fresh database (maillage_bench_steering), the territory loaded, one place per commune
 * and ten structures per département, filled with SQL generate_series (no row-by-row
 * inserts), then VACUUM ANALYZE.
 *
 * Options (env): BENCH_STEERING_SCALE (1 = national; 0.01 for a quick run),
 * BENCH_STEERING_CALLS (timed calls per page, default 20), BENCH_PG_URL (admin URL),
 * BENCH_STEERING_KEEP=1 (keep the database), BENCH_STEERING_REUSE=1 (measure the kept database
 * again, no generation), BENCH_STEERING_FULL (all | busiest: the full refresh of every
 * département, or of the measured one only, the others set as refreshed a moment ago),
 * BENCH_STEERING_WARMS (publications followed by the warming, default 10),
 * BENCH_STEERING_EXPORTS (timed runs of each export — CSV of every table, XLSX per section, the PDF report —
 * by commune, nothing kept then warm; default 3, 0 for none), BENCH_STEERING_INCREMENTAL=0 (skip the timing of the incremental refresh of every département),
 * BENCH_STEERING_DEPT (the département measured; default the busiest by referrals; the
 * generator spreads the activity evenly, so 62, Pas-de-Calais, has the most communes for the
 * same activity: the most masking).
 *
 *   node --import tsx bench/steering.ts   (or BENCH_ONLY=steering npm run bench)
 */
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../src/lib/server/db/client.ts';
import { loadTerritory } from '../src/lib/server/territory/index.ts';
import { sharedDataDir } from '../src/lib/server/paths.ts';
import { actorFor, addMember, createOrganisation } from '../src/lib/server/accounts/index.ts';
import { pathToFileURL } from 'node:url';
import { demandSections, outcomeSections, partnerSections, refreshSteeringFacts } from '../src/lib/server/steering/index.ts';
import { keptYearFacts, MASKS } from '../src/lib/server/steering/figures.ts';
import { STEERING_SECTIONS, steeringExport, steeringReport, steeringWorkbook } from '../src/lib/server/steering/exports.ts';
import { forgetWarmed, warmSteering } from '../src/lib/server/steering/warm.ts';

const SCALE = Number(process.env.BENCH_STEERING_SCALE ?? 1);
const CALLS = Number(process.env.BENCH_STEERING_CALLS ?? 20);
const DB_NAME = 'maillage_bench_steering';
const PERSONS = Math.round(1_000_000 * SCALE);
const REFERRALS = Math.round(1_000_000 * SCALE);
const ACCOMPANIMENTS = Math.round(10_000_000 * SCALE);
const ASSESSMENTS = Math.round(600_000 * SCALE);
const REUSE = process.env.BENCH_STEERING_REUSE === '1';
/** 'all': a full refresh of every département first; 'busiest': of the measured one only */
const FULL = process.env.BENCH_STEERING_FULL ?? 'all';
/** publications followed by the job's warming, each then read once per page as its first reader */
const WARMS = Number(process.env.BENCH_STEERING_WARMS ?? 10);
/** timed runs of each export per state (0: none) */
const EXPORT_RUNS = Number(process.env.BENCH_STEERING_EXPORTS ?? 3);
let log: (m: string) => void = (m) => process.stderr.write(`${m}\n`);

let ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const url = (db: string) => {
	const u = new URL(ADMIN);
	u.pathname = `/${db}`;
	return u.toString();
};

const q = (xs: number[], p: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]);
};

async function timed(label: string, fn: () => Promise<unknown>): Promise<number> {
	const t = performance.now();
	await fn();
	const ms = Math.round(performance.now() - t);
	log(`${label}: ${ms} ms`);
	return ms;
}

/** Statements in order: the helper tables bench_* drive the generation; every id derives from md5 of a counter. */
const GENERATION: [string, string][] = [
	[
		'structures and places',
		`create unlogged table bench_dept as
		select d.code, array_agg(m.insee_code order by m.insee_code) as communes, row_number() over (order by d.code) - 1 as k
		from departments d join municipalities m on m.department_code = d.code group by d.code;
		insert into organisations (id, name, kind, department_code)
		select md5('org-' || d.code || '-' || j)::uuid, (array['CAF', 'CCAS', 'France Travail', 'France Services', 'Association numérique', 'MSA', 'Médiathèque', 'Mission locale', 'Département', 'CPAM'])[1 + j] || ' ' || d.code,
			(array['operateur', 'ccas', 'emploi', 'france_services', 'association', 'operateur', 'mediatheque', 'emploi', 'departement', 'operateur'])[1 + j], d.code
		from bench_dept d cross join generate_series(0, 9) j;
		insert into places (id, pivot, nom, commune, code_postal, adresse, date_maj, department_code, name_key, code_insee)
		select 'bs-' || m.insee_code, '00000000000000', 'Lieu de ' || m.name, m.name, '00000', '1 place de la Mairie', '2026-01-01', m.department_code, lower('lieu de ' || m.name), m.insee_code
		from municipalities m`
	],
	[
		'persons',
		`create unlogged table bench_person as
		select i, d.code as dept, d.communes[1 + floor(random() * array_length(d.communes, 1))::int] as commune, floor(random() * 10)::int as org
		from generate_series(1, ${PERSONS}) i cross join lateral (select * from bench_dept where k = (i::bigint * 7919) % (select count(*) from bench_dept)) d;
		alter table bench_person add primary key (i);
		insert into beneficiaries (id, organisation_id, department_code, first_name, commune_code)
		select md5('ben-' || i)::uuid, md5('org-' || dept || '-' || org)::uuid, dept, 'Bench', commune from bench_person`
	],
	[
		'assessments',
		`insert into assessments (beneficiary_id, organisation_id, version, answers, result, created_at)
		select md5('ben-' || p.i)::uuid, md5('org-' || p.dept || '-' || p.org)::uuid, 1,
			jsonb_build_object('besoin', case when random() < 0.7 then '["demarche"]'::jsonb else '["bases", "securite"]'::jsonb end),
			jsonb_build_object('profile', jsonb_build_object('equipment', (array['Avec guidage', 'Autonome avec guidage en cas de besoin', 'Autonome'])[1 + floor(random() * 3)::int],
				'skills', (array['Avec guidage', 'Autonome avec guidage en cas de besoin', 'Autonome'])[1 + floor(random() * 3)::int], 'procedures', 'Autonome')),
			now() - random() * interval '365 days'
		from bench_person p where p.i <= ${ASSESSMENTS}`
	],
	[
		'referrals and their consents',
		`create unlogged table bench_ref as
		select p.i, p.dept, p.commune, p.org, now() - (2 + random() * 363) * interval '1 day' as sent_at, random() as r, random() as d
		from bench_person p where p.i <= ${REFERRALS};
		insert into grants (id, beneficiary_id, grantee_organisation_id, recorded_by_organisation_id, scopes, purpose, method, valid_from)
		select md5('con-' || i)::uuid, md5('ben-' || i)::uuid, md5('org-' || dept || '-' || org)::uuid, md5('org-' || dept || '-' || org)::uuid, array['referral'], 'Orientation', 'oral', sent_at from bench_ref;
		insert into referrals (id, beneficiary_id, from_organisation_id, place_id, consent_id, reason, status, department_code, place_department_code, sent_at, status_at, decline_reason, link_nonce)
		select md5('ref-' || i)::uuid, md5('ben-' || i)::uuid, md5('org-' || dept || '-' || org)::uuid, 'bs-' || commune, md5('con-' || i)::uuid, 'Démarche en ligne',
			case when r < 0.55 then 'honoured' when r < 0.65 then 'no_show' when r < 0.8 then 'declined' when r < 0.9 then 'expired' else 'withdrawn' end,
			dept, dept, sent_at, sent_at + interval '10 days', case when r >= 0.65 and r < 0.8 then 'full' end, substr(md5('n-' || i), 1, 12)
		from bench_ref;
		insert into referral_events (referral_id, at, type, actor_kind, from_status, to_status)
		select * from (
			select md5('ref-' || i)::uuid, sent_at, 'send', 'prescriber', null, 'sent' from bench_ref
			union all
			select md5('ref-' || i)::uuid, sent_at + d * 6 * interval '1 day', case when r < 0.65 then 'accept' else 'decline' end, 'place', 'sent', case when r < 0.65 then 'accepted' else 'declined' end
				from bench_ref where r < 0.8
			union all
			select md5('ref-' || i)::uuid, sent_at + interval '10 days', case when r < 0.55 then 'honour' when r < 0.65 then 'no_show' when r < 0.9 then 'expire' else 'withdraw' end,
				case when r < 0.65 then 'place' when r < 0.9 then 'system' else 'person' end, case when r < 0.65 then 'accepted' else 'sent' end,
				case when r < 0.55 then 'honoured' when r < 0.65 then 'no_show' when r < 0.9 then 'expired' else 'withdrawn' end
				from bench_ref where r < 0.65 or r >= 0.8
		) e`
	],
	[
		'accompaniments',
		`insert into accompaniments (organisation_id, place_id, department_code, date, kind, duration_minutes, location, themes, procedure_themes, autonomy, gender, age_band, social_status, participants, breakdown, created_at)
		select md5('org-' || d.code || '-' || (3 + i % 4))::uuid, 'bs-' || c.commune, d.code, (t.at at time zone 'Europe/Paris')::date,
			case when i % 20 = 0 then 'collective' else 'individual' end, 60, 'place',
			array[(array['Aide aux démarches administratives', 'E-mail', 'Navigation sur internet', 'Prendre en main du matériel', 'Prévention en sécurité numérique'])[1 + i % 5]],
			case when i % 5 = 0 then array[(array['Social – Santé', 'Famille – Scolarité', 'Travail – Formation', 'Argent – Impôts', 'Logement'])[1 + (i / 5) % 5]] else '{}'::text[] end,
			case when i % 20 <> 0 then (array['guided', 'partly', 'autonomous'])[1 + i % 3] end,
			case when i % 20 <> 0 then (array['F', 'M', 'unknown'])[1 + (i / 3) % 3] end,
			case when i % 20 <> 0 then (array['18-24', '25-39', '40-59', '60-69', '70plus'])[1 + (i / 7) % 5] end,
			case when i % 20 <> 0 then (array['unemployed', 'employed', 'retired', 'unknown'])[1 + (i / 11) % 4] end,
			case when i % 20 = 0 then 8 else 1 end,
			case when i % 20 = 0 then '{"gender": {"F": 5, "M": 3}}'::jsonb end,
			t.at
		from generate_series(1, ${ACCOMPANIMENTS}) i
		cross join lateral (select * from bench_dept where k = (i::bigint * 104729) % (select count(*) from bench_dept)) d
		cross join lateral (select d.communes[1 + (i::bigint * 31) % array_length(d.communes, 1)] as commune) c
		cross join lateral (select now() - (1 + (i % 364) + random()) * interval '1 day' as at) t`
	],
	['clean up', 'drop table bench_dept, bench_person, bench_ref']
];

async function generate(db: Database, results: Record<string, unknown>) {
	await timed('territory', () => loadTerritory(db, { sharedDir: sharedDataDir() }));
	const codes = (await db.query<{ code: string }>(sql`select code from departments order by code`)).map((r) => r.code);
	await db.query(sql`insert into instance_settings (id, name, department_codes, color_primary, color_accent) values (1, 'Banc d’essai', ${`{${codes.join(',')}}`}::text[], '#0b4f8a', '#b34000')
		on conflict (id) do update set department_codes = excluded.department_codes`);
	for (const [label, statement] of GENERATION) results[`generate ${label} (ms)`] = await timed(`generate ${label}`, () => db.query(sql.raw(statement)));
	await timed('vacuum analyze', () => db.query(sql.raw('vacuum analyze')));
}

export async function steeringBench(pgAdmin: string, logTo: (m: string) => void): Promise<Record<string, unknown>> {
	ADMIN = pgAdmin;
	log = logTo;
	if (!REUSE) {
		const admin = new pg.Client({ connectionString: ADMIN });
		await admin.connect();
		await admin.query(`drop database if exists ${DB_NAME} with (force)`);
		await admin.query(`create database ${DB_NAME}`);
		await admin.end();
	}
	const db: Database = await openDatabase({ url: url(DB_NAME), max: 4 });
	const results: Record<string, unknown> = { scale: SCALE, persons: PERSONS, referrals: REFERRALS, accompaniments: ACCOMPANIMENTS, assessments: ASSESSMENTS };
	try {
		if (!REUSE) await generate(db, results);
		else await db.query(sql.raw('truncate steering_facts, steering_facts_summed, steering_refresh'));

		// the busiest département (or the one asked for): its pages are measured
		const [busiest] = await db.query<{ code: string }>(sql`select department_code as code from referrals group by 1 order by count(*) desc limit 1`);
		const dept = process.env.BENCH_STEERING_DEPT ?? busiest.code;
		if (FULL === 'all') results['refresh full, every département (ms)'] = await timed('refresh full', () => refreshSteeringFacts(db, { full: true }));
		else {
			// the busiest one in full; the others as if refreshed a moment ago (the steady state of the 10-minute cycle)
			results['refresh full, the busiest département (ms)'] = await timed(`refresh full of ${dept}`, () =>
				refreshSteeringFacts(db, { full: true, departments: [dept] })
			);
			await db.query(
				sql`insert into steering_refresh (department_code, watermark, refreshed_at) select code, now(), now() from departments where code <> ${dept}`
			);
		}
		const [facts] = await db.query<{ n: number }>(sql`select count(*)::int as n from steering_facts`);
		results['fact rows'] = facts.n;
		results['fact rows summed over the communes'] = (await db.query<{ n: number }>(sql`select count(*)::int as n from steering_facts_summed`))[0].n;
		// a few new rows now, then the refresh every 10 minutes would find them
		await db.query(sql`insert into assessments (beneficiary_id, organisation_id, version, answers, result)
			select id, organisation_id, 1, '{"besoin": ["demarche"]}'::jsonb, '{"profile": {}}'::jsonb from beneficiaries limit 1000`);
		if (process.env.BENCH_STEERING_INCREMENTAL !== '0')
			results['refresh incremental, every département (ms)'] = await timed('refresh incremental', () => refreshSteeringFacts(db));

		// what autovacuum does between two cycles (each rewrites the month under way of every département)
		await db.query(sql.raw('vacuum analyze steering_facts, steering_facts_summed'));
		const org = await createOrganisation(db, null, { name: `Département ${dept} (banc ${Date.now()})`, kind: 'departement', departmentCode: dept });
		const { userId } = await addMember(db, null, {
			email: `coord-${Date.now()}@${dept}.bench.test`,
			displayName: 'Coordination',
			organisationId: org.id,
			role: 'coordinator',
			password: 'une phrase de passe solide'
		});
		const actor = await actorFor(db.db, userId, true);
		results.departement = dept;
		const year = new Date().getFullYear() - (new Date().getMonth() === 0 && new Date().getDate() < 6 ? 1 : 0);
		const [communes] = await db.query<{ n: number }>(sql`select count(*)::int as n from municipalities where department_code = ${dept}`);
		results.communes = communes.n;
		// the cycle of every 10 minutes, which rewrites the month under way only: a new refreshed_at, the figures' stamp unchanged
		const refreshed = () => db.query(sql`update steering_refresh set refreshed_at = refreshed_at + interval '1 millisecond' where department_code = ${dept}`);
		// a month published (or a full refresh, or a new process): the facts read again (figures_changed_at), the masks solved again
		const published = async () => {
			MASKS.clear();
			await db.query(sql`update steering_refresh set figures_changed_at = clock_timestamp() where department_code = ${dept}`);
		};
		const states: [string, () => Promise<unknown>][] = [
			['warm', async () => {}],
			['refreshed', refreshed],
			['nothing kept', published]
		];
		// a month published, then the refresh job's warming (warm.ts), then the first reader of each page: WARMS times
		const firstAfterWarm = new Map<string, number[]>();
		const warmMs: number[] = [];
		const pages = [
			['demande', demandSections],
			['resultats', outcomeSections],
			['partenaires', partnerSections]
		] as const;
		for (let i = 0; i < WARMS; i++) {
			await published();
			keptYearFacts.clear(db);
			forgetWarmed(db);
			const t = performance.now();
			const w = await warmSteering(db, { departments: [dept] });
			warmMs.push(performance.now() - t);
			if (i === 0) log(`warm of ${dept}: ${JSON.stringify(w.departments)}`);
			const misses = MASKS.misses;
			for (const niveau of ['epci', 'commune'])
				for (const [name, page] of pages) {
					const params = new URLSearchParams(`departement=${dept}&periode=${year}&niveau=${niveau}`);
					const t0 = performance.now();
					await page(db, actor, params);
					const label = `/pilotage/${name} by ${niveau}`;
					(firstAfterWarm.get(label) ?? firstAfterWarm.set(label, []).get(label)!).push(performance.now() - t0);
				}
			// every mask the pages needed was solved by the warming
			if (MASKS.misses !== misses) log(`after the warming, ${MASKS.misses - misses} masks solved again by the readers`);
			results['masks solved by the readers after the warming'] =
				((results['masks solved by the readers after the warming'] as number) ?? 0) + MASKS.misses - misses;
		}
		results['warming of the département after a publication (ms)'] = { p50: q(warmMs, 50), max: q(warmMs, 100) };
		log(`warming of ${dept}: p50 ${q(warmMs, 50)} ms, max ${q(warmMs, 100)} ms`);
		for (const [label, times] of firstAfterWarm) {
			results[`${label}, first reader after the warming`] = { p50: q(times, 50), p95: q(times, 95), max: q(times, 100) };
			log(`${label}, first reader after the warming: p50 ${q(times, 50)} ms, p95 ${q(times, 95)} ms, max ${q(times, 100)} ms`);
		}
		for (const niveau of ['epci', 'commune'])
			for (const [name, page] of [
				['demande', demandSections],
				['resultats', outcomeSections],
				['partenaires', partnerSections]
			] as const) {
				const params = new URLSearchParams(`departement=${dept}&periode=${year}&niveau=${niveau}`);
				await page(db, actor, params);
				for (const [state, before] of states) {
					const times: number[] = [];
					for (let i = 0; i < CALLS; i++) {
						await before();
						const t = performance.now();
						await page(db, actor, params);
						times.push(performance.now() - t);
					}
					results[`/pilotage/${name} by ${niveau}, ${state}`] = { p50: q(times, 50), p95: q(times, 95), max: q(times, 100) };
					log(`/pilotage/${name} by ${niveau}, ${state}: p50 ${q(times, 50)} ms, p95 ${q(times, 95)} ms, max ${q(times, 100)} ms`);
				}
			}
		// the exports (target ≤ 5 s each), by commune (the most rows), with nothing kept (a month just
		// published: the facts read and masks solved by the export itself) then warm: every table of
		// the three pages about people as CSV, each section's workbook (XLSX), the printable report (PDF)
		if (EXPORT_RUNS > 0) {
			const params = new URLSearchParams(`departement=${dept}&periode=${year}&niveau=commune`);
			const kinds: [string, () => Promise<unknown>][] = [];
			for (const key of ['demande', 'resultats', 'partenaires']) {
				const { tables } = await STEERING_SECTIONS[key](db, actor, params, new Date().toISOString().slice(0, 10));
				kinds.push([
					`${key}: every table as CSV (${tables.length})`,
					async () => {
						for (const t of tables) await steeringExport(db, actor, t.id, params);
					}
				]);
				kinds.push([`${key}.xlsx`, () => steeringWorkbook(db, actor, key, params, 'Banc')]);
			}
			kinds.push(['rapport.pdf (every section)', () => steeringReport(db, actor, params, 'Banc')]);
			for (const [what, run] of kinds)
				for (const [state, before] of [
					['nothing kept', published],
					['warm', async () => {}]
				] as const) {
					const times: number[] = [];
					for (let i = 0; i < EXPORT_RUNS; i++) {
						await before();
						const t = performance.now();
						await run();
						times.push(performance.now() - t);
					}
					results[`export ${what} by commune, ${state}`] = { p50: q(times, 50), max: q(times, 100) };
					log(`export ${what} by commune, ${state}: p50 ${q(times, 50)} ms, max ${q(times, 100)} ms`);
				}
		}
	} finally {
		await db.close();
		if (process.env.BENCH_STEERING_KEEP !== '1' && !REUSE) {
			const a = new pg.Client({ connectionString: ADMIN });
			await a.connect();
			await a.query(`drop database if exists ${DB_NAME} with (force)`);
			await a.end();
		}
	}
	return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
	steeringBench(process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', (m) => process.stderr.write(`${m}\n`))
		.then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`))
		.catch((e) => {
			console.error(e);
			process.exit(1);
		});
