/**
 * Reading the Coop's export as spreadsheets save it (issue 14, item 8): with or without the
 * export's lines above the table, `;` or `,`, UTF-8 or Windows-1252, the Coop's labels, its
 * API values or ours; a workshop's lines gathered into one activity.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { readCoopCsv, type CoopRead } from './coop-read.ts';

const TODAY = '2026-11-20';
const text = readFileSync(new URL('../../../../test/fixtures/coop/activites-coop.csv', import.meta.url), 'utf8').replace(/^\ufeff/, '');
/** the table alone (the provenance line and the export's 21 lines about itself left out) */
const table = parse(text.split('\r\n').slice(22).join('\r\n'), { delimiter: ';' }) as string[][];
const ok = (r: CoopRead) => {
	if (r.error !== null) throw new Error(r.error);
	return r;
};
const windows1252 = (s: string) => Uint8Array.from([...s].map((ch) => ({ '’': 0x92, '…': 0x85 })[ch] ?? ch.charCodeAt(0)));

describe('the Coop’s CSV, as a spreadsheet saves it', () => {
	const reference = ok(readCoopCsv(text, TODAY));

	it('reads the fixture: 12 lines, 6 activities, the workshops gathered', () => {
		expect(reference.lines).toBe(12);
		expect(reference.activities.map((a) => [a.kind, a.participants, a.lines.length])).toEqual([
			['individual', 1, 1],
			['individual', 1, 1],
			['collective', 5, 5],
			['individual', 1, 1],
			['individual', 1, 1],
			['collective', 3, 3]
		]);
	});

	it('reads the same from the table alone, comma-separated, in Windows-1252 (French Excel)', () => {
		const csv = stringify(table, { delimiter: ',', record_delimiter: '\r\n', quoted_match: /[\r\n]/ });
		const r = ok(readCoopCsv(windows1252(csv), TODAY));
		expect(r.warning).toMatch(/Windows-1252/);
		expect(r.activities.map(({ lines, ...a }) => ({ ...a, lines: lines.length }))).toEqual(
			reference.activities.map(({ lines, ...a }) => ({ ...a, lines: lines.length }))
		);
	});

	it('takes the Coop’s API values and our own labels as well as its labels', () => {
		const header = table[0];
		const line = [...table[1]];
		const set = (name: string, v: string) => (line[header.indexOf(name)] = v);
		set('Type', 'individuel');
		set('Canaux d’accompagnement', 'a_distance');
		set('Thématique(s) d’accompagnement', 'email|social_sante');
		set('Matériel numérique utilisé', 'telephone');
		set('Niveau d’autonomie (ou de l’atelier)', 'Autonome avec guidage en cas de besoin');
		set('Genre du bénéficiaire', 'Femme');
		set('Tranche d’âge du bénéficiaire', '60 à 69 ans');
		set('Statut du bénéficiaire', 'Retraité(e)');
		set('Date', '2026-11-18');
		const [a] = ok(readCoopCsv(stringify([header, line], { delimiter: ';' }), TODAY)).activities;
		expect(a).toMatchObject({
			date: '2026-11-18',
			kind: 'individual',
			location: 'remote',
			themes: ['E-mail', 'Aide aux démarches administratives'],
			procedureThemes: ['Social – Santé'],
			equipment: ['Téléphone'],
			autonomy: 'partly',
			gender: 'F',
			ageBand: '60-69',
			socialStatus: 'retired'
		});
	});

	it('without ids, keys lines by their digest: the same on each read; two identical individual lines are two', () => {
		const id = table[0].indexOf('ID CRA');
		const noIds = table.map((l) => l.filter((_, i) => i !== id));
		const twice = stringify([...noIds, noIds[1]], { delimiter: ';' });
		const a = ok(readCoopCsv(twice, TODAY));
		const b = ok(readCoopCsv(twice, TODAY));
		expect(a.activities.map((x) => x.key)).toEqual(b.activities.map((x) => x.key));
		expect(a.activities).toHaveLength(7);
		expect(new Set(a.activities.map((x) => x.key)).size).toBe(7);
		expect(a.activities.every((x) => /^coop-sha256:[0-9a-f]{64}$/.test(x.key))).toBe(true);
	});

	it('one individual line twice with the same id is one activity, and says so', () => {
		const r = ok(readCoopCsv(stringify([...table, table[1]], { delimiter: ';' }), TODAY));
		expect(r.activities).toHaveLength(6);
		expect(r.repeated).toBe(1);
	});

	it('refuses the lines of one activity that disagree', () => {
		const header = table[0];
		const odd = [...table[4]];
		odd[header.indexOf('Durée (min)')] = '90';
		const r = ok(readCoopCsv(stringify([header, table[3], odd, table[5]], { delimiter: ';' }), TODAY));
		expect(r.activities).toEqual([]);
		expect(r.rejected).toEqual([
			{ line: 3, id: '9f2dc97e-523b-4c3a-8af1-41299238f818', reasons: [expect.stringMatching(/^Les lignes de cette activité \(lignes 2, 3, 4\)/)] }
		]);
	});
});
