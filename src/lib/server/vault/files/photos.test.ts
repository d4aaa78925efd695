import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { isDomainError } from '../../errors';
import { normalizePhoto, photosToPdf } from './photos';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../../../../test/fixtures/vault', name));

async function refusal(p: Promise<unknown>): Promise<string> {
	try {
		await p;
	} catch (e) {
		if (isDomainError(e) && e.code === 'invalid') return e.message;
		throw e;
	}
	throw new Error('not refused');
}

async function pixel(jpeg: Buffer, left: number, top: number): Promise<number[]> {
	return [...(await sharp(jpeg).extract({ left, top, width: 1, height: 1 }).raw().toBuffer())];
}

describe('normalizePhoto', () => {
	const phone = fixture('gps-orientation-6.jpg');

	it('drops the GPS position and every other metadata of a phone photo', async () => {
		// the input does say where, when, with what and by whom
		expect(await exifr.gps(phone)).toMatchObject({ latitude: expect.closeTo(44.2096, 3), longitude: expect.closeTo(0.6287, 3) });
		expect((await exifr.parse(phone, { xmp: true })).Artist).toBe('Jeanne Temoin');

		const { jpeg } = await normalizePhoto(phone);
		expect(await exifr.gps(jpeg)).toBeUndefined();
		expect(await exifr.parse(jpeg, { xmp: true, iptc: true, icc: true })).toBeUndefined();
		const meta = await sharp(jpeg).metadata();
		expect(meta.exif).toBeUndefined();
		expect(meta.xmp).toBeUndefined();
		expect(meta.iptc).toBeUndefined();
		expect(meta.icc).toBeUndefined();
		// nor anywhere in the bytes (the JPEG comment, the XMP packet)
		for (const trace of ['Temoin', 'Témoin', 'PhoneMaker', 'GPS', 'Exif', 'http://ns.adobe.com']) expect(jpeg.includes(trace)).toBe(false);
	});

	it('turns a photo upright from its EXIF orientation: stored landscape with orientation 6, it comes out portrait', async () => {
		const stored = await sharp(phone).metadata();
		expect([stored.width, stored.height, stored.orientation]).toEqual([400, 300, 6]);
		const { jpeg, width, height } = await normalizePhoto(phone);
		expect([width, height]).toEqual([300, 400]);
		const out = await sharp(jpeg).metadata();
		expect([out.width, out.height, out.orientation ?? 1]).toEqual([300, 400, 1]);
		// the red band drawn at the top of the paper is at the top, the blue one on the left
		const [r, g, b] = await pixel(jpeg, 150, 20);
		expect(r).toBeGreaterThan(180);
		expect(g + b).toBeLessThan(40);
		const [r2, , b2] = await pixel(jpeg, 10, 300);
		expect(b2).toBeGreaterThan(150);
		expect(r2).toBeLessThan(40);
	});

	it('converts the colours to sRGB through the photo’s own profile (Display P3 here)', async () => {
		const { jpeg } = await normalizePhoto(phone);
		// #d00000 drawn, stored in P3 numbers, read back as sRGB #d00000 (within JPEG noise)
		const [r, g, b] = await pixel(jpeg, 150, 20);
		expect(Math.abs(r - 0xd0)).toBeLessThan(8);
		expect(g).toBeLessThan(10);
		expect(b).toBeLessThan(10);
	});

	it('reduces a large photo to 2,400 pixels on its long side, and keeps a small one as it is', async () => {
		const big = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#eeeeee' } })
			.jpeg()
			.toBuffer();
		const reduced = await normalizePhoto(big);
		expect([reduced.width, reduced.height]).toEqual([2400, 1800]);
		const small = await normalizePhoto(fixture('paper.png'));
		expect([small.width, small.height]).toEqual([320, 240]);
		expect((await sharp(small.jpeg).metadata()).format).toBe('jpeg');
	});

	it('reads PNG and WebP, and makes a transparent part white', async () => {
		expect((await normalizePhoto(fixture('paper.webp'))).height).toBe(320);
		const { jpeg } = await normalizePhoto(fixture('transparent.png'));
		expect(await pixel(jpeg, 100, 60)).toEqual([255, 255, 255]);
	});

	it('keeps nothing glued after the picture (a ZIP archive behind a JPEG)', async () => {
		const polyglot = fixture('polyglot-jpeg-zip.jpg');
		expect(polyglot.includes('PK\x03\x04')).toBe(true);
		const { jpeg } = await normalizePhoto(polyglot);
		expect(jpeg.includes('PK\x03\x04')).toBe(false);
		expect(jpeg.includes('run.sh')).toBe(false);
	});

	it('refuses a decompression bomb before decoding it, in French', async () => {
		const message = await refusal(normalizePhoto(fixture('bomb.png')));
		expect(message).toMatch(/^Cette photo est beaucoup trop grande/);
	});

	it('refuses a damaged photo and what is not a photo, naming it as the caller does', async () => {
		const cut = fixture('gps-orientation-6.jpg').subarray(0, 1200);
		expect(await refusal(normalizePhoto(cut, 'La 2e photo'))).toMatch(/^La 2e photo est abîmée/);
		expect(await refusal(normalizePhoto(fixture('three-pages.pdf')))).toMatch(/n’est pas une image/);
		expect(await refusal(normalizePhoto(fixture('paper.gif')))).toMatch(/n’est pas une image/);
	});
});

describe('photosToPdf', () => {
	it('makes one A4 page per photo, portrait or landscape as the photo is', async () => {
		const photos = await Promise.all(['gps-orientation-6.jpg', 'paper.png', 'paper.webp'].map((n) => normalizePhoto(fixture(n))));
		const pdf = await photosToPdf(photos.map((p) => p.jpeg));
		const doc = await PDFDocument.load(pdf);
		expect(doc.getPageCount()).toBe(3);
		const sizes = doc.getPages().map((p) => p.getSize());
		expect(sizes.map((s) => s.width < s.height)).toEqual([true, false, true]);
		for (const s of sizes) expect([Math.round(Math.min(s.width, s.height)), Math.round(Math.max(s.width, s.height))]).toEqual([595, 842]);
		// poppler reads it as a reader would
		expect(execFileSync('pdfinfo', ['-'], { input: pdf }).toString()).toMatch(/^Pages:\s+3$/m);
	});

	it('says nothing about the person: no author, producer, creator nor dates; the title when given', async () => {
		const { jpeg } = await normalizePhoto(fixture('paper.png'));
		const pdf = await photosToPdf([jpeg, jpeg], { title: 'Avis d’imposition' });
		const info = execFileSync('pdfinfo', ['-'], { input: pdf }).toString();
		expect(info).toMatch(/^Title:\s+Avis d’imposition$/m);
		expect(info).not.toMatch(/^(Author|Producer|Creator|CreationDate|ModDate):/m);
		for (const key of ['/Author', '/Producer', '/Creator', '/CreationDate', '/ModDate', '/ID', 'pdf-lib']) expect(pdf.includes(key)).toBe(false);
		const untitled = await photosToPdf([jpeg]);
		expect(execFileSync('pdfinfo', ['-'], { input: untitled }).toString()).not.toMatch(/^Title:/m);
	});

	it('keeps the JPEG bytes of each photo as they are', async () => {
		const { jpeg } = await normalizePhoto(fixture('gps-orientation-6.jpg'));
		expect((await photosToPdf([jpeg])).includes(jpeg)).toBe(true);
	});
});
