import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { sharedDataDir } from '../paths.ts';
import type { PlaceFields, StandardRecord } from './types.ts';
import { csvHeader, csvRow, detectDelimiter, parseStandardCsv, placesToCsv } from './csv.ts';
import { parseStandardRecord, toStandardRecord } from './model.ts';
import { STANDARD_FIELDS, VOCABULARIES } from './vocabulary.ts';

const TODAY = '2025-06-01';

// ——— a validator for the shared Table Schema ———

interface SchemaField {
	name: string;
	type: 'string' | 'number' | 'date';
	constraints?: { required?: boolean; unique?: boolean; pattern?: string; maxLength?: number };
}
const schema = JSON.parse(readFileSync(join(sharedDataDir(), 'schema', 'lieux-mediation-numerique-v1.0.2.schema.json'), 'utf8')) as {
	fields: SchemaField[];
};

/**
 * The schema's patterns, anchored (Table Schema patterns must match the whole value), with
 * the fixes for the defects of the schema's own regexes (shared/data/README.md):
 * - formations_labels: `Étapes numériques\(La Poste\)` lacks the space of the label;
 * - telephone: the text allows several numbers, the pattern only one;
 * - services: the description says "Comprehension", the pattern rightly "Compréhension" (no fix).
 */
function schemaPatterns(fix: boolean): Map<string, RegExp> {
	const out = new Map<string, RegExp>();
	for (const f of schema.fields) {
		let p = f.constraints?.pattern;
		if (!p) continue;
		if (fix && f.name === 'formations_labels') {
			expect(p).toContain('Étapes numériques\\(La Poste\\)');
			p = p.replace('Étapes numériques\\(La Poste\\)', 'Étapes numériques \\(La Poste\\)');
		}
		if (fix && f.name === 'telephone') {
			expect(p.startsWith('^') && p.endsWith('$')).toBe(true);
			const one = p.slice(1, -1);
			p = `^${one}(?:\\|${one})*$`;
		}
		out.set(f.name, new RegExp(`^(?:${p})$`));
	}
	return out;
}
const FIXED = schemaPatterns(true);
const AS_PUBLISHED = schemaPatterns(false);

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
function isDate(s: string) {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
	if (!m) return false;
	const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
	return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

/** Every violation of the schema by a CSV text (empty when valid). */
function schemaViolations(csv: string, patterns = FIXED): string[] {
	const rows = parse(csv, { bom: true, relax_column_count: false }) as string[][];
	const errors: string[] = [];
	const [header, ...data] = rows;
	if (JSON.stringify(header) !== JSON.stringify(schema.fields.map((f) => f.name))) errors.push(`en-tête\u00a0: ${header.join(',')}`);
	const seen = new Map<string, Set<string>>();
	data.forEach((row, r) => {
		schema.fields.forEach((f, i) => {
			const v = row[i] ?? '';
			const where = `ligne ${r + 2}, ${f.name}`;
			if (v === '') {
				if (f.constraints?.required) errors.push(`${where}\u00a0: obligatoire`);
				return;
			}
			if (f.type === 'number' && !(NUMBER.test(v) && Number.isFinite(Number(v)))) errors.push(`${where}\u00a0: nombre attendu (${v})`);
			if (f.type === 'date' && !isDate(v)) errors.push(`${where}\u00a0: date attendue (${v})`);
			const p = patterns.get(f.name);
			if (p && !p.test(v)) errors.push(`${where}\u00a0: motif non respecté (${v})`);
			if (f.constraints?.maxLength !== undefined && Array.from(v).length > f.constraints.maxLength) errors.push(`${where}\u00a0: trop long`);
			if (f.constraints?.unique) {
				const s = seen.get(f.name) ?? new Set<string>();
				if (s.has(v)) errors.push(`${where}\u00a0: doublon (${v})`);
				s.add(v);
				seen.set(f.name, s);
			}
		});
	});
	return errors;
}

// ——— data ———

const realPlaces: PlaceFields[] = (() => {
	const files = ['charente-16-schema-v1.json', 'bus-france-services-charente-schema-v1.json', 'conseillers-numeriques-lieux-2022.json'];
	const out: PlaceFields[] = [];
	const ids = new Set<string>();
	for (const f of files) {
		for (const r of JSON.parse(readFileSync(join(sharedDataDir(), 'lieux', f), 'utf8')) as StandardRecord[]) {
			const v = parseStandardRecord({ ...r, courriels: r.courriel, id: `${f}:${r.id}` }, { today: TODAY });
			if (v.ok && !ids.has(v.place.id)) {
				ids.add(v.place.id);
				out.push(v.place);
			}
		}
	}
	return out;
})();

const nasty = fc.oneof(
	fc.string({ unit: 'binary', maxLength: 40 }),
	fc.string({ unit: fc.constantFrom('a', 'é', ',', ';', '"', '\n', '\r', ' ', '|', '\t', '€'), maxLength: 20 })
);
const vocab = (field: keyof typeof VOCABULARIES) =>
	fc.uniqueArray(fc.constantFrom(...(VOCABULARIES[field] as readonly string[])), { maxLength: 3 }).map((l) => l.join('|'));

/** Raw records with hostile text: whatever the parser accepts must export as valid. */
const rawRecordArb: fc.Arbitrary<StandardRecord> = fc.record({
	id: fc.oneof(fc.uuid(), nasty),
	pivot: fc.constantFrom('43493312300029', '00000000000000', 'w332001234', '35600000000048', 'x'),
	nom: nasty,
	commune: nasty,
	code_postal: fc.oneof(fc.stringMatching(/^\d{5}$/), fc.integer({ min: 1000, max: 9999 })),
	code_insee: fc.oneof(fc.stringMatching(/^\d{5}$/), fc.constantFrom('2A004', '20004', '')),
	adresse: nasty,
	complement_adresse: nasty,
	latitude: fc.oneof(fc.double({ min: -95, max: 95 }), fc.constant(null)),
	longitude: fc.oneof(fc.double({ min: -185, max: 185 }), fc.constant('1e-7')),
	typologie: fc.oneof(vocab('typologie'), nasty),
	telephone: fc.oneof(fc.constantFrom('05 57 65 75 39', '0590 12 34 56 / 06 12 34 56 78', '+269269662010', '+687 28 12 34'), nasty),
	courriels: fc.oneof(fc.constantFrom('a@b.fr|c@d.org', 'x;y@z.bzh'), nasty),
	site_web: fc.oneof(fc.constantFrom('www.a.fr|https://b.org/x,y', 'http://c.fr/"q"'), nasty),
	horaires: fc.oneof(fc.constantFrom('Mo-Fr 09:00-12:00', 'week 1-53/2 Mo 09:30-12:30; PH off', 'mo 9h-12h'), nasty),
	presentation_resume: fc.oneof(nasty, fc.string({ unit: 'grapheme', minLength: 270, maxLength: 400 })),
	presentation_detail: nasty,
	source: nasty,
	itinerance: vocab('itinerance'),
	structure_parente: nasty,
	date_maj: fc.constantFrom('2024-02-29', '01/02/2003', '1969-12-31', '2030-01-01'),
	services: fc.oneof(vocab('services'), nasty),
	publics_specifiquement_adresses: vocab('publics_specifiquement_adresses'),
	prise_en_charge_specifique: vocab('prise_en_charge_specifique'),
	frais_a_charge: vocab('frais_a_charge'),
	dispositif_programmes_nationaux: vocab('dispositif_programmes_nationaux'),
	formations_labels: vocab('formations_labels'),
	autres_formations_labels: nasty,
	modalites_acces: vocab('modalites_acces'),
	modalites_accompagnement: vocab('modalites_accompagnement'),
	fiche_acces_libre: fc.oneof(fc.webUrl(), nasty),
	prise_rdv: fc.oneof(fc.webUrl(), nasty)
});

function acceptedPlaces(records: StandardRecord[]): PlaceFields[] {
	const out: PlaceFields[] = [];
	const ids = new Set<string>();
	for (const r of records) {
		const v = parseStandardRecord(r, { today: TODAY });
		if (v.ok && !ids.has(v.place.id)) {
			ids.add(v.place.id);
			out.push(v.place);
		}
	}
	return out;
}

// ——— tests ———

describe('the schema validator used below', () => {
	it('needs the documented fixes of the schema regexes', () => {
		expect(AS_PUBLISHED.get('formations_labels')!.test('Étapes numériques (La Poste)')).toBe(false);
		expect(FIXED.get('formations_labels')!.test('Étapes numériques (La Poste)')).toBe(true);
		expect(FIXED.get('formations_labels')!.test('ORDI 3.0|Étapes numériques (La Poste)')).toBe(true);
		expect(AS_PUBLISHED.get('telephone')!.test('+33557657539|+33612345678')).toBe(false);
		expect(FIXED.get('telephone')!.test('+33557657539|+33612345678')).toBe(true);
		expect(FIXED.get('services')!.test('Compréhension du monde numérique')).toBe(true);
		expect(FIXED.get('services')!.test('Comprehension du monde numérique')).toBe(false);
		expect(FIXED.get('services')!.test('x|Loisirs et créations numériques')).toBe(false); // anchored
	});
	it('catches violations', () => {
		const [p] = realPlaces;
		const bad: Record<string, string> = {
			...toStandardRecord(p),
			code_postal: '3300',
			telephone: '0557657539',
			services: 'Autre',
			date_maj: '2024-02-30',
			latitude: '1e3',
			presentation_resume: 'x'.repeat(281),
			nom: ''
		};
		const csv = placesToCsv([p, p]).replace(/^id,/, 'identifiant,');
		expect(schemaViolations(csv).map((e) => e.split('\u00a0: ')[0])).toEqual(['en-tête', 'ligne 3, id']); // header, duplicate id
		const one = [STANDARD_FIELDS.join(','), STANDARD_FIELDS.map((f) => JSON.stringify(bad[f])).join(',')].join('\r\n');
		expect(schemaViolations(one).map((e) => e.split('\u00a0: ')[0])).toEqual([
			'ligne 2, nom',
			'ligne 2, code_postal',
			'ligne 2, latitude',
			'ligne 2, telephone',
			'ligne 2, presentation_resume',
			'ligne 2, date_maj',
			'ligne 2, services'
		]);
	});
});

describe('placesToCsv', () => {
	it('exports the real places as valid against the national schema', () => {
		expect(realPlaces.length).toBeGreaterThan(5000);
		const csv = placesToCsv(realPlaces);
		expect(schemaViolations(csv)).toEqual([]);
		expect(csv.startsWith(STANDARD_FIELDS.join(',') + '\r\n')).toBe(true);
	});

	it('exports whatever the parser accepts as valid against the national schema', () => {
		fc.assert(
			fc.property(fc.array(rawRecordArb, { maxLength: 8 }), (records) => {
				const places = acceptedPlaces(records);
				expect(schemaViolations(placesToCsv(places))).toEqual([]);
			}),
			{ numRuns: 300 }
		);
	});

	it('quotes per RFC 4180 and reads back the same places', () => {
		fc.assert(
			fc.property(fc.array(rawRecordArb, { maxLength: 8 }), (records) => {
				const places = acceptedPlaces(records);
				const csv = placesToCsv(places);
				const { headers, rows } = parseStandardCsv(csv);
				expect(headers).toEqual([...STANDARD_FIELDS]);
				expect(rows.length).toBe(places.length);
				rows.forEach((row, i) => {
					const again = parseStandardRecord(row, { today: TODAY });
					expect(again.ok && again.place).toEqual(places[i]);
				});
			}),
			{ numRuns: 200 }
		);
		const p = { ...realPlaces[0], nom: 'A, "B"\nC\rD', presentationDetail: 'l1\nl2' };
		const line = csvRow(p);
		expect(line).toContain('"A, ""B""\nC\rD"');
		expect(line).toContain('"l1\nl2"');
		expect(line.endsWith('\r\n')).toBe(true);
	});

	it('streams the same bytes: csvHeader() + csvRow(p)…', () => {
		fc.assert(
			fc.property(fc.array(rawRecordArb, { maxLength: 6 }), fc.array(nasty, { minLength: 6, maxLength: 6 }), (records, texts) => {
				const places = acceptedPlaces(records).map((p, i) => ({ ...p, nom: texts[i % 6] || p.nom }));
				expect(csvHeader() + places.map(csvRow).join('')).toBe(placesToCsv(places));
			}),
			{ numRuns: 200 }
		);
		expect(placesToCsv([])).toBe(csvHeader());
		expect(csvHeader()).toBe(STANDARD_FIELDS.join(',') + '\r\n');
		const sample = realPlaces.slice(0, 500);
		expect(csvHeader() + sample.map(csvRow).join('')).toBe(placesToCsv(sample));
	});
});

describe('parseStandardCsv', () => {
	it('strips a BOM and detects the delimiter', () => {
		const comma = '\ufeffid,nom,services\r\n1,"Lieu, un","Aide aux démarches administratives|Loisirs et créations numériques"\r\n';
		expect(parseStandardCsv(comma)).toEqual({
			headers: ['id', 'nom', 'services'],
			rows: [{ id: '1', nom: 'Lieu, un', services: 'Aide aux démarches administratives|Loisirs et créations numériques' }]
		});
		const semi = '\ufeff id\u00a0; nom;services\n1;"Lieu; deux";Jeunes\n\n2;Trois\n';
		expect(parseStandardCsv(semi)).toEqual({
			headers: ['id', 'nom', 'services'],
			rows: [
				{ id: '1', nom: 'Lieu; deux', services: 'Jeunes' },
				{ id: '2', nom: 'Trois' }
			]
		});
	});
	it('reads quoted multi-line fields', () => {
		const text = 'id;presentation_detail\n1;"ligne 1\nligne ""2"""\n';
		expect(parseStandardCsv(text).rows).toEqual([{ id: '1', presentation_detail: 'ligne 1\nligne "2"' }]);
	});
	it('detects the delimiter from the header line only, outside quotes', () => {
		expect(detectDelimiter('a,b,c\n1;2;3;4;5')).toBe(',');
		expect(detectDelimiter('"a,b";c;d\n')).toBe(';');
		expect(detectDelimiter('a\tb\tc')).toBe('\t');
		expect(detectDelimiter('id')).toBe(',');
	});
	it('reads a file it exported', () => {
		const csv = '\ufeff' + placesToCsv(realPlaces.slice(0, 300));
		const { rows } = parseStandardCsv(csv);
		rows.forEach((row, i) => {
			const again = parseStandardRecord(row, { today: TODAY });
			expect(again.ok && again.place).toEqual(realPlaces[i]);
		});
	});
});
