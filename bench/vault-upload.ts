/**
 * Issue 15's vault, as a person feels it (bench/vault.ts measures the cipher and the store alone):
 * 1. end to end: depositDocument then openDocument (read to the end) of a scanned PDF of 1,
 *    10 and 50 MB, encrypted vs the same path with the stream cipher replaced by a plain copy
 *    (bench/plain-cipher.ts, swapped in by module hooks: same checks, thumbnail, store,
 *    database and journal); each in a fresh process on an embedded database on disk;
 *    then the same upload over HTTP: a multipart POST to /mon-espace/documents/ajouter and a GET of
 *    /mon-espace/documents/<id>/fichier on the built server (scripts/start.mjs), with a person's session;
 * 2. memory growth (RSS, V8 heap, Buffers) while 100 MB are deposited (10 PDFs of 10 MB),
 *    in a fresh process after a forced GC; and the HTTP server's peak RSS during the uploads;
 * 3. exportVault of a vault of 50 PDFs of 10 MB (≈ 500 MB) to a discarded stream: time, memory;
 * 4. Mon espace's pages: gzip bytes (HTML and its CSS/JS) with a seeded person and Lighthouse
 *    (mobile) on a few of them.
 * Timings: best and median of BENCH_UPLOAD_RUNS (default 5). MB here is 10^6 bytes.
 *
 * Alone: `npx tsx bench/vault-upload.ts` (needs `npm run build`; prints JSON); in `npm run bench`:
 * BENCH_ONLY=vault-upload. BENCH_UPLOAD_PARTS (comma list: e2e,memory,export,http,pages,lighthouse).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { PDFDocument } from 'pdf-lib';
import { openDatabase, type Database } from '../src/lib/server/db/client.ts';
import { projectRoot, sharedDataDir } from '../src/lib/server/paths.ts';

const MB = 1_000_000;
const RUNS = Number(process.env.BENCH_UPLOAD_RUNS ?? 5);
const SIZES = [1, 10, 50];
const PARTS = new Set((process.env.BENCH_UPLOAD_PARTS ?? 'e2e,memory,export,http,pages,lighthouse').split(','));
const PORT = Number(process.env.BENCH_UPLOAD_PORT ?? 4331);
const root = projectRoot();
const self = fileURLToPath(import.meta.url);
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const stats = (ms: number[]) => {
	const s = [...ms].sort((a, b) => a - b);
	return { best: round(s[0]), median: round(s[Math.floor(s.length / 2)]) };
};
const pct = (a: number, b: number) => round(((a - b) / b) * 100);

/** A scanned paper as a phone app makes it: one JPEG per page (grain, ≈ 0.25 MB each), about `bytes` in all. */
export async function scannedPdf(bytes: number): Promise<Buffer> {
	const side = 520;
	const page = await sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } })
		.jpeg({ quality: 90 })
		.toBuffer();
	const pdf = await PDFDocument.create();
	const pages = Math.max(1, Math.round((bytes * 0.98) / page.length));
	for (let i = 0; i < pages; i++) {
		const image = await pdf.embedJpg(page);
		pdf.addPage([595.28, 841.89]).drawImage(image, { x: 0, y: 0, width: 595.28, height: 841.89 });
	}
	return Buffer.from(await pdf.save());
}

/** A person of the CCAS de Nérac, with an embedded database and a vault (key file, blobs) in `dir`. */
async function seedPerson(dir: string): Promise<{ database: Database; personId: string }> {
	const { loadTerritory } = await import('../src/lib/server/territory/index.ts');
	const { createOrganisation, addMember, actorFor } = await import('../src/lib/server/accounts/index.ts');
	const { createBeneficiary } = await import('../src/lib/server/beneficiaries/index.ts');
	const database = await openDatabase({ dataDir: join(dir, 'pglite') });
	await loadTerritory(database, { sharedDir: sharedDataDir() });
	const org = (await createOrganisation(database, null, { name: 'CCAS de Nérac', kind: 'ccas', departmentCode: '47' })).id;
	const { userId } = await addMember(database, null, {
		email: 'pres@ccas.test',
		displayName: 'Pat',
		organisationId: org,
		role: 'prescriber',
		password: 'une phrase de passe solide'
	});
	const r = await createBeneficiary(database, await actorFor(database.db, userId, true), {
		organisationId: org,
		confirmNew: true,
		form: { firstName: 'Odette', lastName: 'Garrigues', birthYear: '1958', commune: 'Agen', preferredContact: 'none' }
	});
	if (r.status !== 'created') throw new Error(`bench: person not created (${r.status})`);
	return { database, personId: r.id };
}

