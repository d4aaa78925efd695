/**
 * npm run bench — national-scale benchmarks of issue 2, on PGlite and PostgreSQL:
 *   import rate with full validation (every real file, then synthetic places up to N),
 *   search latency and throughput (JSON and HTML, 1 and 32 clients, autocannon),
 *   bytes transferred (gzip) for /lieux?ou=Agen and a place page, and Lighthouse (mobile).
 * Results: bench/results/<date>.json and a printed Markdown table for docs/benchmarks.md.
 *
 * Options (env): BENCH_TARGETS (pglite,postgres), BENCH_PLACES (default 100000), BENCH_DURATION (s per load run, default 10),
 * BENCH_ONLY (comma list: parse,import,search,auth,care,pass,steering-offer,steering-embedded,booklets,vault,vault-upload,maps,equipment,trainings-ical,trainings-attestations,bytes,lighthouse;
 *   steering on demand only), BENCH_PG_URL (admin URL).
 * care: issue 4's referral inbox and team views on PostgreSQL (bench/care.ts, its own options there).
 * pass: issue 5's redemptions per second on PostgreSQL, with zero double spend (bench/pass.ts, its own options there).
 * trainings-ical: issue 17's iCal feed of 1,000 sessions built (bench/trainings-ical.ts, runnable alone).
 * trainings-attestations: issue 17's attestations of a 200-person session issued and their PDFs built (bench/trainings-attestations.ts, runnable alone).
 * steering-offer: issue 16's offer and fragility pages at 35,000 communes and 100,000 places on PostgreSQL (bench/steering-offer.ts, runnable alone).
 * steering: issue 16's demand, outcomes and partners pages at national scale on PostgreSQL (1M persons, 1M referrals, 10M accompaniments:
 *   about 15 minutes of generation and 45 of refresh, so only when named; bench/steering.ts, its own options there, runnable alone).
 * steering-embedded: every /pilotage page on the embedded database with the demo territory and its activity (bench/steering-embedded.ts, runnable alone).
 * booklets: issue 5's Pass Numérique booklet PDFs, 10,000 vouchers (bench/booklets.ts, its own options there).
 * vault: issue 15's document encryption, write and read overhead and memory (bench/vault.ts, runnable alone).
 * vault-upload: issue 15 as the person feels it: deposit and open end to end and over HTTP, encrypted vs plain,
 *   memory for 100 MB, export of a 500 MB vault, Mon espace's page weights and Lighthouse (bench/vault-upload.ts, runnable alone).
 * equipment: issue 18's donor report for 10,000 devices and stock and requests pages with 100,000 devices on PostgreSQL (bench/equipment.ts, runnable alone).
 * maps: issue 16's SVG maps per département and level: geometry, render time, gzip size (bench/maps.ts, runnable alone).
 */
import { mkdirSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawn, type ChildProcess } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import autocannon from 'autocannon';
import { openDatabase, type Database } from '../src/lib/server/db/client.ts';
import { loadTerritory } from '../src/lib/server/territory/index.ts';
import { importPlaces, countPlaces } from '../src/lib/server/places/index.ts';
import { projectRoot, sharedDataDir } from '../src/lib/server/paths.ts';
import { syntheticPlaces } from './synthetic.ts';

const N = Number(process.env.BENCH_PLACES ?? 100_000);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const ONLY = new Set(
	(
		process.env.BENCH_ONLY ??
		'parse,import,search,auth,care,pass,steering-offer,steering-embedded,booklets,vault,vault-upload,maps,equipment,trainings-ical,trainings-attestations,bytes,lighthouse'
	).split(',')
);
const TARGETS = new Set((process.env.BENCH_TARGETS ?? 'pglite,postgres').split(','));
const PG_ADMIN = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BENCH_DB = 'maillage_bench';
const root = projectRoot();
const shared = sharedDataDir();

const REAL_FILES = [
	'lieux/gironde-33-departement.json',
	'reseaux/france-services-20221201.csv',
	'lieux/conseillers-numeriques-lieux-2022.json',
	'reseaux/conseillers-numeriques-structures-20230405.csv',
	'reseaux/aidants-connect-structures-2024-02.csv',
	'lieux/charente-16-schema-v1.json',
	'lieux/bus-france-services-charente-schema-v1.json',
	'lieux/pyrenees-atlantiques-64-fibre64.json'
];

const results: Record<string, unknown> = { date: new Date().toISOString(), places: N, node: process.version };
const log = (m: string) => process.stderr.write(m + '\n');

