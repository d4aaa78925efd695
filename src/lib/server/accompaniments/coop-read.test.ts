/**
 * Reading the Coop's export (issue 14, item 8): its .xlsx as it is, or as spreadsheets save
 * it in CSV: with or without the export's lines above the table, `;` or `,`, UTF-8 or
 * Windows-1252, the Coop's labels, its API values or ours; a workshop's lines gathered into
 * one activity.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { coopWorkbook } from '../../../../test/fixtures/coop/coop-workbook.ts';
import { COOP_MAX_BYTES, readCoopCsv, type CoopRead } from './coop-read.ts';
import { COOP_MAX_INFLATED, WORKBOOK_ERRORS, readCoopFile } from './coop-xlsx.ts';

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

/**
 * The Coop's .xlsx as it is (its builder's layout, test/fixtures/coop/coop-workbook.ts):
 * the same reading as its CSV, the lines numbered as the sheet's rows (the CSV fixture has
 * one provenance line more), dates however the cell holds them, and French refusals of what
 * is not a workbook of the Coop, before exceljs sees a byte of what could hurt it.
 */
describe('the Coop’s workbook (.xlsx), as the Coop exports it', () => {
	const csvReading = ok(readCoopCsv(text, TODAY));
	/** the CSV's reading, its lines numbered as the workbook's rows */
	const asRows = (r: Extract<CoopRead, { error: null }>) => ({
		activities: r.activities.map((a) => ({ ...a, lines: a.lines.map((l) => l - 1) })),
		rejected: r.rejected.map((x) => ({ ...x, line: x.line - 1 })),
		dropped: r.dropped,
		lines: r.lines,
		repeated: r.repeated
	});
	const same = (r: Extract<CoopRead, { error: null }>) => ({
		activities: r.activities,
		rejected: r.rejected,
		dropped: r.dropped,
		lines: r.lines,
		repeated: r.repeated
	});
	let xlsx: Buffer;
	beforeAll(async () => {
		xlsx = await coopWorkbook(text);
	});

	it('reads what its CSV reads: the same activities, workshops gathered, values set aside, the sheet’s rows', async () => {
		const r = ok(await readCoopFile(new Uint8Array(xlsx), TODAY));
		expect(same(r)).toEqual(asRows(csvReading));
		expect(r.warning).toBeNull();
		// the first activity is the sheet's row 23: the 21 lines about the export, then the header
		expect(r.activities[0]).toMatchObject({ lines: [23], date: '2026-11-18', durationMinutes: 30, themes: ['Navigation sur internet', 'E-mail'] });
		expect(r.activities[2]).toMatchObject({ kind: 'collective', participants: 5, lines: [25, 26, 27, 28, 29] });
	});

	it('the committed test/fixtures/coop/activites-coop.xlsx reads the same (regenerate it with its script when the CSV changes)', async () => {
		const committed = new Uint8Array(readFileSync(new URL('../../../../test/fixtures/coop/activites-coop.xlsx', import.meta.url)));
		expect(same(ok(await readCoopFile(committed, TODAY)))).toEqual(asRows(csvReading));
	});

	it('hands the « Importer » step a text that reads the same again, without the names and notes it never reads', async () => {
		const r = ok(await readCoopFile(new Uint8Array(xlsx), TODAY));
		expect(same(ok(await readCoopFile(r.text, TODAY)))).toEqual(same(r));
		expect(text).toMatch(/Zorglub/);
		expect(r.text).not.toMatch(/Zorglub|Cunégonde|NoteCanari|dépression/);
	});

	it('refuses a bad line by its row in the sheet, in French', async () => {
		const bad = await coopWorkbook(text.replace(';30;;Ordinateur;', ';trente;;Ordinateur;').replace('Navigation sur internet\nE-mail', 'Cuisine'));
		const r = ok(await readCoopFile(new Uint8Array(bad), TODAY));
		expect(r.rejected).toEqual([
			{
				line: 23,
				id: '04b15d59-13f7-40e3-9fcd-dd26c7bc418f',
				reasons: ['Durée « trente »\u00a0: un nombre entier de minutes, de 1 à 600.', 'Thématique « Cuisine »\u00a0: elle n’est pas dans la liste de la Coop.']
			}
		]);
	});

	describe('dates, however the cell holds them', () => {
		/** one activity a line, each with its own id, the day given as `value` */
		async function workbookOfDays(values: (Date | number | string)[], opts: { date1904?: boolean; format?: boolean } = {}) {
			const workbook = new ExcelJS.Workbook();
			if (opts.date1904) workbook.properties.date1904 = true;
			const sheet = workbook.addWorksheet('Activités');
			sheet.addRow(['Informations export']);
			sheet.addRow([]);
			sheet.addRow(table[0]);
			const id = table[0].indexOf('ID CRA');
			values.forEach((v, i) => {
				const line: (string | number | Date)[] = [...table[1]];
				line[0] = v;
				line[id] = `00000000-0000-4000-8000-00000000000${i}`;
				const row = sheet.addRow(line);
				if (opts.format !== false) row.getCell(1).numFmt = 'dd/mm/yyyy';
			});
			return new Uint8Array(await workbook.xlsx.writeBuffer());
		}
		const daysOf = async (bytes: Uint8Array) => ok(await readCoopFile(bytes, TODAY)).activities.map((a) => a.date);
		const zone = process.env.TZ;
		afterAll(() => {
			if (zone === undefined) delete process.env.TZ;
			else process.env.TZ = zone;
		});

		it('a date cell is the day the sheet shows, whatever the server’s time zone (no eve at midnight UTC)', async () => {
			const bytes = await workbookOfDays([
				// the Coop's: the day at midnight UTC
				new Date(Date.UTC(2026, 10, 18)),
				// a day and a time late in the evening, as a spreadsheet shows it
				new Date(Date.UTC(2026, 10, 18, 23, 30)),
				// early in the morning
				new Date(Date.UTC(2026, 10, 18, 0, 30))
			]);
			for (const tz of ['Europe/Paris', 'America/Cayenne', 'Pacific/Kiritimati', 'UTC']) {
				process.env.TZ = tz;
				// the server's local day of midnight UTC: the eve west of Greenwich (what a naive reading would take)
				expect(new Date(Date.UTC(2026, 10, 18)).getDate(), tz).toBe(tz === 'America/Cayenne' ? 17 : 18);
				expect(await daysOf(bytes), tz).toEqual(['2026-11-18', '2026-11-18', '2026-11-18']);
			}
		});

		it('a day as a serial number (a date cell that lost its format), in either date system of Excel', async () => {
			expect(await daysOf(await workbookOfDays([46344, 46344.75], { format: false }))).toEqual(['2026-11-18', '2026-11-18']);
			// a workbook of the 1904 system (old Excel for Mac): the same day is 1,462 less
			expect(await daysOf(await workbookOfDays([new Date(Date.UTC(2026, 10, 18))], { date1904: true }))).toEqual(['2026-11-18']);
			expect(await daysOf(await workbookOfDays([46344 - 1462], { date1904: true, format: false }))).toEqual(['2026-11-18']);
		});

		it('a day typed as text is read as in a CSV', async () => {
			expect(await daysOf(await workbookOfDays(['18/11/2026', '2026-11-17'], { format: false }))).toEqual(['2026-11-18', '2026-11-17']);
		});
	});

	it('finds the table in the sheet « Activités », or in another sheet when the first has none', async () => {
		const workbook = new ExcelJS.Workbook();
		workbook.addWorksheet('Notes').addRow(['Mes notes', 'sans le tableau']);
		const sheet = workbook.addWorksheet('Export du 20 novembre');
		for (const l of table) sheet.addRow(l);
		const r = ok(await readCoopFile(new Uint8Array(await workbook.xlsx.writeBuffer()), TODAY));
		expect(r.activities.map((a) => a.key)).toEqual(csvReading.activities.map((a) => a.key));
		// the table's lines keep the sheet's numbers: the header is row 1 here
		expect(r.activities[0].lines).toEqual([2]);
	});

	describe('refusals, in French, nothing of the library’s words', () => {
		const error = async (bytes: Uint8Array | Buffer) => {
			const r = await readCoopFile(new Uint8Array(bytes), TODAY);
			return r.error;
		};
		/** the fixture's archive with one entry replaced (or added) */
		async function withEntry(name: string, content: string | Uint8Array, patchTypes?: (types: string) => string) {
			const zip = await JSZip.loadAsync(xlsx);
			zip.file(name, content);
			if (patchTypes) zip.file('[Content_Types].xml', patchTypes(await zip.file('[Content_Types].xml')!.async('string')));
			return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 9 } });
		}

		it('a corrupt archive: cut short, or damaged inside', async () => {
			expect(await error(xlsx.subarray(0, 4000))).toBe(WORKBOOK_ERRORS.corrupt);
			const damaged = Buffer.from(xlsx);
			// the sheet's compressed bytes overwritten
			const at = damaged.indexOf('xl/worksheets/sheet1.xml') + 40;
			damaged.fill(0x41, at, at + 400);
			expect(await error(damaged)).toBe(WORKBOOK_ERRORS.corrupt);
			expect(WORKBOOK_ERRORS.corrupt).toMatch(/^Ce classeur Excel \(\.xlsx\) est abîmé ou incomplet/);
		});

		it('an archive that is not an Excel workbook (a zip, an OpenDocument sheet, a Word document)', async () => {
			const zip = new JSZip();
			zip.file('lisez-moi.txt', 'Bonjour');
			expect(await error(await zip.generateAsync({ type: 'uint8array' }))).toBe(WORKBOOK_ERRORS['not-a-workbook']);
			const ods = new JSZip();
			ods.file('mimetype', 'application/vnd.oasis.opendocument.spreadsheet');
			ods.file('content.xml', '<office:document-content/>');
			expect(await error(await ods.generateAsync({ type: 'uint8array' }))).toMatch(/^C’est un classeur LibreOffice \(\.ods\)/);
			const docx = new JSZip();
			docx.file('[Content_Types].xml', '<Types/>');
			docx.file('word/document.xml', '<w:document/>');
			expect(await error(await docx.generateAsync({ type: 'uint8array' }))).toBe(WORKBOOK_ERRORS['not-a-workbook']);
		});

		it('a workbook with macros (.xlsm), an Excel binary workbook (.xlsb), an old .xls or a workbook with a password', async () => {
			const xlsm = await withEntry('xl/vbaProject.bin', new Uint8Array([1, 2, 3]), (t) =>
				t.replace('spreadsheetml.sheet.main+xml', 'ms-excel.sheet.macroEnabled.main+xml')
			);
			expect(await error(xlsm)).toMatch(/^Ce classeur contient des macros \(\.xlsm\)\u00a0: il n’est pas accepté\./);
			expect(await error(await withEntry('xl/workbook.bin', new Uint8Array([0])))).toMatch(/^C’est un classeur Excel binaire \(\.xlsb\)/);
			const ole = new Uint8Array(4096);
			ole.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
			expect(await error(ole)).toMatch(/^C’est un classeur Excel ancien \(\.xls\) ou protégé par un mot de passe/);
		});

		it('a zip bomb: stopped at 10 MB inflated, even when its entries lie about their size', async () => {
			const bomb = await withEntry('xl/worksheets/sheet2.xml', ' '.repeat(COOP_MAX_INFLATED + 1024));
			expect(bomb.byteLength).toBeLessThan(64 * 1024);
			expect(await error(bomb)).toBe(WORKBOOK_ERRORS['too-large']);
			expect(WORKBOOK_ERRORS['too-large']).toMatch(/^Ce classeur est trop volumineux une fois décompressé \(plus de 10\u00a0Mo\)/);
			// the same archive declaring 1 KB for that entry, in its local header and its central directory
			const liar = Buffer.from(bomb);
			const name = Buffer.from('xl/worksheets/sheet2.xml');
			let patched = 0;
			for (let at = liar.indexOf(name); at >= 0; at = liar.indexOf(name, at + 1)) {
				// a local header (its uncompressed size at 22), an entry of the central directory (at 24)
				for (const [start, signature, field] of [
					[at - 30, 0x04034b50, 22],
					[at - 46, 0x02014b50, 24]
				])
					if (start >= 0 && liar.readUInt32LE(start) === signature) {
						liar.writeUInt32LE(1024, start + field);
						patched++;
					}
			}
			expect(patched).toBe(2);
			expect((await JSZip.loadAsync(liar)).file('xl/worksheets/sheet2.xml')).not.toBeNull();
			expect(await error(liar)).toBe(WORKBOOK_ERRORS['too-large']);
		});

		it('too large: the file (768 KB at most), or its table once read (what the « Importer » step carries)', async () => {
			const big = new Uint8Array(COOP_MAX_BYTES + 1);
			big.set(xlsx);
			expect(await error(big)).toMatch(/^Le fichier pèse 769\u00a0Ko\u00a0: 768\u00a0Ko au plus par import/);
			// 300 lines of long addresses: a small file, 900 KB of table
			const address = table[0].indexOf('Adresse');
			const workbook = new ExcelJS.Workbook();
			const sheet = workbook.addWorksheet('Activités');
			sheet.addRow(table[0]);
			for (let i = 0; i < 300; i++) sheet.addRow(table[1].map((v, c) => (c === address ? `${i} ${'rue '.repeat(750)}` : v)));
			const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
			expect(bytes.byteLength).toBeLessThan(COOP_MAX_BYTES);
			expect(await error(bytes)).toMatch(/^Le tableau de ce classeur fait \d[\d\u202f\u00a0]*\u00a0Ko de texte\u00a0: 768\u00a0Ko au plus par import\./);
		});

		it('a workbook without the Coop’s table', async () => {
			const workbook = new ExcelJS.Workbook();
			workbook.addWorksheet('Feuille 1').addRow(['nom', 'prénom']);
			expect(await error(new Uint8Array(await workbook.xlsx.writeBuffer()))).toMatch(
				/^Ce fichier ne ressemble pas à l’export des activités de la Coop\u00a0: il manque les colonnes « Date »/
			);
		});

		it('what exceljs cannot read is said in French, and nothing of the file is logged', async () => {
			const broken = await withEntry('xl/workbook.xml', '<workbook><sheets><sheet name="Zorglub Cunégonde" sheetId="1" r:id="rId1"/></sheets><<<');
			const written: string[] = [];
			const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
				written.push(String(chunk));
				return true;
			});
			try {
				expect(await error(broken)).toBe(WORKBOOK_ERRORS.corrupt);
			} finally {
				spy.mockRestore();
			}
			// past the archive's checks: exceljs itself failed
			expect(written.join('')).toMatch(/"msg":"workbook unreadable","stage":"exceljs"/);
			expect(written.join('')).not.toMatch(/Zorglub|Cunégonde/);
		});
	});
});
