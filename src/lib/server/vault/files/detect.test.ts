import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyRefused, detectType, refusalFor, REFUSALS } from './detect';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../../../../test/fixtures/vault', name));

describe('detectType: what a file is, from its bytes, whatever its name', () => {
	it('knows the four accepted types', () => {
		expect(detectType(fixture('three-pages.pdf'))).toBe('application/pdf');
		expect(detectType(fixture('gps-orientation-6.jpg'))).toBe('image/jpeg');
		expect(detectType(fixture('paper.png'))).toBe('image/png');
		expect(detectType(fixture('paper.webp'))).toBe('image/webp');
	});

	it('takes a JPEG named .pdf for a JPEG, and refuses a web page or a program named .pdf', () => {
		expect(detectType(fixture('photo-named.pdf'))).toBe('image/jpeg');
		expect(detectType(fixture('page-web.pdf'))).toBeNull();
		expect(detectType(fixture('program.pdf'))).toBeNull();
		expect(refusalFor(fixture('page-web.pdf'))).toBe(REFUSALS.web);
		expect(refusalFor(fixture('program.pdf'))).toMatch(/programme/);
	});

	it('refuses an HTML page holding a PDF further down (a polyglot a lenient reader opens)', () => {
		expect(detectType(fixture('polyglot-html-pdf.pdf'))).toBeNull();
		expect(classifyRefused(fixture('polyglot-html-pdf.pdf'))).toBe('web');
	});

	it('reads the first 4,100 bytes only', () => {
		expect(detectType(fixture('three-pages.pdf').subarray(0, 4100))).toBe('application/pdf');
		expect(detectType(Buffer.from('%PDF'))).toBeNull();
		expect(detectType(Buffer.alloc(0))).toBeNull();
	});
});

describe('refusalFor: says what was sent and what to do', () => {
	it('explains how to send an iPhone photo in JPEG', () => {
		const message = refusalFor(fixture('iphone.heic'));
		expect(message).toMatch(/HEIC/);
		expect(message).toMatch(/depuis cette page/);
		expect(message).toMatch(/Le plus compatible/);
	});

	it('tells to save a Word file as PDF', () => {
		expect(classifyRefused(fixture('letter.docx'))).toBe('word');
		expect(refusalFor(fixture('letter.docx'))).toMatch(/Word.*Enregistrez-le en PDF/);
		expect(classifyRefused(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]))).toBe('word');
	});

	it('names other kinds', () => {
		expect(classifyRefused(fixture('paper.gif'))).toBe('image');
		expect(classifyRefused(Buffer.alloc(0))).toBe('empty');
		expect(classifyRefused(Buffer.from('Bonjour, voici mon avis d’imposition.\n'))).toBe('text');
		expect(classifyRefused(Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42\0\0\0\0isommp42')]))).toBe('video');
		expect(classifyRefused(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]))).toBe('program');
		expect(classifyRefused(Buffer.from([0x01, 0xff, 0x00, 0x80, 0x90]))).toBe('unknown');
		expect(refusalFor(Buffer.from([0x01, 0xff, 0x00, 0x80]))).toMatch(/PDF, ou une photo en JPEG, PNG ou WebP/);
	});

	it('has nothing to say about an accepted file', () => {
		expect(refusalFor(fixture('paper.png'))).toBe('');
	});
});