async function fill(db: Database, label: string) {
	const t0 = performance.now();
	await loadTerritory(db, { sharedDir: shared });
	const territoryMs = performance.now() - t0;
	let rows = 0;
	let ms = 0;
	const perFile: Record<string, unknown>[] = [];
	for (const f of REAL_FILES) {
		const r = await importPlaces(db, { fileName: f, content: await readFile(join(shared, f)) });
		rows += r.total;
		ms += r.ms;
		perFile.push({
			file: f,
			rows: r.total,
			created: r.created,
			merged: r.merged,
			rejected: r.rejected,
			ms: r.ms,
			rowsPerSecond: Math.round(r.total / (r.ms / 1000))
		});
		log(`[${label}] ${f}: ${r.total} rows in ${r.ms} ms (created ${r.created}, merged ${r.merged}, rejected ${r.rejected})`);
	}
	const real = await countPlaces(db);
	const missing = Math.max(0, N - real);
	let synth = { rows: 0, ms: 0 };
	if (missing) {
		const records = syntheticPlaces(missing, shared);
		const content = JSON.stringify(records);
		const r = await importPlaces(db, { fileName: 'synthetique.json', content });
		synth = { rows: r.total, ms: r.ms };
		log(`[${label}] synthetic: ${r.total} rows in ${r.ms} ms (created ${r.created}, merged ${r.merged}, rejected ${r.rejected})`);
	}
	const total = await countPlaces(db);
	return {
		territoryMs: Math.round(territoryMs),
		realRows: rows,
		realMs: ms,
		realRowsPerSecond: Math.round(rows / (ms / 1000)),
		perFile,
		syntheticRows: synth.rows,
		syntheticMs: synth.ms,
		syntheticRowsPerSecond: synth.rows ? Math.round(synth.rows / (synth.ms / 1000)) : null,
		placesAfter: total
	};
}

async function freshPg(): Promise<string> {
	const admin = new pg.Client({ connectionString: PG_ADMIN });
	await admin.connect();
	await admin.query(`drop database if exists ${BENCH_DB} with (force)`);
	await admin.query(`create database ${BENCH_DB}`);
	await admin.end();
	const u = new URL(PG_ADMIN);
	u.pathname = `/${BENCH_DB}`;
	return u.toString();
}

function startServer(env: Record<string, string>, port: number): Promise<ChildProcess> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [join(root, 'build', 'index.js')], {
			env: {
				...process.env,
				PORT: String(port),
				HOST: '127.0.0.1',
				ORIGIN: `http://127.0.0.1:${port}`,
				MAILLAGE_DEMO: '0',
				LOG_REQUESTS: '0',
				MAILLAGE_ROOT: root,
				...env
			},
			stdio: ['ignore', 'pipe', 'inherit']
		});
		const deadline = Date.now() + 120_000;
		const poll = async () => {
			try {
				const r = await fetch(`http://127.0.0.1:${port}/api/v1/openapi.json`);
				if (r.ok) return resolve(child);
			} catch {
				/* not yet */
			}
			if (Date.now() > deadline) return reject(new Error('server did not start'));
			setTimeout(poll, 300);
		};
		child.stdout!.resume();
		child.on('exit', (code) => code && reject(new Error(`server exited ${code}`)));
		poll();
	});
}

const QUERIES = [
	'Agen',
	'Bordeaux',
	'Périgueux',
	'Cahors',
	'Montauban',
	'Auch',
	'Mont-de-Marsan',
	'Marmande',
	'Villeneuve-sur-Lot',
	'Nérac',
	'47000',
	'33000',
	'Lyon',
	'Lille',
	'Rennes',
	'Strasbourg',
	'Toulouse',
	'Nantes',
	'Brest',
	'Dijon',
	'75011',
	'13001',
	'Limoges',
	'Pau',
	'Bayonne'
];

async function load(url: string, connections: number, paths: string[]) {
	let i = 0;
	const times: number[] = [];
	const r = await new Promise<autocannon.Result>((resolve, reject) => {
		const instance = autocannon(
			{ url, connections, duration: DURATION, requests: [{ setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length] }) }] },
			(err, res) => (err ? reject(err) : resolve(res))
		);
		instance.on('response', (_c, _status, _bytes, ms) => times.push(ms));
	});
	times.sort((a, b) => a - b);
	const q = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] * 100) / 100;
	return {
		connections,
		requests: r.requests.total,
		rps: Math.round(r.requests.average),
		p50: q(50),
		p95: q(95),
		p99: q(99),
		errors: r.errors + r.non2xx
	};
}