async function vaultWorld(dir: string) {
	const vault = await import('../src/lib/server/vault/index.ts');
	const { loadMasterKeys } = await import('../src/lib/server/vault/store/keys.ts');
	const { fileBlobStore } = await import('../src/lib/server/vault/store/blobs.ts');
	vault.setVaultRuntime({ keys: loadMasterKeys({ env: {}, dataDir: dir, create: true }), blobs: fileBlobStore(join(dir, 'vault')) });
	const { database, personId } = await seedPerson(dir);
	const me = { kind: 'person' as const, beneficiaryIds: [personId], ip: '192.0.2.1' };
	const deposit = (pdf: Buffer, title = 'Avis d’imposition') => vault.depositDocument(database, me, { type: 'avis_imposition', title, parts: [pdf] });
	return { vault, database, me, deposit };
}

const discard = () =>
	new Writable({
		write(_c, _e, cb) {
			cb();
		}
	});

async function drain(stream: NodeJS.ReadableStream): Promise<number> {
	let n = 0;
	for await (const c of stream) n += (c as Buffer).length;
	return n;
}

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
	const t = performance.now();
	const out = await f();
	return [performance.now() - t, out];
}

/** Peak growth over a baseline taken after a forced GC (the child runs with --expose-gc). */
function memoryWatch() {
	(globalThis as { gc?: () => void }).gc!();
	const base = process.memoryUsage();
	const peak = { rss: base.rss, heapUsed: base.heapUsed, arrayBuffers: base.arrayBuffers };
	const sample = () => {
		const m = process.memoryUsage();
		peak.rss = Math.max(peak.rss, m.rss);
		peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
		peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
	};
	const timer = setInterval(sample, 5);
	return {
		sample,
		stop() {
			clearInterval(timer);
			sample();
			const g = (k: keyof typeof peak) => round((peak[k] - base[k]) / 2 ** 20);
			return { rssMiB: g('rss'), heapUsedMiB: g('heapUsed'), buffersMiB: g('arrayBuffers') };
		}
	};
}

// ——— the children (one fresh process each) ———

