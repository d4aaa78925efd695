import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { thumbnail } from './thumbnails';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../../../../test/fixtures/vault', name));

async function decoded(jpeg: Buffer) {
	const meta = await sharp(jpeg).metadata();
	expect(meta.format).toBe('jpeg');
	expect(jpeg.length).toBeLessThanOrEqual(12 * 1024);
	expect(meta.exif).toBeUndefined();
	return meta;
}

describe('thumbnail', () => {
	it('of a photo: 240 px wide, upright, a small JPEG', async () => {
		const meta = await decoded(await thumbnail(fixture('gps-orientation-6.jpg'), 'image/jpeg'));
		expect([meta.width, meta.height]).toEqual([240, 320]);
	});

	it('stays under 12 KB for a busy 12-million-pixel photo', async () => {
		// noise is the worst case for JPEG
		const noise = await sharp(Buffer.from(Array.from({ length: 400 * 300 * 3 }, () => Math.floor(Math.random() * 256))), {
			raw: { width: 400, height: 300, channels: 3 }
		})
			.resize(4000, 3000, { kernel: 'nearest' })
			.jpeg()
			.toBuffer();
		const meta = await decoded(await thumbnail(noise, 'image/jpeg'));
		expect([meta.width, meta.height]).toEqual([240, 180]);
	});

	it('of a PDF: its first page drawn by poppler', async () => {
		const jpeg = await thumbnail(fixture('three-pages.pdf'), 'application/pdf');
		const meta = await decoded(jpeg);
		// an A4 page, portrait
		expect(meta.width).toBe(240);
		expect(meta.height).toBe(339);
		// « Page 1 » written in black near the top left: dark pixels there, a white page below
		const stats = await sharp(jpeg).extract({ left: 20, top: 15, width: 60, height: 20 }).greyscale().stats();
		expect(stats.channels[0].min).toBeLessThan(100);
		expect((await sharp(jpeg).extract({ left: 100, top: 200, width: 40, height: 40 }).stats()).channels[0].mean).toBeGreaterThan(250);
	});

	it('of a restricted (encrypted, no password) PDF: its first page too', async () => {
		await decoded(await thumbnail(fixture('restricted.pdf'), 'application/pdf'));
	});

	describe('when poppler is missing', () => {
		const path = process.env.PATH;
		afterEach(() => {
			process.env.PATH = path;
		});

		it('a plain sheet saying PDF, with its page count read by pdf-lib', async () => {
			process.env.PATH = mkdtempSync(join(tmpdir(), 'no-poppler-'));
			const meta = await decoded(await thumbnail(fixture('three-pages.pdf'), 'application/pdf'));
			expect([meta.width, meta.height]).toEqual([240, 339]);
		});
	});
});
