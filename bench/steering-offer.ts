/**
 * Issue 16's benchmark for the steering space's offer and fragility, on PostgreSQL: every
 * commune of France (the real territory, 35,000 communes with their index) and 100,000
 * synthetic places spread over them (positions jittered around the communes' centres, 40 %
 * offering « Aide aux démarches administratives », five opening patterns of which one
 * unknown, updates over the last 30 months), generated in one SQL statement. Then the real use
 * cases are timed, as a coordinator calls them, for the départements with the most communes
 * and places (Pas-de-Calais, Aisne, Gironde, Nord, Paris, Lot-et-Garonne) at the commune and
 * EPCI levels: the offer page, the fragility page, the home page and one CSV export; 3 warm-up
 * calls then BENCH_OFFER_RUNS timed calls each, in four states: a place changed just before
 * (the change patched into the places kept), kept over 5 minutes (the Pass read again and
 * patched in), nothing kept (the places and their distances read and computed again: the
 * first reader after a restart, or places kept over 6 hours ago) and warm
 * (kept in memory): p50 / p95 / max. Target: p95 ≤ 1 s (docs/decisions/0017-steering-offer.md).
 *
 * Options (env): BENCH_OFFER_PLACES (100000), BENCH_OFFER_RUNS (20), BENCH_OFFER_KEEP=1 (keep
 * the database), BENCH_OFFER_REUSE=1 (measure the kept database again), BENCH_OFFER_DEPTS (comma
 * list, default 62,02,33,59,75,47). Runnable alone:
 * `node --import tsx bench/steering-offer.ts`.
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/lib/server/db/client.ts';
import { loadTerritory } from '../src/lib/server/territory/index.ts';
import { sharedDataDir } from '../src/lib/server/paths.ts';
import type { Actor } from '../src/lib/server/accounts/index.ts';
import { fragilitySection, offerSection, steeringExport, steeringOverview } from '../src/lib/server/steering/index.ts';
import { ageKeptPlaces, forgetKeptPlaces } from '../src/lib/server/steering/offer.ts';

const DB_NAME = `maillage_bench_offer${process.env.TEST_DB_PREFIX ? '_' + process.env.TEST_DB_PREFIX.replace(/[^a-z0-9]/g, '') : ''}`;
const PLACES = Number(process.env.BENCH_OFFER_PLACES ?? 100_000);
const RUNS = Number(process.env.BENCH_OFFER_RUNS ?? 20);
const KEEP = process.env.BENCH_OFFER_KEEP === '1';
const REUSE = process.env.BENCH_OFFER_REUSE === '1';
const TARGET_MS = 1000;
const DEPARTMENTS = (process.env.BENCH_OFFER_DEPTS ?? '62,02,33,59,75,47').split(',');

const q = (xs: number[], p: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10;
};

function adminUrl(url: string, db: string) {
	const u = new URL(url);
	u.pathname = `/${db}`;
	return u.toString();
}

/** PLACES places over the communes, in one statement (ll_to_earth is earthPoint: the same earth radius). */
const FILL = (n: number) => sql`
	with c as (
		select row_number() over (order by insee_code) as k, insee_code, name, latitude, longitude, department_code
		from municipalities where latitude is not null and department_code not like '98%'
	), total as (select count(*) as n from c), g as (
		select i, latitude + ((i * 37) % 100 - 50) / 5000.0 as lat, longitude + ((i * 53) % 100 - 50) / 5000.0 as lon, c.*
		from generate_series(1, ${n}) i cross join total join c on c.k = 1 + (i::bigint * 7919) % total.n
	)
	insert into places (id, pivot, nom, name_key, commune, code_postal, code_insee, adresse, latitude, longitude, pos, services, open_week, date_maj, department_code, created_at)
	select 'bench-' || i, '00000000000000', 'Lieu ' || i, 'lieu ' || i, name, '00000', insee_code, '1 rue du Bench', lat, lon, ll_to_earth(lat, lon),
		case when i % 5 < 2 then array['Aide aux démarches administratives', 'Maîtrise des outils numériques du quotidien']
			else array[(array['Maîtrise des outils numériques du quotidien', 'Accès internet et matériel informatique', 'Utilisation sécurisée du numérique'])[1 + i % 3]] end,
		(array['{[540,720),[840,1020),[1980,2160),[2280,2460),[3420,3600),[3720,3900),[4860,5040),[5160,5340),[6300,6480),[6600,6780)}',
			'{[1980,2160)}', '{[540,1020),[3420,3900)}', '{[540,720),[1980,2160),[3420,3600),[4860,5040),[6300,6480),[7740,7920)}', null])[1 + i % 5]::int4multirange,
		(current_date - (i % 900))::date, department_code, now() - interval '2 years'
	from g`;

