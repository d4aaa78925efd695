/**
 * The merge page's comparison (/admin/lieux/fusion), as the acceptance walk read it: bare
 * codes side by side (« Place du docteur esquirol · 47000 · Agen · 47001 · 47 ») and an
 * unspaced SIRET. Each value of a group now says what it is; a SIRET is spaced.
 */
import { describe, expect, it } from 'vitest';
import { mergePreview } from './merge.ts';

type Row = Parameters<typeof mergePreview>[0];
const row = (over: Partial<Row>): Row =>
	({
		nom: 'Maison pour tous',
		adresse: null,
		complementAdresse: null,
		codePostal: null,
		commune: null,
		codeInsee: null,
		departmentCode: null,
		pivot: null,
		...over
	}) as Row;

describe('the merge page’s comparison', () => {
	it('labels each value of the address and spaces the SIRET', () => {
		const a = row({
			adresse: 'Place du docteur esquirol',
			codePostal: '47000',
			commune: 'Agen',
			codeInsee: '47001',
			departmentCode: '47',
			pivot: '12345678900012'
		});
		const b = row({
			adresse: '8 place du Docteur Esquirol',
			codePostal: '47000',
			commune: 'Agen',
			codeInsee: '47001',
			departmentCode: '47',
			pivot: 'W473001234'
		});
		const rows = mergePreview(a, b);
		const address = rows.find((r) => r.key === 'adresse')!;
		expect(address.survivant).toBe(
			'Adresse\u00a0: Place du docteur esquirol · Code postal\u00a0: 47000 · Commune\u00a0: Agen · Code INSEE\u00a0: 47001 · Département\u00a0: 47'
		);
		expect(address.differ).toBe(true);
		const pivot = rows.find((r) => r.key === 'pivot')!;
		expect(pivot.survivant).toBe('123 456 789 00012');
		expect(pivot.autre).toBe('W473001234');
		// a group of one field: its value alone
		expect(rows.find((r) => r.key === 'nom')!.survivant).toBe('Maison pour tous');
	});
});

describe('a stored value as the coordinator reads it', () => {
	it('a phone in French format, hours in words, texts with French spacing', async () => {
		const { placeValueText } = await import('./display.ts');
		expect(placeValueText('telephone', '+33556846440')).toBe('05 56 84 64 40');
		expect(placeValueText('horaires', 'Mo-We 09:00-12:00,14:00-17:00; Th 09:00-12:00')).toBe(
			'Lundi\u00a0: 9\u00a0h\u00a0– 12\u00a0h, 14\u00a0h\u00a0– 17\u00a0h\u00a0; Mardi\u00a0: 9\u00a0h\u00a0– 12\u00a0h, 14\u00a0h\u00a0– 17\u00a0h\u00a0; Mercredi\u00a0: 9\u00a0h\u00a0– 12\u00a0h, 14\u00a0h\u00a0– 17\u00a0h\u00a0; Jeudi\u00a0: 9\u00a0h\u00a0– 12\u00a0h'
		);
		expect(placeValueText('presentationResume', 'Diverses activités : Espace information')).toBe('Diverses activités\u00a0: Espace information'); // typography: ignore (the source's text)
		expect(placeValueText('pivot', '12345678900012')).toBe('123 456 789 00012');
	});
});
