/**
 * Issue 18's benchmarks, on PostgreSQL: the donor's reuse report for 10,000 devices (≤ 1 s:
 * data, CSV and PDF), and the stock and waiting-list pages (≤ 100 ms p95) with 100,000 devices.
 *
 * A fresh database (maillage_bench_equipment): département 47, 10 refurbishing structures (the
 * first holds 40 % of the devices), 20 care structures, 8 areas, 50 donors, lots of 50 devices
 * received over 2024–2026 (BENCH_EQUIPMENT_DEVICES, 100,000 by default; one donor gives 10,000
 * in 2025), spread over every status; every handed-over device has its request and handover,
 * every recycled one its recycling; BENCH_EQUIPMENT_WAITING (20,000) requests wait on the areas'
 * lists. Generated in SQL (generate_series): the setup is not what is measured.
 *
 * Measured through the use cases the pages call, on the request pool (the application role,
 * row-level security on, the actor's scope set as hooks.server.ts does):
 *   - the donor's report for the 10,000 devices: donorReport, donorReportCsv, donorReportPdfFile (BENCH_EQUIPMENT_RUNS, 5);
 *   - the stock page (/espace/materiel) of the largest refurbisher: equipmentHome + stockOf (100 devices),
 *     without and with a status filter;
 *   - the requests page (/espace/materiel/demandes) of a care structure with an area's waiting list:
 *     requestFormChoices, requestsOfMyStructures, waitingAreas, then waitingList;
 * each page BENCH_EQUIPMENT_CALLS (30) times after 3 warm-up calls, p50/p95/max.
 *
 * Options (env): the above, BENCH_EQUIPMENT_KEEP=1 (keep the database). Runnable alone:
 * `node --import tsx bench/equipment.ts` (or BENCH_ONLY=equipment npm run bench).
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../src/lib/server/db/client.ts';
import { openRequestDatabase } from '../src/lib/server/db/request-pool.ts';
import { runInScope } from '../src/lib/server/db/request-scope.ts';
import { loadTerritory } from '../src/lib/server/territory/index.ts';
import { sharedDataDir } from '../src/lib/server/paths.ts';
import { createOrganisation, addMember, actorFor, type Actor } from '../src/lib/server/accounts/index.ts';
import {
	donorReport,
	donorReportCsv,
	donorReportPdfFile,
	equipmentHome,
	requestFormChoices,
	requestsOfMyStructures,
	stockOf,
	waitingAreas,
	waitingList
} from '../src/lib/server/equipment/index.ts';

const DB_NAME = `maillage_bench_equipment${process.env.TEST_DB_PREFIX ? '_' + process.env.TEST_DB_PREFIX.replace(/[^a-z0-9]/g, '') : ''}`;
const DEVICES = Number(process.env.BENCH_EQUIPMENT_DEVICES ?? 100_000);
const WAITING = Number(process.env.BENCH_EQUIPMENT_WAITING ?? 20_000);
const CALLS = Number(process.env.BENCH_EQUIPMENT_CALLS ?? 30);
const RUNS = Number(process.env.BENCH_EQUIPMENT_RUNS ?? 5);
const PER_LOT = 50;
const BIG_DONOR_DEVICES = 10_000;

const q = (xs: number[], p: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10;
};
const stats = (xs: number[]) => ({ calls: xs.length, p50: q(xs, 50), p95: q(xs, 95), max: q(xs, 100) });

function dbUrl(url: string, db: string) {
	const u = new URL(url);
	u.pathname = `/${db}`;
	return u.toString();
}

/** Runs fn as a request of `actor` would: the request pool, the actor's scope. */
const asRequest = <T>(actor: Actor, fn: () => Promise<T>) =>
	runInScope(fn, { departments: [...new Set(actor.memberships.map((m) => m.departmentCode))].join(','), userId: actor.userId, owner: '', voucherCode: '' });

async function timed(actor: Actor, calls: number, fn: () => Promise<unknown>) {
	for (let i = 0; i < 3; i++) await asRequest(actor, fn);
	const ms: number[] = [];
	for (let i = 0; i < calls; i++) {
		const t = performance.now();
		await asRequest(actor, fn);
		ms.push(performance.now() - t);
	}
	return stats(ms);
}

