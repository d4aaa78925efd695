import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDataDir } from '../paths.ts';
import { FIELD_TO_KEY, KEY_TO_FIELD, LIST_FIELDS, REQUIRED_FIELDS, STANDARD_FIELDS, TYPOLOGIES, VOCABULARIES, type VocabularyField } from './vocabulary.ts';
import { matchVocabulary } from './values.ts';

interface SchemaField {
	name: string;
	type: string;
	description: string;
	constraints?: { required?: boolean; pattern?: string };
}
const schema = JSON.parse(readFileSync(join(sharedDataDir(), 'schema', 'lieux-mediation-numerique-v1.0.2.schema.json'), 'utf8')) as {
	fields: SchemaField[];
};
const byName = new Map(schema.fields.map((f) => [f.name, f]));

/** The alternatives of a vocabulary pattern `(?:(?:^|\|)(A|B|C))+$`, unescaped. */
function alternatives(pattern: string): string[] {
	const inner = /^\(\?:\(\?:\^\|\\\|\)\((.*)\)\)\+\$$/.exec(pattern)![1];
	const out: string[] = [];
	let depth = 0;
	let cur = '';
	for (let i = 0; i < inner.length; i++) {
		const c = inner[i];
		if (c === '\\') {
			cur += inner[++i];
			continue;
		}
		if (c === '(') depth++;
		if (c === ')') depth--;
		if (c === '|' && depth === 0) {
			out.push(cur);
			cur = '';
		} else cur += c;
	}
	out.push(cur);
	return out;
}

describe('standard fields', () => {
	it('are the schema fields, in the schema order', () => {
		expect([...STANDARD_FIELDS]).toEqual(schema.fields.map((f) => f.name));
	});
	it('map both ways to PlaceFields keys', () => {
		expect(Object.keys(FIELD_TO_KEY)).toEqual([...STANDARD_FIELDS]);
		for (const f of STANDARD_FIELDS) {
			expect(KEY_TO_FIELD[FIELD_TO_KEY[f]]).toBe(f);
			expect(FIELD_TO_KEY[f]).toBe(f.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()));
		}
	});
	it('knows which are required', () => {
		expect([...REQUIRED_FIELDS].sort()).toEqual(
			schema.fields
				.filter((f) => f.constraints?.required)
				.map((f) => f.name)
				.sort()
		);
		expect(byName.get('services')!.constraints?.required).toBeUndefined();
	});
	it('knows which are lists', () => {
		for (const f of Object.keys(VOCABULARIES)) expect(LIST_FIELDS).toContain(f);
		for (const f of ['courriels', 'site_web', 'autres_formations_labels']) expect(LIST_FIELDS).toContain(f);
	});
});

describe('vocabularies', () => {
	it('are exactly the alternatives of the schema patterns (with the documented fix)', () => {
		for (const field of Object.keys(VOCABULARIES) as VocabularyField[]) {
			if (field === 'typologie') continue;
			let alts = alternatives(byName.get(field)!.constraints!.pattern!);
			// defect of the schema: no space before "(La Poste)" in the formations_labels pattern
			if (field === 'formations_labels') {
				expect(alts).toContain('Étapes numériques(La Poste)');
				alts = alts.map((a) => (a === 'Étapes numériques(La Poste)' ? 'Étapes numériques (La Poste)' : a));
			}
			expect([...VOCABULARIES[field]], field).toEqual(alts);
		}
	});
	it('understand the spellings of the schema descriptions', () => {
		const lists: Partial<Record<VocabularyField, string>> = {};
		for (const field of Object.keys(VOCABULARIES) as VocabularyField[]) {
			const d = byName.get(field)!.description;
			const m = /liste suivante ?:\s*'?(.+?)'?\.?$/.exec(d);
			if (m && field !== 'prise_en_charge_specifique') lists[field] = m[1];
		}
		expect(lists.services).toContain('Comprehension du monde numérique'); // defect of the description
		for (const [field, list] of Object.entries(lists)) {
			for (const v of list!.split(';')) expect(matchVocabulary(field as VocabularyField, v.trim()), `${field}: ${v}`).not.toBeNull();
		}
	});
	it('are the ones listed in DOMAIN.md', () => {
		const doc = readFileSync(join(sharedDataDir(), '..', 'docs', 'DOMAIN.md'), 'utf8');
		const section = doc.slice(doc.indexOf('Vocabularies (exact strings):'));
		for (const field of Object.keys(VOCABULARIES) as VocabularyField[]) {
			if (field === 'typologie') continue;
			const m = new RegExp(`^- ${field}: (.+)$`, 'm').exec(section);
			expect(m, field).not.toBeNull();
			expect(m![1].split(' · '), field).toEqual([...VOCABULARIES[field]]);
		}
	});
	it('include the typologie codes of DOMAIN.md and of the real files', () => {
		for (const code of ['CCAS', 'CAF', 'MSAP', 'BIB', 'EPN', 'TIERS_LIEUX', 'MUNI', 'ASSO']) expect(TYPOLOGIES).toContain(code);
		for (const f of ['charente-16-schema-v1.json', 'bus-france-services-charente-schema-v1.json']) {
			for (const r of JSON.parse(readFileSync(join(sharedDataDir(), 'lieux', f), 'utf8')) as { typologie?: string }[]) {
				for (const code of (r.typologie ?? '').split('|').filter(Boolean)) expect(TYPOLOGIES).toContain(code);
			}
		}
		expect(new Set(TYPOLOGIES).size).toBe(TYPOLOGIES.length);
	});
});