async function childE2e(mode: string) {
	const dir = mkdtempSync(join(tmpdir(), `maillage-bench-upload-${mode}-`));
	try {
		const { vault, database, me, deposit } = await vaultWorld(dir);
		const { prepareDocument } = await import('../src/lib/server/vault/files/prepare.ts');
		await deposit(await scannedPdf(0.2 * MB)); // warm-up: code paths, poppler
		const out = [];
		for (const mb of SIZES) {
			const pdf = await scannedPdf(mb * MB);
			const t = { prepare: [] as number[], deposit: [] as number[], open: [] as number[] };
			for (let i = 0; i < RUNS; i++) {
				t.prepare.push((await timed(() => prepareDocument([pdf])))[0]);
				const [dep, { id }] = await timed(() => deposit(pdf));
				t.deposit.push(dep);
				const [open, n] = await timed(async () => drain((await vault.openDocument(database, me, id, 'download')).stream));
				if (n !== pdf.length) throw new Error('bench: the document read back is not the one sent');
				t.open.push(open);
				await vault.deleteDocument(database, me, id);
			}
			out.push({ mb, bytes: pdf.length, prepareMs: stats(t.prepare), depositMs: stats(t.deposit), openMs: stats(t.open) });
		}
		// the plain runs must really be plain: what the store holds is the PDF's own size
		const { id } = await deposit(await scannedPdf(1 * MB));
		const { vaultDocuments } = await import('../src/lib/server/vault/db.ts');
		const { eq } = await import('drizzle-orm');
		const [row] = await database.privileged.db
			.select({ blob: vaultDocuments.blob, bytes: vaultDocuments.bytes })
			.from(vaultDocuments)
			.where(eq(vaultDocuments.id, id));
		const stored = readFileSync(join(dir, 'vault', `${row.blob}.blob`)).length;
		await database.close();
		process.stdout.write(JSON.stringify({ mode, storedOverPlain: stored - row.bytes, sizes: out }));
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

async function childMemory() {
	const dir = mkdtempSync(join(tmpdir(), 'maillage-bench-upload-mem-'));
	try {
		const { database, deposit } = await vaultWorld(dir);
		const pdf = await scannedPdf(10 * MB);
		await deposit(await scannedPdf(1 * MB));
		const watch = memoryWatch();
		const [ms] = await timed(async () => {
			for (let i = 0; i < 10; i++) await deposit(pdf, `Document ${i + 1}`);
		});
		const growth = watch.stop();
		await database.close();
		process.stdout.write(JSON.stringify({ documents: 10, bytesEach: pdf.length, totalMB: round((10 * pdf.length) / MB), ms: Math.round(ms), growth }));
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

async function childExport() {
	const dir = mkdtempSync(join(tmpdir(), 'maillage-bench-upload-export-'));
	try {
		const { vault, database, me, deposit } = await vaultWorld(dir);
		const pdf = await scannedPdf(10 * MB);
		const [fillMs] = await timed(async () => {
			for (let i = 0; i < 50; i++) await deposit(pdf, `Document ${i + 1}`);
		});
		const watch = memoryWatch();
		let zipBytes = 0;
		const [ms] = await timed(async () => {
			const { stream } = await vault.exportVault(database, me, (a) => a);
			stream.on('data', (c: Buffer) => {
				zipBytes += c.length;
				watch.sample();
			});
			await pipeline(stream, discard());
		});
		const growth = watch.stop();
		await database.close();
		process.stdout.write(
			JSON.stringify({
				documents: 50,
				vaultMB: round((50 * pdf.length) / MB),
				depositAllMs: Math.round(fillMs),
				exportMs: Math.round(ms),
				zipMB: round(zipBytes / MB),
				exportMBps: round((50 * pdf.length) / MB / (ms / 1000)),
				growth
			})
		);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

function child(args: string[], plain = false) {
	const hooks = plain ? ['--import', pathToFileURL(join(root, 'bench', 'plain-cipher-register.mjs')).href] : [];
	const r = spawnSync(process.execPath, ['--import', 'tsx', ...hooks, '--expose-gc', self, ...args], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
		env: { ...process.env, LOG_LEVEL: 'error' },
		maxBuffer: 1 << 24
	});
	if (r.status !== 0) throw new Error(`bench child ${args.join(' ')} failed (${r.status})`);
	return JSON.parse(r.stdout);
}

// ——— over HTTP, on the built server ———

function startServer(env: Record<string, string>): Promise<ChildProcess> {
	return new Promise((resolve, reject) => {
		// as `npm start` serves it (its origin checks and body limit; it builds first when the build is older than the sources)
		const server = spawn(process.execPath, [join(root, 'scripts', 'start.mjs')], {
			env: {
				...process.env,
				PORT: String(PORT),
				HOST: '127.0.0.1',
				ORIGIN: `http://127.0.0.1:${PORT}`,
				MAILLAGE_DEMO: '0',
				LOG_REQUESTS: '0',
				MAILLAGE_ROOT: root,
				...env
			},
			stdio: ['ignore', 'ignore', 'inherit']
		});
		const deadline = Date.now() + 120_000;
		const poll = async () => {
			try {
				if ((await fetch(`http://127.0.0.1:${PORT}/mon-espace/connexion`)).ok) return resolve(server);
			} catch {
				/* not yet */
			}
			if (Date.now() > deadline) return reject(new Error('server did not start'));
			setTimeout(poll, 300);
		};
		server.on('exit', (code) => code && reject(new Error(`server exited ${code}`)));
		poll();
	});
}

const status = (pid: number, field: string) =>
	Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function pageBytes(base: string, path: string, cookie: string | null) {
	const res = await fetch(base + path, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
	const html = await res.text();
	const htmlGzip = gzipSync(html).length;
	const assets = [...html.matchAll(/<(?:link[^>]+href|script[^>]+src)="([^"]+)"/g)].map((m) => m[1]).filter((u) => /\.(css|js)(\?|$)/.test(u));
	let assetsGzip = 0;
	for (const a of new Set(assets)) assetsGzip += gzipSync(Buffer.from(await (await fetch(new URL(a, base + path))).arrayBuffer())).length;
	return { path, status: res.status, htmlGzip, assetsGzip, totalGzip: htmlGzip + assetsGzip, kb: round((htmlGzip + assetsGzip) / 1024) };
}

async function httpBench(log: (m: string) => void) {
	const dir = mkdtempSync(join(tmpdir(), 'maillage-bench-upload-http-'));
	const base = `http://127.0.0.1:${PORT}`;
	let server: ChildProcess | undefined;
	const out: Record<string, unknown> = {};
	try {
		// the person and their session, written before the server opens the embedded database
		const { database, personId } = await seedPerson(dir);
		const { openPersonSession, PERSON_COOKIE } = await import('../src/lib/server/beneficiaries/index.ts');
		const cookie = `${PERSON_COOKIE}=${await openPersonSession(database, [personId], { ip: '192.0.2.1', userAgent: 'bench' })}`;
		await database.close();
		server = await startServer({ DATA_DIR: dir, DATABASE_URL: '' });
		const pid = server.pid!;
		const rssStart = status(pid, 'VmRSS');
		const ids = async () =>
			new Set(
				[...(await (await fetch(`${base}/mon-espace/documents`, { headers: { cookie } })).text()).matchAll(/\/mon-espace\/documents\/([0-9a-f-]{36})/g)].map(
					(m) => m[1]
				)
			);
		const upload = async (pdf: Buffer, title: string) => {
			const form = new FormData();
			form.set('type', 'avis_imposition');
			form.set('titre', title);
			form.set('fichier', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), 'scan.pdf');
			const res = await fetch(`${base}/mon-espace/documents/ajouter`, {
				method: 'POST',
				body: form,
				headers: { cookie, origin: base, accept: 'text/html' },
				redirect: 'manual'
			});
			const body = await res.text();
			if (res.status !== 303)
				throw new Error(
					`upload refused: ${res.status} ${body
						.replace(/<[^>]+>/g, ' ')
						.replace(/\s+/g, ' ')
						.slice(0, 1500)}`
				);
		};
		if (PARTS.has('http')) {
			await upload(await scannedPdf(0.2 * MB), 'Essai'); // warm-up
			const sizes = [];
			for (const mb of SIZES) {
				const pdf = await scannedPdf(mb * MB);
				const up: number[] = [];
				const down: number[] = [];
				for (let i = 0; i < RUNS; i++) {
					const before = await ids();
					up.push((await timed(() => upload(pdf, `Scan ${mb} Mo ${i + 1}`)))[0]);
					const id = [...(await ids())].find((x) => !before.has(x))!;
					const [ms, n] = await timed(async () => {
						const res = await fetch(`${base}/mon-espace/documents/${id}/fichier`, { headers: { cookie } });
						return drain(res.body as unknown as NodeJS.ReadableStream);
					});
					if (n !== pdf.length) throw new Error('bench: the download is not the document');
					down.push(ms);
				}
				sizes.push({ mb, bytes: pdf.length, uploadMs: stats(up), downloadMs: stats(down) });
				log(`[vault-upload] HTTP ${mb} MB: ${JSON.stringify(sizes.at(-1))}`);
			}
			out.http = { sizes, serverRssMiB: { start: round(rssStart), peak: round(status(pid, 'VmHWM')) } };
		} else await upload(await scannedPdf(1 * MB), 'Avis d’imposition 2026');
		const docId = [...(await ids())][0];
		const pages = [
			'/mon-espace',
			'/mon-espace/orientations',
			'/mon-espace/pass',
			'/mon-espace/documents',
			`/mon-espace/documents/${docId}`,
			'/mon-espace/documents/ajouter',
			'/mon-espace/acces',
			'/mon-espace/journal',
			'/mon-espace/securite',
			'/mon-espace/mandats'
		];
		if (PARTS.has('pages')) {
			const list = [];
			for (const p of pages) list.push(await pageBytes(base, p, cookie));
			list.push(await pageBytes(base, '/mon-espace/connexion', null));
			out.pages = list;
			log(`[vault-upload] pages: ${list.map((p) => `${p.path.replace(docId, '<id>')} ${p.status} ${p.kb} KB`).join(', ')}`);
		}
		if (PARTS.has('lighthouse')) {
			const { lighthouseScores } = await import('./lighthouse.ts');
			const lh: Record<string, unknown> = {};
			for (const p of ['/mon-espace', '/mon-espace/documents', `/mon-espace/documents/${docId}`, '/mon-espace/documents/ajouter'])
				lh[p.replace(docId, '<id>')] = await lighthouseScores(base + p, { Cookie: cookie });
			lh['/mon-espace/connexion'] = await lighthouseScores(`${base}/mon-espace/connexion`);
			out.lighthouse = lh;
			log(`[vault-upload] lighthouse: ${JSON.stringify(lh)}`);
		}
		return out;
	} finally {
		server?.kill('SIGTERM');
		await new Promise((r) => setTimeout(r, 500));
		rmSync(dir, { recursive: true, force: true });
	}
}

export async function vaultUploadBench(log: (m: string) => void) {
	process.env.SECRET_KEY ||= randomBytes(32).toString('base64');
	const results: Record<string, unknown> = { runs: RUNS, mb: '10^6 bytes' };
	if (PARTS.has('e2e')) {
		const enc = child(['--child', 'e2e', 'encrypted']);
		log(`[vault-upload] end to end, encrypted: ${JSON.stringify(enc)}`);
		const plain = child(['--child', 'e2e', 'plain'], true);
		log(`[vault-upload] end to end, plain: ${JSON.stringify(plain)}`);
		if (enc.storedOverPlain <= 0 || plain.storedOverPlain !== 0) throw new Error('bench: the plain run is not plain, or the encrypted one not encrypted');
		results.e2e = SIZES.map((mb, i) => {
			const e = enc.sizes[i];
			const p = plain.sizes[i];
			return {
				mb,
				bytes: e.bytes,
				prepareMs: e.prepareMs,
				depositMs: { encrypted: e.depositMs, plain: p.depositMs, overheadPct: pct(e.depositMs.best, p.depositMs.best) },
				openMs: { encrypted: e.openMs, plain: p.openMs, overheadPct: pct(e.openMs.best, p.openMs.best) },
				roundTripOverheadPct: pct(e.depositMs.best + e.openMs.best, p.depositMs.best + p.openMs.best)
			};
		});
	}
	if (PARTS.has('memory')) results.memory = child(['--child', 'memory']);
	if (PARTS.has('memory')) log(`[vault-upload] memory, 100 MB deposited: ${JSON.stringify(results.memory)}`);
	if (PARTS.has('export')) results.export = child(['--child', 'export']);
	if (PARTS.has('export')) log(`[vault-upload] export: ${JSON.stringify(results.export)}`);
	if (PARTS.has('http') || PARTS.has('pages') || PARTS.has('lighthouse')) Object.assign(results, await httpBench(log));
	results.targets = { overheadPct: 10, exportSeconds: 60, pageKBGzip: 30, lighthousePerformance: 95, lighthouseAccessibility: 100 };
	return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const i = process.argv.indexOf('--child');
	const what = i > 0 ? process.argv[i + 1] : null;
	const run =
		what === 'e2e'
			? childE2e(process.argv[i + 2])
			: what === 'memory'
				? childMemory()
				: what === 'export'
					? childExport()
					: vaultUploadBench((m) => process.stderr.write(m + '\n')).then((r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'));
	run.then(
		() => process.exit(0),
		(e) => {
			console.error(e);
			process.exit(1);
		}
	);
}
