import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isDomainError } from '../../errors';
import { MAX_PDF_BYTES, MAX_PHOTO_BYTES, MAX_PHOTOS_PER_DOCUMENT } from './limits';
import { prepareDocument } from './prepare';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../../../../test/fixtures/vault', name));

async function refusal(parts: Buffer[], code = 'invalid'): Promise<string> {
	try {
		await prepareDocument(parts);
	} catch (e) {
		if (isDomainError(e) && e.code === code) return e.message;
		throw e;
	}
	throw new Error('not refused');
}

/** a real file grown past a size: the bytes after the picture or PDF are not read before the size check */
const padded = (bytes: Buffer, size: number) => Buffer.concat([bytes, Buffer.alloc(size - bytes.length)]);

describe('prepareDocument', () => {
	it('keeps one PDF byte for byte, with its page count and a thumbnail', async () => {
		const pdf = fixture('three-pages.pdf');
		const doc = await prepareDocument([pdf]);
		expect(doc.type).toBe('application/pdf');
		expect(doc.bytes.equals(pdf)).toBe(true);
		expect(doc.pages).toBe(3);
		expect((await sharp(doc.thumbnail).metadata()).format).toBe('jpeg');
		expect(doc.width).toBeUndefined();
	});

	it('makes one photo a JPEG document, upright and without its GPS position', async () => {
		const doc = await prepareDocument([fixture('gps-orientation-6.jpg')]);
		expect(doc).toMatchObject({ type: 'image/jpeg', pages: 1, width: 300, height: 400 });
		expect(await exifr.gps(doc.bytes)).toBeUndefined();
		expect((await sharp(doc.thumbnail).metadata()).width).toBe(240);
	});

	it('makes several photos one PDF, one page each, whatever their formats', async () => {
		const doc = await prepareDocument([fixture('gps-orientation-6.jpg'), fixture('paper.png'), fixture('paper.webp')]);
		expect(doc.type).toBe('application/pdf');
		expect(doc.pages).toBe(3);
		expect(execFileSync('pdfinfo', ['-'], { input: doc.bytes }).toString()).toMatch(/^Pages:\s+3$/m);
		expect(doc.bytes.includes('Temoin')).toBe(false);
	});

	it('takes a photo named .pdf as the photo it is', async () => {
		expect((await prepareDocument([fixture('photo-named.pdf')])).type).toBe('image/jpeg');
	});

	it('refuses nothing chosen, an empty file, and says which one', async () => {
		expect(await refusal([])).toMatch(/^Choisissez un fichier/);
		expect(await refusal([Buffer.alloc(0)])).toMatch(/^Ce fichier est vide/);
		expect(await refusal([fixture('paper.png'), fixture('paper.png'), Buffer.alloc(0)])).toMatch(/^Le 3e fichier est vide/);
	});

	it('refuses a web page named .pdf, a Word file, an iPhone photo, saying what to do', async () => {
		expect(await refusal([fixture('page-web.pdf')])).toMatch(/^C’est une page web.*Enregistrer en PDF/);
		expect(await refusal([fixture('letter.docx')])).toMatch(/Word.*Enregistrez-le en PDF/);
		expect(await refusal([fixture('paper.png'), fixture('iphone.heic')])).toMatch(/^Le 2e fichier n’est pas accepté. Cette photo est au format HEIC/);
	});

	it('refuses a PDF mixed with photos, and several PDFs', async () => {
		expect(await refusal([fixture('paper.png'), fixture('three-pages.pdf')])).toMatch(/soit un PDF, soit des photos/);
		expect(await refusal([fixture('three-pages.pdf'), fixture('three-pages.pdf')])).toMatch(/un seul PDF à la fois/);
	});

	it(`refuses more than ${MAX_PHOTOS_PER_DOCUMENT} photos`, async () => {
		const photos = Array.from({ length: MAX_PHOTOS_PER_DOCUMENT + 1 }, () => fixture('paper.png'));
		expect(await refusal(photos)).toBe(
			`Vous avez choisi ${MAX_PHOTOS_PER_DOCUMENT + 1} photos. Un document peut avoir ${MAX_PHOTOS_PER_DOCUMENT} photos au plus\u00a0: envoyez les autres comme un deuxième document.`
		);
	});

	it('refuses a photo or a PDF over its limit as too large, naming the photo', async () => {
		const heavy = padded(fixture('paper.png'), MAX_PHOTO_BYTES + 1);
		expect(await refusal([fixture('paper.png'), heavy], 'payload_too_large')).toMatch(
			/^La 2e photo est trop lourde \(15\sMo\)\. Une photo peut peser 15\sMo au plus/
		);
		expect(await refusal([heavy], 'payload_too_large')).toMatch(/^Cette photo est trop lourde/);
		const pdf = padded(fixture('three-pages.pdf'), MAX_PDF_BYTES + 1024 * 1024);
		expect(await refusal([pdf], 'payload_too_large')).toMatch(/^Ce PDF est trop lourd \(51\sMo\)\. Un PDF peut peser 50\sMo au plus/);
	});

	it('refuses a decompression bomb among photos, naming it', async () => {
		expect(await refusal([fixture('paper.png'), fixture('paper.webp'), fixture('bomb.png')])).toMatch(/^La 3e photo est beaucoup trop grande/);
		expect(await refusal([fixture('bomb.png'), fixture('paper.png')])).toMatch(/^La 1re photo est beaucoup trop grande/);
	});

	it('refuses a PDF that asks for a password, or a damaged one', async () => {
		expect(await refusal([fixture('password.pdf')])).toMatch(/^Ce PDF est protégé par un mot de passe/);
		expect(await refusal([fixture('truncated.pdf')])).toMatch(/^Ce PDF est abîmé/);
	});
});
