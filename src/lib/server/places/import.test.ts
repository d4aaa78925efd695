import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '../../../../test/db.ts';
import type { Database } from '../db/client.ts';
import { sharedDataDir } from '../paths.ts';
import { importPlaces } from './import.ts';
import { type ImportReport } from './reports.ts';
import { allPlaces, countPlaces, getPlace } from './place.ts';
import { csvHeader, csvRow } from './csv.ts';
import { getImportReport } from './reports.ts';
import { searchJournal, verifyChain } from '../audit/index.ts';

const shared = (f: string) => readFile(join(sharedDataDir(), f));
const TODAY = '2026-11-18';

let db: Database;
beforeEach(async () => {
	db = await createTestDatabase();
});
afterEach(async () => db?.close());

async function importFile(file: string, extra: Partial<Parameters<typeof importPlaces>[1]> = {}): Promise<ImportReport> {
	return importPlaces(db, { fileName: file, content: await shared(file), today: TODAY, ...extra });
}

async function exportCsv(): Promise<string> {
	let out = csvHeader();
	for await (const batch of allPlaces(db)) out += batch.map(csvRow).join('');
	return out;
}

/**
 * Every real file of ../shared/data: detected format, counts and the rejection reasons.
 * Checked against the data (see the closing note of issue 2): e.g. the 11 Conseillers
 * numériques rejections are 10 SIRETs with a wrong check digit and 1 unknown commune.
 */
const FILES: { file: string; format: string; total: number; created: number; rejected: number; reasons: RegExp[] }[] = [
	{ file: 'lieux/charente-16-schema-v1.json', format: 'v0-json', total: 188, created: 187, rejected: 1, reasons: [/clé de contrôle invalide/] },
	{ file: 'lieux/bus-france-services-charente-schema-v1.json', format: 'v0-json', total: 12, created: 12, rejected: 0, reasons: [] },
	{
		file: 'lieux/conseillers-numeriques-lieux-2022.json',
		format: 'v0-json',
		total: 4930,
		created: 4919,
		rejected: 11,
		reasons: [/clé de contrôle invalide/, /commune introuvable/]
	},
	{ file: 'lieux/gironde-33-departement.json', format: 'gironde-33', total: 347, created: 347, rejected: 0, reasons: [] },
	{ file: 'lieux/pyrenees-atlantiques-64-fibre64.json', format: 'fibre64', total: 61, created: 56, rejected: 5, reasons: [/doublon de la ligne/] },
	{ file: 'reseaux/france-services-20221201.csv', format: 'france-services-csv', total: 2683, created: 2657, rejected: 26, reasons: [/ni adresse ni commune/] },
	{
		file: 'reseaux/conseillers-numeriques-structures-20230405.csv',
		format: 'conseillers-numeriques-structures-csv',
		total: 2889,
		created: 2863,
		rejected: 26,
		reasons: [/adresse absente/, /sans coordonnées connues/]
	},
	{
		file: 'reseaux/aidants-connect-structures-2024-02.csv',
		format: 'aidants-connect-csv',
		total: 5227,
		created: 5152,
		rejected: 75,
		reasons: [/structure inactive/, /commune incohérente/, /boîte postale/, /clé de contrôle invalide/, /SIREN/]
	}
];

describe('import of every real file', () => {
	for (const f of FILES) {
		it(`${f.file}: ${f.created} created, ${f.rejected} rejected, stored, idempotent`, async () => {
			const r = await importFile(f.file);
			expect(r).toMatchObject({ format: f.format, total: f.total, created: f.created, rejected: f.rejected, merged: 0 });
			expect(r.total).toBe(r.created + r.merged + r.updated + r.unchanged + r.rejected + r.skipped);
			const reasons = r.rejections.flatMap((x) => x.reasons);
			for (const re of f.reasons)
				expect(
					reasons.some((x) => re.test(x)),
					`a rejection matching ${re}`
				).toBe(true);
			for (const rej of r.rejections) {
				expect(rej.row).toBeGreaterThan(0);
				expect(rej.reasons.length).toBeGreaterThan(0);
			}
			expect(await countPlaces(db)).toBe(r.created);
			const stored = await getImportReport(db, r.id!);
			expect(stored).toMatchObject({ created: r.created, rejected: r.rejected, total: r.total });
			expect((stored!.rejections as unknown[]).length).toBe(r.rejected);
			// re-importing changes nothing
			const again = await importFile(f.file);
			expect(again).toMatchObject({ created: 0, updated: 0, merged: 0, rejected: r.rejected, unchanged: r.created });
			expect(await countPlaces(db)).toBe(r.created);
		});
	}

	it('Aidants Connect structures are placed at their commune and flagged', async () => {
		await importFile('reseaux/aidants-connect-structures-2024-02.csv', { onlyDepartments: ['47'] });
		const [row] = await db.query<{ n: number; approx: number }>(
			sql`select count(*)::int as n, count(*) filter (where location_precision = 'municipality')::int as approx from places`
		);
		expect(row.n).toBeGreaterThan(0);
		expect(row.approx).toBe(row.n);
	});

	it('an unknown format is refused with a clear message', async () => {
		await expect(importPlaces(db, { fileName: 'x.csv', content: 'a;b;c\n1;2;3\n' })).rejects.toThrow(/format/i);
	});
});

