/**
 * The `maillage` command as a user runs it (a real process): import, report, export,
 * with the same database settings as the server (DATA_DIR, or DATABASE_URL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmptyTestDatabase } from '../../test/db.ts';
import type { Database } from '../lib/server/db/client.ts';
import { parseStandardCsv } from '../lib/server/places/index.ts';
import { openDatabase } from '../lib/server/db/client.ts';
import { sql } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { sharedDataDir } from '../lib/server/paths.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const fixture = join(root, 'test', 'fixtures', 'places-agen.json');
let dir: string;
let pgDb: Database | undefined;
let env: Record<string, string>;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'maillage-cli-'));
	if (process.env.DATABASE_URL) {
		// a database of its own, dropped when closed (after the CLI runs)
		pgDb = await createEmptyTestDatabase();
		env = { DATABASE_URL: pgDb.url! };
	} else env = { DATA_DIR: dir, DATABASE_URL: '' };
});
afterAll(async () => {
	await pgDb?.close();
	await rm(dir, { recursive: true, force: true });
});

function maillage(...args: string[]) {
	return run(process.execPath, [join(root, 'bin', 'maillage.mjs'), ...args], {
		cwd: root,
		env: { ...process.env, ...env },
		maxBuffer: 64 * 1024 * 1024
	});
}

describe('npx maillage', () => {
	it('prints its usage', async () => {
		const { stdout } = await maillage('help');
		expect(stdout).toMatch(/import places <file>/);
		expect(stdout).toMatch(/export places/);
	});

	it('refuses an unknown command with a usage hint and exit code 2', async () => {
		const err = await maillage('frobnicate').catch((e) => e);
		expect(err.code).toBe(2);
		expect(err.stderr).toMatch(/unknown command/);
	});

	it('imports, reports, exports', async () => {
		// no communes yet: the import refuses and says what to run, instead of rejecting every row
		const early = await maillage('import', 'places', fixture).catch((e) => e);
		expect(early.code).toBe(2);
		expect(early.stderr).toMatch(/maillage seed territory/);
		expect(early.stdout).toBe('');
		await maillage('seed', 'territory');
		const imp = await maillage('import', 'places', fixture);
		expect(imp.stdout).toMatch(/created 5 · updated 0 · merged into existing 0 · unchanged 0 · rejected 0/);
		// the fidelity table: one line per field of the file, read = kept + mapped + dropped
		expect(imp.stdout).toMatch(/values per field of the file:/);
		expect(imp.stdout).toMatch(/^\s+nom\s+5\s+5\s+0\s+0$/m);
		const again = await maillage('import', 'places', fixture, '--json');
		expect(JSON.parse(again.stdout)).toMatchObject({ created: 0, unchanged: 5 });

		const bad = join(dir, 'bad.json');
		await writeFile(bad, JSON.stringify([{ id: 'x1', nom: 'Sans adresse', pivot: '123', commune: 'Agen', code_postal: '47000', date_maj: '2024-01-01' }]));
		const rej = await maillage('import', 'places', bad);
		expect(rej.stdout).toMatch(/rejected row 1 \(x1\): .*adresse/);

		const list = await maillage('import-reports');
		expect(list.stdout.trim().split('\n')).toHaveLength(3);
		// a stored report, for a person: its counts and fidelity table, not pages of JSON; --json gives it whole
		const id = /^#(\d+) /m.exec(list.stdout.trim().split('\n').at(-1)!)![1];
		const shown = await maillage('import-reports', 'show', id);
		expect(shown.stdout).toMatch(/created 5 · updated 0/);
		expect(shown.stdout).toMatch(/^\s+nom\s+5\s+5\s+0\s+0$/m);
		expect(() => JSON.parse(shown.stdout)).toThrow();
		const raw = JSON.parse((await maillage('import-reports', 'show', id, '--json')).stdout);
		expect(raw).toMatchObject({ created: 5, rejected: 0 });
		expect(raw.fidelity.length).toBeGreaterThan(5);

		// places known only from the Aidants Connect list (no licence): not in the file for reuse, as in /api/v1/places.csv
		const ac = parse(await readFile(join(sharedDataDir(), 'reseaux', 'aidants-connect-structures-2024-02.csv')), { columns: true }) as Record<string, string>[];
		const acFile = join(dir, 'aidants-connect-structures-2024-02.csv');
		await writeFile(
			acFile,
			stringify(ac.filter((r) => r['Is Active'] === 'true' && r['City Insee Code'].startsWith('47')).slice(0, 2), { header: true, columns: Object.keys(ac[0]) })
		);
		expect((await maillage('import', 'places', acFile)).stdout).toMatch(/created 2/);

		const out = join(dir, 'export.csv');
		const exported = await maillage('export', 'places', '--out', out);
		expect(exported.stderr).toMatch(/^2 places left out: known only from sources published without a licence \(Aidants Connect/m);
		const { headers, rows } = parseStandardCsv(await readFile(out, 'utf8'));
		expect(headers[0]).toBe('id');
		expect(rows.map((r) => r.id).sort()).toEqual(['fixture-boe', 'fixture-bordeaux', 'fixture-bus', 'fixture-lacepede', 'fixture-villeneuve']);
		const only33 = await maillage('export', 'places', '--departement', '33');
		expect(parseStandardCsv(only33.stdout).rows).toHaveLength(1);
	}, 360_000); // it loads every commune of France first, then runs a dozen commands each opening the database: three minutes on a loaded machine

	it('exports the places as data·inclusion in one file, which import places reads back (into the same places)', async () => {
		// after the test above: the fixture's places are there
		const out = join(dir, 'data-inclusion.json');
		await maillage('export', 'places', '--format', 'data-inclusion', '--out', out);
		const file = JSON.parse(await readFile(out, 'utf8'));
		expect(file.structures.map((s: { id: string }) => s.id).sort()).toEqual(
			['fixture-boe', 'fixture-bordeaux', 'fixture-bus', 'fixture-lacepede', 'fixture-villeneuve'].map((id) => `maillage--${id}`)
		);
		expect(file.services).toHaveLength(6);
		const back = await maillage('import', 'places', out, '--dry-run', '--json');
		expect(JSON.parse(back.stdout)).toMatchObject({ format: 'data-inclusion-json', created: 0, merged: 5, rejected: 0 });
		const wrong = await maillage('export', 'places', '--format', 'xml').catch((e) => e);
		expect(wrong.code).toBe(2);
		expect(wrong.stderr).toMatch(/--format csv \| data-inclusion/);
	}, 60_000);

	it('organisations import: a dry run, a line in error (nothing written), the import, the links printed without SMTP', async () => {
		// after the test above: the fixture's places are there
		const file = join(dir, 'reseau.csv');
		await writeFile(
			file,
			'structure;type;lieu;nom;courriel;role\nMédiathèque Lacépède;mediatheque;fixture-lacepede;Noa Bernard;noa@lacepede.test;responsable|médiateur\n'
		);
		const dry = await maillage('organisations', 'import', file, '--dry-run', '--origin', 'https://maillage.example.fr');
		expect(dry.stdout).toMatch(/dry run: 1 lines\nstructures: 1 to create, 0 existing\nplaces: 1 to link/);
		const badFile = join(dir, 'mauvais.csv');
		await writeFile(badFile, 'structure;type\nAsso;garage\n');
		const bad = await maillage('organisations', 'import', badFile).catch((e) => e);
		expect(bad.code).toBe(1);
		expect(bad.stdout).toMatch(/Ligne 2\s: le type « garage » n’existe pas/);
		const done = await maillage('organisations', 'import', file, '--origin', 'https://maillage.example.fr');
		expect(done.stdout).toMatch(/imported: 1 lines\nstructures: 1 created/);
		expect(done.stdout).toMatch(/noa@lacepede.test: https:\/\/maillage.example.fr\/invitation\//);
		const kind = await maillage('organisations', 'add', '--name', 'X', '--kind', 'foo', '--departement', '47').catch((e) => e);
		expect(kind.code).toBe(2);
		expect(kind.stderr).toMatch(/kinds: departement, operateur, ccas/);
	}, 120_000);

	it('pass verify: says every invariant holds, then names a breach with exit code 1', async () => {
		const ok = await maillage('pass', 'verify');
		expect(ok.stdout).toMatch(/^pass: \d+ ledger entries \(\d+ lines\), \d+ vouchers, \d+ statements: every invariant holds/);
		// an unbalanced transaction written behind the application's back
		const db = pgDb ?? (await openDatabase({ dataDir: join(dir, 'pglite') }));
		try {
			await db.db
				.execute(sql`with e as (insert into pass_ledger_entries (department_code, kind, ref_type, ref_id) values ('47', 'contribution', 'contribution', 'x') returning id)
				insert into pass_ledger_lines (entry_id, account, amount_cents) select id, 'cash', 500 from e`);
		} finally {
			if (!pgDb) await db.close();
		}
		const err = await maillage('pass', 'verify').catch((e) => e);
		expect(err.code).toBe(1);
		expect(err.stdout).toMatch(/3 breaches/);
		expect(err.stdout).toMatch(/ledger entry \d+ \(contribution\) is unbalanced: its 1 lines sum to 500 cents/);
		expect(err.stdout).toMatch(/the balances sum to 500 cents, not 0/);
		// and a posting must have its source record
		expect(err.stdout).toMatch(/ledger entry \d+ \(contribution\) refers to contribution x, which does not exist/);
	}, 180_000); // each command opens the embedded database holding every commune: over a minute on a loaded machine

	it('steering refresh: writes the months whose sources changed, every month with --full', async () => {
		const full = await maillage('steering', 'refresh', '--full', '--departement', '47');
		expect(full.stdout).toMatch(/^steering refresh: 47: \d+ months? written/m);
		expect(full.stdout).toMatch(/steering refresh: done in \d+ ms/);
		// nothing changed since: only the month under way
		const again = await maillage('steering', 'refresh', '--departement', '47');
		expect(again.stdout).toMatch(/^steering refresh: 47: 1 month written \((\d{4}-\d{2}) to \1\)$/m);
	}, 180_000); // each command opens the embedded database holding every commune: over a minute on a loaded machine

	it("audit checkpoint and audit verify: signs the journal's head outside the database, then checks the chain against it", async () => {
		const file = join(dir, 'checkpoints.jsonl');
		const withFile = (...args: string[]) =>
			run(process.execPath, [join(root, 'bin', 'maillage.mjs'), ...args], { cwd: root, env: { ...process.env, ...env, AUDIT_CHECKPOINT_FILE: file } });
		const first = await withFile('audit', 'checkpoint');
		expect(first.stdout).toMatch(/^audit checkpoint: entry #\d+ \(hash [0-9a-f]{16}…\) signed at .*, \d+ entries checked\n$/);
		const ok = await withFile('audit', 'verify');
		expect(ok.stdout).toMatch(/^audit journal: \d+ entries \(#1 to #\d+\), chain intact; 1 checkpoint, the latest at entry #\d+ \(.*\) matches\n$/);
		expect(JSON.parse((await readFile(file, 'utf8')).trim())).toMatchObject({ v: 1, seq: expect.any(Number), sig: expect.stringMatching(/^[0-9a-f]{64}$/) });
	});
});
