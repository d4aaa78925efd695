/**
 * Issue 11, low finding: a failed import (`maillage import places`) printed the raw SQL and
 * the rows of the chunk (names, e-mails, phones). It now prints the file's row and the
 * reason only. The database's refusal is forced by a trigger on one row.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../db.ts';
import type { Database } from '../../src/lib/server/db/client.ts';
import { importPlaces, ImportFailedError } from '../../src/lib/server/places/index.ts';
import { describeError } from '../../src/lib/server/log.ts';

const CANARY = 'canari.import@personne.test';
let db: Database;

beforeAll(async () => {
	db = await createTestDatabase();
	await db.db.execute(
		sql.raw(
			`create function edges_refuse() returns trigger language plpgsql as $$ begin if new.nom like '%Refusé%' then raise exception 'refused %', new.nom; end if; return new; end $$`
		)
	);
	await db.db.execute(sql.raw(`create trigger edges_refuse before insert or update on places for each row execute function edges_refuse()`));
});
afterAll(async () => {
	await db?.close();
});

const record = (i: number, nom: string) => ({
	id: `lieu-${i}`,
	pivot: '21470001500016',
	nom,
	commune: 'Agen',
	code_postal: '47000',
	adresse: `${i} rue de la Paix`,
	latitude: 44.2 + i / 1000,
	longitude: 0.62,
	services: 'Aide aux démarches administratives',
	courriels: CANARY,
	date_maj: '2024-03-12'
});

describe('issue 11, low: a failed import names the row and the reason, nothing else', () => {
	it('the error gives the row number and a reason, no SQL, no value', async () => {
		const records = [record(1, 'Médiathèque A'), record(2, 'Médiathèque B'), record(3, 'Lieu Refusé'), record(4, 'Médiathèque D')];
		const e = await importPlaces(db, { fileName: 'lieux.json', content: JSON.stringify(records), today: '2026-11-18' }).then(
			() => null,
			(x: unknown) => x
		);
		expect(e).toBeInstanceOf(ImportFailedError);
		const message = (e as Error).message;
		expect(message).toMatch(/^row 3: the database refused it \(SQLSTATE P0001\); nothing was imported$/);
		// what the command line prints (its catch-all goes through the same redaction)
		const printed = JSON.stringify(describeError(e));
		for (const leak of [CANARY, 'insert into', 'Refusé', 'Médiathèque', 'params']) {
			expect(message).not.toContain(leak);
			expect(printed).not.toContain(leak);
		}
		// nothing was imported
		const count = (await db.db.execute(sql`select count(*)::int as n from places`)) as unknown as { rows: { n: number }[] };
		expect(Number(count.rows[0].n)).toBe(0);
	});

	it('the command line prints the file, the row and the reason', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'edges-import-'));
		const file = join(dir, 'lieux.json');
		await writeFile(file, JSON.stringify([record(1, 'Médiathèque A'), record(2, 'Lieu Refusé')]));
		vi.resetModules();
		const client = await import('../../src/lib/server/db/client.ts');
		vi.spyOn(client, 'openDatabase').mockResolvedValue({ ...db, close: async () => undefined } as never);
		const { run } = await import('../../src/cli/main.ts');
		let err = '';
		const spy = vi.spyOn(process.stderr, 'write').mockImplementation(((c: string) => ((err += c), true)) as never);
		try {
			await run(['import', 'places', file]);
		} finally {
			spy.mockRestore();
		}
		expect(err).toContain('maillage: lieux.json: row 2: the database refused it (SQLSTATE P0001); nothing was imported');
		for (const leak of [CANARY, 'insert into', 'Refusé', 'params']) expect(err).not.toContain(leak);
		process.exitCode = 0;
	});
});