describe('transactions', () => {
	it('never half-imports a file: a failure midway leaves nothing', async () => {
		await db.query(
			sql.raw(`create function boom() returns trigger language plpgsql as $$
			begin if new.nom ilike '%Nérac%' then raise exception 'simulated failure'; end if; return new; end $$`)
		);
		await db.query(sql.raw(`create trigger boom before insert on places for each row execute function boom()`));
		const err = await importFile('reseaux/france-services-20221201.csv', { onlyDepartments: ['47'] }).catch((e: Error) => e);
		expect(err).toBeInstanceOf(Error);
		// the row and the reason, never the SQL or the row's values (issue 11): PostgreSQL gives its
		// SQLSTATE, PGlite the trigger's message
		expect(String((err as Error & { cause?: Error }).cause?.message ?? (err as Error).message)).toMatch(
			/simulated failure|^rows? \d+(–\d+)?: the database refused it \(SQLSTATE P0001\); nothing was imported$/
		);
		expect(await countPlaces(db)).toBe(0);
		const [{ n }] = await db.query<{ n: number }>(sql`select count(*)::int as n from import_reports`);
		expect(Number(n)).toBe(0);
	});

	it('never half-imports a large file either: a failure in its last chunk rolls back every chunk', async () => {
		// records go through in chunks of 2,000 written while the next chunk is validated
		await db.query(
			sql.raw(`create function boom() returns trigger language plpgsql as $$
			begin if new.nom = 'Arile Thémis' then raise exception 'simulated late failure'; end if; return new; end $$`)
		);
		await db.query(sql.raw(`create trigger boom before insert on places for each row execute function boom()`));
		const err = await importFile('reseaux/aidants-connect-structures-2024-02.csv').catch((e: Error) => e);
		expect(err).toBeInstanceOf(Error);
		// the row and the reason, never the SQL or the row's values (issue 11): PostgreSQL gives its
		// SQLSTATE, PGlite the trigger's message
		expect(String((err as Error & { cause?: Error }).cause?.message ?? (err as Error).message)).toMatch(
			/simulated late failure|^rows? \d+(–\d+)?: the database refused it \(SQLSTATE P0001\); nothing was imported$/
		);
		expect(await countPlaces(db)).toBe(0);
		const [{ n }] = await db.query<{ n: number }>(sql`select count(*)::int as n from place_sources`);
		expect(Number(n)).toBe(0);
	});

	it('a dry run writes nothing', async () => {
		const r = await importFile('reseaux/france-services-20221201.csv', { dryRun: true, onlyDepartments: ['47'] });
		expect(r.created).toBe(23);
		expect(await countPlaces(db)).toBe(0);
	});
});

describe('same place from two sources', () => {
	it('France Services then Conseillers numériques in Lot-et-Garonne: merged, both sources kept', async () => {
		const fs = await importFile('reseaux/france-services-20221201.csv', { onlyDepartments: ['47'] });
		const cn = await importFile('lieux/conseillers-numeriques-lieux-2022.json', { onlyDepartments: ['47'] });
		expect(fs.created).toBe(23);
		expect(cn.merged).toBeGreaterThan(0);
		expect(await countPlaces(db)).toBe(fs.created + cn.created);
		const [row] = await db.query<{ place_id: string }>(sql`select place_id from place_sources group by place_id having count(distinct source) = 2 limit 1`);
		const p = await getPlace(db, row.place_id);
		expect(new Set(p!.sources.map((s) => s.source))).toEqual(new Set(['france-services', 'conseiller-numerique']));
		expect(p!.dispositifProgrammesNationaux).toEqual(expect.arrayContaining(['France Services', 'Conseillers numériques']));
		// re-importing both is still idempotent
		const again = await importFile('lieux/conseillers-numeriques-lieux-2022.json', { onlyDepartments: ['47'] });
		expect(again.unchanged).toBe(cn.created + cn.merged);
	});
});

describe('export → import → export', () => {
	it('gives the same file', async () => {
		await importFile('lieux/charente-16-schema-v1.json');
		await importFile('reseaux/france-services-20221201.csv', { onlyDepartments: ['47', '33'] });
		const first = await exportCsv();
		const other = await createTestDatabase();
		try {
			const r = await importPlaces(other, { fileName: 'export.csv', content: first, today: TODAY });
			expect(r.rejected).toBe(0);
			expect(r.merged).toBe(0);
			const keep = db;
			db = other;
			const second = await exportCsv();
			db = keep;
			expect(second).toBe(first);
		} finally {
			await other.close();
		}
	});
});

describe('the journal', () => {
	it('records each import that wrote places: who, the file’s digest, the counts', async () => {
		const r = await importFile('lieux/charente-16-schema-v1.json');
		const again = await importFile('lieux/charente-16-schema-v1.json');
		expect(again.created + again.updated + again.merged).toBe(0);
		const { rows } = await searchJournal(db, { departmentCodes: null, action: 'places.imported' });
		expect(rows).toHaveLength(1); // the unchanged re-import wrote nothing
		expect(rows[0]).toMatchObject({ actorKind: 'cli', targetId: String(r.id), afterDigest: expect.stringMatching(/^[0-9a-f]{64}$/) });
		expect(rows[0].details).toMatchObject({ file: 'lieux/charente-16-schema-v1.json', created: r.created, rejected: r.rejected });
		expect((await verifyChain(db)).ok).toBe(true);
	});
});
