/**
 * The vault's file layer (issue 15), timed on this machine:
 *   - normalizePhoto on a 12-million-pixel phone photo (4000 × 3000, grainy like a real one);
 *   - prepareDocument of 10 such photos (one PDF of 10 pages);
 *   - inspectPdf and thumbnail on a 50-page scanned PDF (one photo per page, ~20 MB).
 *
 *   npx tsx bench/vault-files.ts          (BENCH_RUNS=5 by default; the median is printed)
 *
 * Not part of `npm run bench` (no server, no database): run it after changing the files layer.
 */
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { PDFDocument } from 'pdf-lib';
import { normalizePhoto } from '../src/lib/server/vault/files/photos.ts';
import { inspectPdf } from '../src/lib/server/vault/files/pdf.ts';
import { thumbnail } from '../src/lib/server/vault/files/thumbnails.ts';
import { prepareDocument } from '../src/lib/server/vault/files/prepare.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

/** a photo-like picture: smooth blotches and grain, as a phone's sensor gives, then a JPEG of quality 92 */
async function phonePhoto(width: number, height: number, seed: number): Promise<Buffer> {
	const w = Math.ceil(width / 8);
	const h = Math.ceil(height / 8);
	let x = seed * 7919 + 1;
	const rand = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648) * 256;
	const small = Buffer.from(Array.from({ length: w * h * 3 }, rand));
	return sharp(small, { raw: { width: w, height: h, channels: 3 } })
		.resize(width, height, { kernel: 'cubic' })
		.sharpen({ sigma: 1.5 })
		.jpeg({ quality: 92 })
		.withMetadata({ orientation: 6 })
		.toBuffer();
}

async function timed<T>(label: string, f: () => Promise<T>): Promise<T> {
	const ms: number[] = [];
	let out!: T;
	for (let i = 0; i < RUNS; i++) {
		const t = performance.now();
		out = await f();
		ms.push(performance.now() - t);
	}
	ms.sort((a, b) => a - b);
	console.log(
		`${label}: median ${Math.round(ms[Math.floor(ms.length / 2)])} ms (min ${Math.round(ms[0])}, max ${Math.round(ms[ms.length - 1])}, ${RUNS} runs)`
	);
	return out;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

const photo = await phonePhoto(4000, 3000, 1);
console.log(`12 MP photo: ${mb(photo.length)}`);
const normalized = await timed('normalizePhoto, 12 MP', () => normalizePhoto(photo));
console.log(`  → ${normalized.width} × ${normalized.height}, ${mb(normalized.jpeg.length)}`);
await timed('thumbnail of a 12 MP photo', () => thumbnail(photo, 'image/jpeg'));

const ten = await Promise.all(Array.from({ length: 10 }, (_, i) => phonePhoto(4000, 3000, i + 2)));
const doc = await timed('prepareDocument, 10 photos of 12 MP → one PDF', () => prepareDocument(ten));
console.log(`  → ${doc.pages} pages, ${mb(doc.bytes.length)}, thumbnail ${doc.thumbnail.length} bytes`);

const pdf = await PDFDocument.create();
for (let i = 0; i < 50; i++) {
	const page = await normalizePhoto(await phonePhoto(2480, 3508, 100 + i));
	const image = await pdf.embedJpg(page.jpeg);
	pdf.addPage([595.28, 841.89]).drawImage(image, { x: 0, y: 0, width: 595.28, height: 841.89 });
}
const scanned = Buffer.from(await pdf.save());
console.log(`50-page scanned PDF: ${mb(scanned.length)}`);
await timed('inspectPdf, 50 pages', () => inspectPdf(scanned));
const small = await timed('thumbnail of a 50-page PDF (first page, pdftoppm)', () => thumbnail(scanned, 'application/pdf'));
console.log(`  → ${small.length} bytes`);
