/**
 * Issue 5's booklet benchmark: the printable Pass Numérique booklets for 10,000 vouchers
 * (1,000 booklets of 10), in A4 sheets and in A6 booklets (target: ≤ 30 s each, memory
 * bounded), written with `writeBookletsPdf` into a file under the system's temporary
 * directory, as an HTTP response would receive it.
 *
 * Each format runs in a child process of its own (this file, with
 * BENCH_BOOKLETS_CHILD=a4|a6), so that its peak resident memory (maxRSS) is its own:
 * the RSS before the run (Node, the loader, the codes) and the peak are both reported. A
 * smaller run (a tenth) is measured too: the peak barely moving with ten times the
 * vouchers shows what the memory is bounded by. The file is then checked with pdfinfo
 * (page count) when poppler-utils is installed, and removed.
 *
 * Options (env): BENCH_BOOKLETS (number of booklets, 1000), BENCH_BOOKLETS_SIZE (vouchers
 * a booklet, 10).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, rmSync, statSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newCode } from '../src/lib/server/pass/index.ts';
import { writeBookletsPdf, type BookletFormat, type BookletsData } from '../src/lib/server/documents/index.ts';

const BOOKLETS = Number(process.env.BENCH_BOOKLETS ?? 1000);
const SIZE = Number(process.env.BENCH_BOOKLETS_SIZE ?? 10);
const TARGET_S = 30;

interface ChildResult {
	format: BookletFormat;
	vouchers: number;
	ms: number;
	bytes: number;
	rssBeforeMB: number;
	maxRssMB: number;
	pages: number | null;
}

function data(booklets: number): BookletsData {
	return {
		instanceName: 'maillage — Lot-et-Garonne',
		origin: 'https://maillage.lotetgaronne.fr',
		campaign: {
			name: 'Pass Numérique 2026 — Département de Lot-et-Garonne',
			faceValueCents: 1000,
			validUntil: '2026-12-31',
			area: 'Tout le département',
			publics: ['Personnes de plus de 60 ans', 'Allocataires du RSA', 'Jeunes de 16 à 25 ans suivis par la mission locale']
		},
		booklets: Array.from({ length: booklets }, (_, i) => ({ number: i + 1, vouchers: Array.from({ length: SIZE }, () => ({ code: newCode() })) }))
	};
}

/** In the child: one run, its figures as JSON on stdout. */
async function child(format: BookletFormat, booklets: number) {
	const d = data(booklets);
	const file = join(tmpdir(), `maillage-bench-booklets-${process.pid}-${format}.pdf`);
	const rssBefore = process.memoryUsage().rss;
	const t0 = performance.now();
	await writeBookletsPdf(d, format, createWriteStream(file));
	const ms = performance.now() - t0;
	const maxRss = process.resourceUsage().maxRSS * 1024;
	const bytes = statSync(file).size;
	const info = spawnSync('pdfinfo', [file], { encoding: 'utf8' });
	const pages = info.error ? null : Number(/^Pages:\s+(\d+)/m.exec(info.stdout)?.[1] ?? NaN);
	rmSync(file, { force: true });
	const out: ChildResult = {
		format,
		vouchers: booklets * SIZE,
		ms: Math.round(ms),
		bytes,
		rssBeforeMB: Math.round(rssBefore / 2 ** 20),
		maxRssMB: Math.round(maxRss / 2 ** 20),
		pages
	};
	process.stdout.write(JSON.stringify(out) + '\n');
}

function measure(format: BookletFormat, booklets: number): ChildResult {
	const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
		env: { ...process.env, BENCH_BOOKLETS_CHILD: format, BENCH_BOOKLETS: String(booklets) },
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit']
	});
	if (r.status !== 0) throw new Error(`booklets bench (${format}) failed: ${r.status}`);
	return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

export function bookletsBench(log: (m: string) => void) {
	const out: Record<string, unknown> = {
		machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGB: Math.round(totalmem() / 2 ** 30) },
		booklets: BOOKLETS,
		size: SIZE,
		targetSeconds: TARGET_S
	};
	for (const format of ['a4', 'a6'] as const) {
		const small = measure(format, Math.max(1, Math.round(BOOKLETS / 10)));
		const full = measure(format, BOOKLETS);
		const expectedPages = format === 'a6' ? BOOKLETS * (SIZE + 1) : SIZE <= 10 ? Math.ceil(BOOKLETS / Math.floor(10 / SIZE)) : BOOKLETS * Math.ceil(SIZE / 10);
		const s = full.ms / 1000;
		out[format] = { ...full, seconds: Math.round(s * 10) / 10, vouchersPerSecond: Math.round(full.vouchers / s), met: s <= TARGET_S, expectedPages, small };
		log(
			`[booklets] ${format}: ${full.vouchers} vouchers in ${s.toFixed(1)} s (${Math.round(full.vouchers / s)}/s, target ≤ ${TARGET_S} s: ${s <= TARGET_S ? 'met' : 'MISSED'}), ` +
				`${(full.bytes / 2 ** 20).toFixed(1)} MiB, ${full.pages ?? '?'} pages (expected ${expectedPages}), RSS ${full.rssBeforeMB} MiB before, peak ${full.maxRssMB} MiB; ` +
				`${small.vouchers} vouchers: ${(small.ms / 1000).toFixed(1)} s, peak ${small.maxRssMB} MiB`
		);
	}
	return out;
}

const childFormat = process.env.BENCH_BOOKLETS_CHILD;
if (childFormat === 'a4' || childFormat === 'a6') {
	child(childFormat, BOOKLETS).catch((e) => {
		console.error(e);
		process.exit(1);
	});
}
