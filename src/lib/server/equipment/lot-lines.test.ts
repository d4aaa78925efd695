import { describe, expect, it } from 'vitest';
import { deviceTypeOf, parseLotLines } from './lot-lines.ts';

describe('a lot’s lines', () => {
	it('reads the types by key, label or word, accents and case aside', () => {
		expect(deviceTypeOf('Ordinateur portable')).toBe('laptop');
		expect(deviceTypeOf('ÉCRAN')).toBe('screen');
		expect(deviceTypeOf('fixe')).toBe('desktop');
		expect(deviceTypeOf('tablet')).toBe('tablet');
		expect(deviceTypeOf('frigo')).toBeNull();
	});

	it('reads `;` or `,` lines, a header and blank lines aside, short lines completed', () => {
		const r = parseLotLines('\uFEFFType;Marque;Modèle;Série;Année;État\r\nportable;Dell;Latitude 5490;SN1;2019;bon état\r\n\r\nsmartphone,Samsung,A52\n');
		expect(r).toEqual({
			ok: true,
			devices: [
				{ type: 'laptop', brand: 'Dell', model: 'Latitude 5490', serial: 'SN1', manufactureYear: 2019, stateOnReceipt: 'bon état' },
				{ type: 'smartphone', brand: 'Samsung', model: 'A52', serial: '', manufactureYear: null, stateOnReceipt: '' }
			]
		});
	});

	it('names the lines in error, as numbered in the text, and keeps nothing', () => {
		const r = parseLotLines('portable;Dell\n\nfrigo\ntablette;;;;1850\nportable;a;b;c;2020;d;e\nx\ny');
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.error).toMatch(/^Ligne 3\s:\stype d’appareil inconnu «\sfrigo\s»/);
		expect(r.error).toMatch(/Ligne 4\s:\sannée, indiquez une année entre 1980 et 2100\./);
		expect(r.error).toMatch(/Ligne 5\s:\s6 colonnes au plus/);
		expect(r.error).toMatch(/Et 2 autres lignes en erreur\.$/);
	});

	it('refuses no line, too many lines and too long a text', () => {
		expect(parseLotLines('type;marque\n')).toMatchObject({ ok: false, error: expect.stringMatching(/au moins un appareil/) });
		expect(parseLotLines('portable\n'.repeat(2001))).toMatchObject({ ok: false, error: expect.stringMatching(/2000 appareils au plus/) });
		expect(parseLotLines('x'.repeat(200_001))).toMatchObject({ ok: false, error: expect.stringMatching(/trop long/) });
	});
});