/** a uuid[] literal (drizzle spreads a JS array into a row) */
const pgArray = (ids: readonly string[]) => `{${ids.join(',')}}`;

async function generate(db: Database, ids: { ateliers: string[]; ccas: string[]; coordinatorUser: string }) {
	const lots = Math.ceil(DEVICES / PER_LOT);
	const bigLots = BIG_DONOR_DEVICES / PER_LOT;
	const exec = (q: ReturnType<typeof sql>) => db.db.execute(q);
	await exec(sql`insert into areas (department_code, kind, name) select '47', 'pole', 'Pôle ' || n from generate_series(1, 8) n`);
	await exec(sql`
		insert into equipment_donors (department_code, kind, name, public_body)
		select '47', case when n = 1 then 'departement' else 'commune' end, case when n = 1 then 'Grand donateur' else 'Donateur ' || n end, true
		from generate_series(1, 50) n`);
	// lots: the big donor's first (all received in 2025), then the others over 2024-2026
	await exec(sql`
		with d as (select id, row_number() over (order by name = 'Grand donateur' desc, name) as k from equipment_donors),
			a as (select x.id, x.k from unnest(${pgArray(ids.ateliers)}::uuid[]) with ordinality as x(id, k))
		insert into equipment_lots (department_code, donor_id, refurbisher_organisation_id, reference, received_on, created_by)
		select '47',
			(select id from d where d.k = case when n <= ${bigLots} then 1 else 2 + n % 49 end),
			(select id from a where a.k = case when n % 5 < 2 then 1 else 2 + n % 9 end),
			'LOT-' || lpad(n::text, 6, '0'),
			case when n <= ${bigLots} then date '2025-01-02' + (n % 360) else date '2024-01-01' + (n * 7 % 1000) end,
			${ids.coordinatorUser}
		from generate_series(1, ${lots}) n`);
	await exec(sql`
		insert into equipment_devices (department_code, lot_id, refurbisher_organisation_id, type, brand, model, serial, manufacture_year, status, status_changed_at, grade, warranty_months, price_cents)
		select '47', l.id, l.refurbisher_organisation_id,
			(array['laptop','laptop','desktop','tablet','smartphone','screen'])[1 + (i + n) % 6],
			(array['Dell','Lenovo','HP','Apple','Samsung'])[1 + (i * 7 + n) % 5],
			'Modèle ' || (i % 13),
			'SN' || lpad(((n - 1) * ${PER_LOT} + i)::text, 8, '0'),
			2012 + (i * 3 + n) % 13,
			(array['received','refurbishing','available','reserved','handed_over','handed_over','handed_over','returned','recycled'])[1 + (i * 5 + n) % 9],
			l.received_on + ((i % 90) || ' days')::interval,
			(array['A','B','C'])[1 + i % 3], 12, 5000
		from (select id, refurbisher_organisation_id, received_on, row_number() over (order by reference) as n from equipment_lots) l,
			generate_series(1, ${PER_LOT}) i`);
	// a request and a handover for every device handed over or reserved; recycling for the recycled
	await exec(sql`
		insert into equipment_requests (department_code, organisation_id, area_id, need, eligibility_kind, reference, requested_at, status, device_id, reserved_at, closed_at)
		select '47', (${pgArray(ids.ccas)}::uuid[])[1 + k % 20], (select min(id) from areas) + k % 8,
			case when d.type in ('laptop','desktop','tablet','smartphone') then d.type else 'laptop' end, 'minima_sociaux',
			'DEM-H-' || k, d.status_changed_at - interval '30 days', d.status, d.id, d.status_changed_at - interval '7 days', null
		from (select *, row_number() over (order by id) as k from equipment_devices where status in ('handed_over','reserved')) d`);
	await exec(sql`
		insert into equipment_handovers (department_code, request_id, device_id, handed_over_at, receipt, warranty_until, price_cents, accompaniment)
		select '47', r.id, r.device_id, r.reserved_at + interval '7 days', 'paper', (r.reserved_at + interval '1 year')::date, 5000, 'declined'
		from equipment_requests r where r.status = 'handed_over'`);
	await exec(sql`
		insert into equipment_recycling (device_id, department_code, recycled_on, channel)
		select id, '47', status_changed_at::date, 'Ecologic' from equipment_devices where status = 'recycled'`);
	await exec(sql`
		insert into equipment_requests (department_code, organisation_id, area_id, need, eligibility_kind, reference, requested_at)
		select '47', (${pgArray(ids.ccas)}::uuid[])[1 + n % 20], case when n % 10 = 0 then null else (select min(id) from areas) + n % 8 end,
			(array['laptop','desktop','tablet','smartphone'])[1 + n % 4], 'minima_sociaux', 'DEM-W-' || n, now() - (n || ' minutes')::interval
		from generate_series(1, ${WAITING}) n`);
	await exec(
		sql`insert into equipment_donor_stock (donor_id, department_code, year, retired_in_stock) select id, '47', 2025, 12000 from equipment_donors where name = 'Grand donateur'`
	);
	await exec(sql`vacuum analyze`);
}