async function searchBench(label: string, env: Record<string, string>, port: number) {
	const server = await startServer(env, port);
	try {
		const base = `http://127.0.0.1:${port}`;
		const json = QUERIES.map((q) => `/api/v1/places?ou=${encodeURIComponent(q)}&limit=20`);
		const jsonFiltered = QUERIES.map(
			(q, k) => `/api/v1/places?ou=${encodeURIComponent(q)}&limit=20&service=Aide%20aux%20d%C3%A9marches%20administratives${k % 2 ? '&gratuit=1' : '&ouvert=1'}`
		);
		const html = QUERIES.map((q) => `/lieux?ou=${encodeURIComponent(q)}`);
		// warm up
		await load(base, 4, json).catch(() => null);
		const out: Record<string, unknown> = {};
		for (const c of [1, 32]) {
			out[`json_c${c}`] = await load(base, c, json);
			log(`[${label}] JSON c=${c}: ${JSON.stringify(out[`json_c${c}`])}`);
			out[`json_filtered_c${c}`] = await load(base, c, jsonFiltered);
			log(`[${label}] JSON+filters c=${c}: ${JSON.stringify(out[`json_filtered_c${c}`])}`);
			out[`html_c${c}`] = await load(base, c, html);
			log(`[${label}] HTML c=${c}: ${JSON.stringify(out[`html_c${c}`])}`);
		}
		return out;
	} finally {
		server.kill('SIGTERM');
	}
}

async function bytesOf(base: string, path: string) {
	const res = await fetch(base + path, { headers: { 'accept-encoding': 'gzip' } });
	const html = await res.text();
	const raw = Buffer.byteLength(html);
	const gz = gzipSync(html).length;
	const assets = [...html.matchAll(/<(?:link[^>]+href|script[^>]+src)="([^"]+)"/g)]
		.map((m) => m[1])
		.filter((u) => /\.(css|js)(\?|$)/.test(u) || u.endsWith('/theme.css'));
	let assetGz = 0;
	const list: { url: string; gzip: number }[] = [];
	for (const a of new Set(assets)) {
		const r = await fetch(new URL(a, base + path));
		const body = Buffer.from(await r.arrayBuffer());
		const g = gzipSync(body).length;
		assetGz += g;
		list.push({ url: a, gzip: g });
	}
	return { path, status: res.status, htmlBytes: raw, htmlGzip: gz, assetsGzip: assetGz, totalGzip: gz + assetGz, assets: list };
}