export async function steeringOfferBench(pgAdmin: string, log: (m: string) => void) {
	if (!REUSE) {
		const admin = new pg.Client({ connectionString: pgAdmin });
		await admin.connect();
		await admin.query(`drop database if exists ${DB_NAME} with (force)`);
		await admin.query(`create database ${DB_NAME}`);
		await admin.end();
	}
	const db = await openDatabase({ url: adminUrl(pgAdmin, DB_NAME), max: 4 });
	const results: Record<string, unknown> = { places: PLACES, runs: RUNS, targetMs: TARGET_MS };
	try {
		if (!REUSE) {
			const t0 = performance.now();
			await loadTerritory(db, { sharedDir: sharedDataDir() });
			const t1 = performance.now();
			await db.query(FILL(PLACES));
			await db.query(sql`vacuum analyze places`);
			log(`[steering-offer] territory ${Math.round(t1 - t0)} ms, ${PLACES} places ${Math.round(performance.now() - t1)} ms`);
		}
		const cases: Record<string, unknown>[] = [];
		for (const dep of DEPARTMENTS) {
			const actor: Actor = { userId: 'bench', isAdmin: false, mfa: true, memberships: [{ organisationId: 'bench', role: 'coordinator', departmentCode: dep }] };
			for (const level of ['commune', 'epci']) {
				const params = new URLSearchParams(`departement=${dep}&niveau=${level}`);
				let tick = 0;
				const touch = () => db.query(sql`update places set updated_at = now() + make_interval(secs => ${++tick}) where id = 'bench-1'`);
				const measures: [string, (p: URLSearchParams) => Promise<unknown>][] = [
					['offre', (p) => offerSection(db, actor, p)],
					['fragilite', (p) => fragilitySection(db, actor, p)],
					['accueil', (p) => steeringOverview(db, actor, p)],
					['export offre-acces.csv', (p) => steeringExport(db, actor, 'offre-acces', p)]
				];
				// after a place changed (patched into the places kept); kept over 5 minutes (the Pass read again); nothing kept (the first reader after a restart); warm
				const states: [string, () => Promise<unknown>][] = [
					['changed', touch],
					// the places kept over 5 minutes ago: the Pass read again and patched in (decision 0017, second amendment)
					['kept over 5 minutes', async () => ageKeptPlaces(db, 5 * 60_000 + 1000)],
					['nothing kept', async () => forgetKeptPlaces(db)],
					['warm', async () => {}]
				];
				for (const [name, call] of measures)
					for (const [state, before] of states) {
						for (let i = 0; i < 3; i++) await call(params);
						const ms: number[] = [];
						for (let i = 0; i < RUNS; i++) {
							await before();
							const t = performance.now();
							await call(params);
							ms.push(performance.now() - t);
						}
						const row = { departement: dep, niveau: level, page: name, state, p50: q(ms, 50), p95: q(ms, 95), max: q(ms, 100), ok: q(ms, 95) <= TARGET_MS };
						cases.push(row);
						log(`[steering-offer] ${dep} ${level} ${name} ${state}: p50 ${row.p50} ms, p95 ${row.p95} ms, max ${row.max} ms`);
					}
			}
		}
		results.cases = cases;
		results.worstP95 = Math.max(...cases.map((c) => c.p95 as number));
		results.over = cases.filter((c) => !c.ok).length;
		results.ok = cases.every((c) => c.ok);
		return results;
	} finally {
		await db.close();
		if (!KEEP) {
			const admin = new pg.Client({ connectionString: pgAdmin });
			await admin.connect();
			await admin.query(`drop database if exists ${DB_NAME} with (force)`);
			await admin.end();
		}
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	steeringOfferBench(process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', (m) => process.stderr.write(m + '\n'))
		.then((r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'))
		.catch((e) => {
			console.error(e);
			process.exit(1);
		});
}
