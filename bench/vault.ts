/**
 * Issue 15's vault storage: what encryption costs on top of storing.
 * - write: encrypt + store on disk (chunked AES-256-GCM, then temp file, fsync, rename) vs
 *   storing the same bytes as they are, through the same store, for 1, 10 and 50 MB;
 * - read: read + decrypt vs plain read of the same store (the page cache is warm for both);
 * - raw AES-256-GCM throughput of this machine (in memory), to read the figures against;
 * - memory growth (RSS, V8 heap, Buffers) while encrypting and storing 100 MB, measured in a
 *   fresh child process after a forced GC.
 * Each timing is the best of BENCH_VAULT_RUNS (default 11) runs, plain and encrypted taken
 * in turn so that both meet the same disk. Targets: overhead ≤ 10 %, memory growth ≤ 64 MB.
 *
 * Alone: `npx tsx bench/vault.ts` (prints JSON); in `npm run bench`: BENCH_ONLY=vault.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fileBlobStore, type BlobStore } from '../src/lib/server/vault/store/blobs.ts';
import { decryptStream, encryptStream } from '../src/lib/server/vault/store/cipher.ts';

const MB = 1024 * 1024;
const RUNS = Number(process.env.BENCH_VAULT_RUNS ?? 11);
const SIZES = [1, 10, 50];
const MEMORY_MB = 100;
const AAD = 'bench:document';

/** Chains streams, every error reaching the last one. */
const chain = (a: Readable, b: NodeJS.ReadWriteStream): Readable => pipeline(a, b, () => undefined) as unknown as Readable;

async function drain(stream: Readable): Promise<number> {
	let n = 0;
	for await (const c of stream) n += (c as Buffer).length;
	return n;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
	const t0 = performance.now();
	await fn();
	return performance.now() - t0;
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const overhead = (enc: number, plain: number) => round(((enc - plain) / plain) * 100);
const mbps = (bytes: number, ms: number) => round(bytes / MB / (ms / 1000), 0);

/** In-memory AES-256-GCM through the stream cipher, both ways, MB/s (best of RUNS). */
async function cipherThroughput() {
	const key = randomBytes(32);
	const plain = randomBytes(50 * MB);
	const pieces = () => Readable.from(Array.from({ length: 50 * 16 }, (_, i) => plain.subarray(i * 64 * 1024, (i + 1) * 64 * 1024)));
	const sealedParts: Buffer[] = [];
	for await (const c of chain(pieces(), encryptStream(key, AAD))) sealedParts.push(c as Buffer);
	const sealed = sealedParts;
	let enc = Infinity;
	let dec = Infinity;
	for (let i = 0; i < RUNS; i++) {
		enc = Math.min(enc, await time(() => drain(chain(pieces(), encryptStream(key, AAD)))));
		dec = Math.min(dec, await time(() => drain(chain(Readable.from(sealed), decryptStream(key, AAD)))));
	}
	// what a document costs in CPU time, whatever the disk or the network
	return { encryptMBps: mbps(plain.length, enc), decryptMBps: mbps(plain.length, dec), encryptMsPerMB: round(enc / 50, 2), decryptMsPerMB: round(dec / 50, 2) };
}

async function sizeBench(dir: string, store: BlobStore, mb: number, log: (m: string) => void) {
	const src = join(dir, `source-${mb}.bin`);
	writeFileSync(src, randomBytes(mb * MB));
	const key = randomBytes(32);
	const best = { plainWrite: Infinity, encWrite: Infinity, plainRead: Infinity, encRead: Infinity };
	for (let i = 0; i < RUNS; i++) {
		best.plainWrite = Math.min(best.plainWrite, await time(() => store.put(`plain/${mb}`, createReadStream(src))));
		best.encWrite = Math.min(best.encWrite, await time(() => store.put(`sealed/${mb}`, chain(createReadStream(src), encryptStream(key, AAD)))));
		best.plainRead = Math.min(best.plainRead, await time(async () => drain(await store.get(`plain/${mb}`))));
		best.encRead = Math.min(best.encRead, await time(async () => drain(chain(await store.get(`sealed/${mb}`), decryptStream(key, AAD)))));
	}
	const out = {
		mb,
		writeMs: { plain: round(best.plainWrite), encrypted: round(best.encWrite), overheadPct: overhead(best.encWrite, best.plainWrite) },
		readMs: { plain: round(best.plainRead), decrypted: round(best.encRead), overheadPct: overhead(best.encRead, best.plainRead) },
		writeMBps: { plain: mbps(mb * MB, best.plainWrite), encrypted: mbps(mb * MB, best.encWrite) },
		readMBps: { plain: mbps(mb * MB, best.plainRead), decrypted: mbps(mb * MB, best.encRead) }
	};
	log(`[vault] ${mb} MB: ${JSON.stringify(out)}`);
	rmSync(src);
	return out;
}

/** Run in a fresh process with --expose-gc: growth while 100 MB are encrypted and stored. */
async function memoryChild(): Promise<void> {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) throw new Error('run with --expose-gc');
	const dir = mkdtempSync(join(tmpdir(), 'maillage-bench-vault-mem-'));
	try {
		const store = fileBlobStore(join(dir, 'vault'));
		const piece = randomBytes(MB);
		// warm up the code paths, then measure from a collected heap
		await store.put('warm', chain(Readable.from([piece]), encryptStream(randomBytes(32), AAD)));
		gc();
		const base = process.memoryUsage();
		const peak = { rss: base.rss, heapUsed: base.heapUsed, arrayBuffers: base.arrayBuffers };
		const sample = () => {
			const m = process.memoryUsage();
			peak.rss = Math.max(peak.rss, m.rss);
			peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
			peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
		};
		const timer = setInterval(sample, 5);
		let sent = 0;
		const source = new Readable({
			read() {
				sample();
				if (sent >= MEMORY_MB) return void this.push(null);
				sent++;
				this.push(piece);
			}
		});
		const { bytes } = await store.put('big', chain(source, encryptStream(randomBytes(32), AAD)));
		clearInterval(timer);
		sample();
		const growth = (k: keyof typeof peak) => round((peak[k] - base[k]) / MB);
		process.stdout.write(
			JSON.stringify({
				plainMB: MEMORY_MB,
				storedBytes: bytes,
				growthMB: { rss: growth('rss'), heapUsed: growth('heapUsed'), buffers: growth('arrayBuffers') }
			})
		);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

function memoryBench(log: (m: string) => void) {
	const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', fileURLToPath(import.meta.url), '--memory-child'], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit']
	});
	if (r.status !== 0) throw new Error(`vault memory bench failed (${r.status})`);
	const out = JSON.parse(r.stdout);
	log(`[vault] memory while encrypting and storing ${MEMORY_MB} MB: ${JSON.stringify(out)}`);
	return out;
}

export async function vaultBench(log: (m: string) => void) {
	const dir = mkdtempSync(join(tmpdir(), 'maillage-bench-vault-'));
	try {
		const store = fileBlobStore(join(dir, 'vault'));
		const cipher = await cipherThroughput();
		log(`[vault] AES-256-GCM stream cipher in memory: ${JSON.stringify(cipher)}`);
		const sizes = [];
		for (const mb of SIZES) sizes.push(await sizeBench(dir, store, mb, log));
		return { runs: RUNS, cipher, sizes, memory: memoryBench(log), targets: { overheadPct: 10, memoryGrowthMB: 64 } };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const run = process.argv.includes('--memory-child')
		? memoryChild()
		: vaultBench((m) => process.stderr.write(m + '\n')).then((r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'));
	run.catch((e) => {
		console.error(e);
		process.exit(1);
	});
}