async function main() {
	mkdirSync(join(root, 'bench', 'results'), { recursive: true });
	// one instance secret for this process (it imports and journals) and the servers it starts
	// (they verify the journal's seals at their checkpoints): else each has its DATA_DIR's own
	process.env.SECRET_KEY ||= randomBytes(32).toString('base64');
	const pgliteDir = mkdtempSync(join(tmpdir(), 'maillage-bench-'));
	try {
		if (ONLY.has('import') || ONLY.has('search')) {
			if (TARGETS.has('pglite')) {
				log(`== PGlite: fill to ${N} places`);
				const lite = await openDatabase({ dataDir: join(pgliteDir, 'pglite') });
				results.pglite = { import: await fill(lite, 'pglite') };
				await lite.close();
			}
			if (TARGETS.has('postgres')) {
				log(`== PostgreSQL: fill to ${N} places`);
				const url = await freshPg();
				const pgdb = await openDatabase({ url });
				results.postgres = { import: await fill(pgdb, 'postgres') };
				await pgdb.close();
				if (ONLY.has('search'))
					(results.postgres as Record<string, unknown>).search = await searchBench(
						'postgres',
						{ DATABASE_URL: url, DATA_DIR: mkdtempSync(join(tmpdir(), 'maillage-bench-pg-')) },
						4317
					);
			}
			if (TARGETS.has('pglite') && ONLY.has('search')) {
				(results.pglite as Record<string, unknown>).search = await searchBench('pglite', { DATA_DIR: pgliteDir, DATABASE_URL: '' }, 4318);
			}
		}
		if (ONLY.has('parse')) {
			const { parseBench } = await import('./parse.ts');
			results.parse = parseBench(log);
		}
		if (ONLY.has('auth')) {
			const { authBench } = await import('./auth.ts');
			results.auth = await authBench(PG_ADMIN, log, DURATION);
		}
		if (ONLY.has('care') && TARGETS.has('postgres')) {
			const { careBench } = await import('./care.ts');
			results.care = await careBench(PG_ADMIN, log);
		}
		if (ONLY.has('pass') && TARGETS.has('postgres')) {
			const { passBench } = await import('./pass.ts');
			results.pass = await passBench(PG_ADMIN, log);
		}
		if (ONLY.has('steering-offer') && TARGETS.has('postgres')) {
			const { steeringOfferBench } = await import('./steering-offer.ts');
			results.steeringOffer = await steeringOfferBench(PG_ADMIN, log);
		}
		if (ONLY.has('steering') && TARGETS.has('postgres')) {
			const { steeringBench } = await import('./steering.ts');
			results.steering = await steeringBench(PG_ADMIN, log);
		}
		if (ONLY.has('steering-embedded') && TARGETS.has('pglite')) {
			const { steeringEmbeddedBench } = await import('./steering-embedded.ts');
			results.steeringEmbedded = await steeringEmbeddedBench(log);
		}
		if (ONLY.has('booklets')) {
			const { bookletsBench } = await import('./booklets.ts');
			results.booklets = bookletsBench(log);
		}
		if (ONLY.has('vault')) {
			const { vaultBench } = await import('./vault.ts');
			results.vault = await vaultBench(log);
		}
		if (ONLY.has('vault-upload')) {
			const { vaultUploadBench } = await import('./vault-upload.ts');
			results.vaultUpload = await vaultUploadBench(log);
		}
		if (ONLY.has('maps')) {
			const { mapsBench } = await import('./maps.ts');
			results.maps = await mapsBench(log);
		}
		if (ONLY.has('equipment') && TARGETS.has('postgres')) {
			const { equipmentBench } = await import('./equipment.ts');
			results.equipment = await equipmentBench(PG_ADMIN, log);
		}
		if (ONLY.has('trainings-ical')) {
			const { trainingsIcalBench } = await import('./trainings-ical.ts');
			results.trainingsIcal = trainingsIcalBench(log);
		}
		if (ONLY.has('trainings-attestations')) {
			const { trainingsAttestationsBench } = await import('./trainings-attestations.ts');
			results.trainingsAttestations = await trainingsAttestationsBench(log);
		}
		if (ONLY.has('bytes') || ONLY.has('lighthouse')) {
			// the demo territory, as a newcomer sees it
			const demoDir = mkdtempSync(join(tmpdir(), 'maillage-bench-demo-'));
			const server = await startServer({ DATA_DIR: demoDir, DATABASE_URL: '', MAILLAGE_DEMO: '1' }, 4319);
			try {
				const base = 'http://127.0.0.1:4319';
				const list = await (await fetch(`${base}/api/v1/places?ou=Agen&limit=1`)).json();
				const placePath = `/lieux/${list.data[0].id}`;
				if (ONLY.has('bytes')) {
					const map = await bytesOf(base, '/lieux?ou=Agen&vue=carte');
					// what static/carte.js then loads: Leaflet (script, stylesheet) and the places as GeoJSON
					const extra: { url: string; gzip: number }[] = [];
					const html = await (await fetch(`${base}/lieux?ou=Agen&vue=carte`)).text();
					const api = /data-api="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
					for (const u of ['/vendor/leaflet/leaflet.js', '/vendor/leaflet/leaflet.css', ...(api ? [api] : [])]) {
						const body = Buffer.from(await (await fetch(base + u)).arrayBuffer());
						extra.push({ url: u, gzip: gzipSync(body).length });
					}
					const search = await bytesOf(base, '/lieux?ou=Agen');
					const mapTotal = map.totalGzip + extra.reduce((n, e) => n + e.gzip, 0);
					results.bytes = {
						search,
						place: await bytesOf(base, placePath),
						map: { ...map, loadedByScript: extra, totalGzip: mapTotal, addedOverList: mapTotal - search.totalGzip }
					};
					log(`bytes: ${JSON.stringify(results.bytes)}`);
				}
				if (ONLY.has('lighthouse')) {
					const { lighthouseScores } = await import('./lighthouse.ts');
					results.lighthouse = {
						search: await lighthouseScores(`${base}/lieux?ou=Agen`),
						place: await lighthouseScores(base + placePath)
					};
					log(`lighthouse: ${JSON.stringify(results.lighthouse)}`);
				}
			} finally {
				server.kill('SIGTERM');
				rmSync(demoDir, { recursive: true, force: true });
			}
		}
	} finally {
		rmSync(pgliteDir, { recursive: true, force: true });
	}
	const file = join(root, 'bench', 'results', `${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.json`);
	writeFileSync(file, JSON.stringify(results, null, 2));
	log(`results written to ${file}`);
	process.stdout.write(JSON.stringify(results, null, 2) + '\n');
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