export async function equipmentBench(pgAdmin: string, log: (m: string) => void) {
	const admin = new pg.Client({ connectionString: pgAdmin });
	await admin.connect();
	await admin.query(`drop database if exists ${DB_NAME} with (force)`);
	await admin.query(`create database ${DB_NAME}`);
	await admin.end();
	const owner = await openDatabase({ url: dbUrl(pgAdmin, DB_NAME) });
	let request: Database | null = null;
	try {
		await loadTerritory(owner, { sharedDir: sharedDataDir() });
		const org = async (name: string, kind: string) => (await createOrganisation(owner, null, { name, kind, departmentCode: '47' })).id;
		const dep = await org('Département de Lot-et-Garonne', 'departement');
		const ateliers: string[] = [];
		for (let i = 1; i <= 10; i++) ateliers.push(await org(`Atelier ${i}`, 'association'));
		const ccas: string[] = [];
		for (let i = 1; i <= 20; i++) ccas.push(await org(`CCAS ${i}`, 'ccas'));
		const member = async (email: string, organisationId: string, role: 'coordinator' | 'prescriber' | 'place_manager') =>
			(await addMember(owner, null, { email, displayName: 'Camille Martin', organisationId, role })).userId;
		const coordinatorId = await member('c@bench.test', dep, 'coordinator');
		const refurbisherId = await member('r@bench.test', ateliers[0], 'place_manager');
		const prescriberId = await member('p@bench.test', ccas[0], 'prescriber');
		const tGen = performance.now();
		await generate(owner, { ateliers, ccas, coordinatorUser: coordinatorId });
		const generateMs = Math.round(performance.now() - tGen);
		const counts = (
			(await owner.db.execute(sql`
				select (select count(*)::int from equipment_devices) as devices, (select count(*)::int from equipment_lots) as lots,
					(select count(*)::int from equipment_requests where status = 'waiting') as waiting,
					(select count(*)::int from equipment_handovers) as handovers,
					(select count(*)::int from equipment_devices where refurbisher_organisation_id = ${ateliers[0]}) as "largestStock"`)) as unknown as {
				rows: Record<string, number>[];
			}
		).rows[0];
		log(`[equipment] generated in ${generateMs} ms: ${JSON.stringify(counts)}`);
		request = await openRequestDatabase(owner, 4);
		const db = request;
		const coordinator = await actorFor(owner.db, coordinatorId, true);
		const refurbisher = await actorFor(owner.db, refurbisherId, true);
		const prescriber = await actorFor(owner.db, prescriberId, true);
		const [big] = (
			(await owner.db.execute(sql`select id from equipment_donors where name = 'Grand donateur'`)) as unknown as {
				rows: { id: string }[];
			}
		).rows;

		// the donor's report: data, CSV, PDF, each timed, RUNS times (after one warm-up)
		const report = { data: [] as number[], csv: [] as number[], pdf: [] as number[], total: [] as number[], cpu: [] as number[] };
		let sizes = { lines: 0, csvBytes: 0, pdfBytes: 0, ratio: null as number | null };
		for (let i = 0; i <= RUNS; i++) {
			await asRequest(coordinator, async () => {
				const cpu0 = process.cpuUsage();
				const t0 = performance.now();
				const r = await donorReport(db, coordinator, big.id, 2025);
				const t1 = performance.now();
				const csv = donorReportCsv(r);
				const t2 = performance.now();
				const pdf = await donorReportPdfFile(db, r);
				const t3 = performance.now();
				const cpu = process.cpuUsage(cpu0);
				sizes = { lines: r.lines.length, csvBytes: Buffer.byteLength(csv), pdfBytes: pdf.length, ratio: r.figures.ratio };
				if (i === 0) return; // warm-up
				report.data.push(t1 - t0);
				report.csv.push(t2 - t1);
				report.pdf.push(t3 - t2);
				report.total.push(t3 - t0);
				report.cpu.push((cpu.user + cpu.system) / 1000);
			});
		}
		const donor = {
			...sizes,
			dataMs: stats(report.data),
			csvMs: stats(report.csv),
			pdfMs: stats(report.pdf),
			totalMs: stats(report.total),
			/** the process's own CPU time for the whole report (what a free core would take, about) */
			processCpuMs: stats(report.cpu)
		};
		log(`[equipment] donor report: ${JSON.stringify(donor)}`);

		const stockAll = await timed(refurbisher, CALLS, async () => {
			const home = await equipmentHome(db, refurbisher);
			await stockOf(db, refurbisher, home.refurbishers[0].id, { status: null, limit: 100 });
		});
		const stockAvailable = await timed(refurbisher, CALLS, async () => {
			const home = await equipmentHome(db, refurbisher);
			await stockOf(db, refurbisher, home.refurbishers[0].id, { status: 'available', limit: 100 });
		});
		log(`[equipment] stock page: all ${JSON.stringify(stockAll)}, available ${JSON.stringify(stockAvailable)}`);
		let listed = 0;
		let mine = 0;
		const waitingPage = await timed(prescriber, CALLS, async () => {
			const [, m, areas] = await Promise.all([requestFormChoices(db, prescriber), requestsOfMyStructures(db, prescriber), waitingAreas(db, prescriber)]);
			const list = await waitingList(db, prescriber, areas[0].departmentCode, areas[0].id);
			listed = list.length;
			mine = m.length;
		});
		log(`[equipment] requests page with a waiting list (${listed} shown, ${mine} of the structure's requests): ${JSON.stringify(waitingPage)}`);
		const result = {
			machine: {
				cpus: cpus().length,
				model: cpus()[0]?.model,
				memoryGiB: Math.round(totalmem() / 2 ** 30),
				loadAverage: loadavg().map((l) => Math.round(l * 100) / 100)
			},
			generated: { ...counts, ms: generateMs },
			donorReport: donor,
			stockPage: { all: stockAll, available: stockAvailable },
			requestsPage: { ...waitingPage, waitingShown: listed, structureRequests: mine },
			targets: { donorReportMs: 1000, pageP95Ms: 100 },
			met: {
				donorReport: donor.totalMs.p50 <= 1000,
				stockPage: stockAll.p95 <= 100 && stockAvailable.p95 <= 100,
				requestsPage: waitingPage.p95 <= 100
			}
		};
		log(`[equipment] ${JSON.stringify(result)}`);
		return result;
	} finally {
		// closing the request pool closes its owner too
		await (request ?? owner).close();
		if (process.env.BENCH_EQUIPMENT_KEEP !== '1') {
			const a = new pg.Client({ connectionString: pgAdmin });
			await a.connect();
			await a.query(`drop database if exists ${DB_NAME} with (force)`);
			await a.end();
		}
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	equipmentBench(process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', (m) => process.stderr.write(m + '\n'))
		.then((r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'))
		.catch((e) => {
			console.error(e);
			process.exit(1);
		});
}
