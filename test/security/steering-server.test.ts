/**
 * Issue 16: the steering routes and their open data attacked against the real server (the
 * built app, scripts/start.mjs), on PGlite and PostgreSQL, with a canary in the people's
 * records. The demo network (twelve months of activity) is loaded, a unique string is written
 * into the personal fields of two hundred of its persons, their referrals and workshops
 * (names, pseudonym, e-mail, phone, accessibility note, the referral's reason and decline
 * note, a workshop's title), the figures are refreshed; then the coordinator, a partner, a
 * prescriber, a mediator and an anonymous visitor open every steering page and file and every
 * open data table, with hostile query strings, a forged Host and an address over 16 KB.
 *
 * Expected: the canary in no page, no file and no line of the server's logs (requests logged);
 * no 5xx; every refusal a French message (400, 403, 404, 421, 431).
 * Found and fixed: an address over 16 KB got Node's bare 431 with an empty body
 * (scripts/start.mjs now answers it in French).
 */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { request as httpRequest } from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { sql } from 'drizzle-orm';
import * as OTPAuth from 'otpauth';
import ExcelJS from 'exceljs';
import { createTestDatabase, onPostgres } from '../db.ts';
import { postForm, root, sessionCookie, startServer, type RunningServer } from '../server.ts';
import { openDatabase, type Database } from '../../src/lib/server/db/client.ts';
import { resetSecretForTests } from '../../src/lib/server/security/secret.ts';
import { createDemoAccounts, ensureDemo } from '../../src/lib/server/demo/index.ts';
import { lastPublishedMonth, OPEN_TABLES, refreshSteeringFacts } from '../../src/lib/server/steering/index.ts';

const CANARY = 'CANARI-PILOTAGE-7Q2';
const SECRET_KEY = 'steering-server-test-secret-key-0123456789abcdef';
const FRENCH = /[àâéèêîôûç’]|n’est pas|n’existe pas/;

/** The PDF's text (poppler), or null where pdftotext is absent. */
function pdfText(pdf: Buffer): string | null {
	const dir = mkdtempSync(join(tmpdir(), 'steering-pdf-'));
	try {
		writeFileSync(join(dir, 'r.pdf'), pdf);
		return execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
	} catch {
		return null;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** the route ids of the steering space and its open data (folders under src/routes) */
function steeringRoutes(): string[] {
	const base = join(root, 'src', 'routes');
	const out = new Set<string>();
	const walk = (dir: string) => {
		for (const e of readdirSync(dir)) {
			const p = join(dir, e);
			if (statSync(p).isDirectory()) walk(p);
			else if (/^\+(page\.server\.ts|server\.ts)$/.test(e)) out.add('/' + relative(base, dir).split(sep).join('/'));
		}
	};
	walk(base);
	return [...out].filter((r) => /\/(pilotage|donnees)(\/|$)/.test(r)).sort();
}

describe('issue 16: the steering routes against the real server, a canary in the people’s records', () => {
	let database: Database | undefined;
	let server: RunningServer;
	let dataDir = '';
	const sessions: Record<string, string> = {};
	const ids = { action: '', meeting: '' };

	beforeAll(async () => {
		process.env.SECRET_KEY = SECRET_KEY; // the server and this process seal and open the same TOTP secrets
		resetSecretForTests();
		dataDir = mkdtempSync(join(tmpdir(), 'maillage-steering-server-'));
		// the demo network in a database the server will open: PostgreSQL, or PGlite in the server's data folder
		const db = onPostgres()
			? await createTestDatabase()
			: await openDatabase({ dataDir: join(dataDir, 'pglite'), loadDataDir: new Blob([await readFile(inject('pgliteTemplate'))]) });
		await ensureDemo(db);
		const accounts = await createDemoAccounts(db);
		// the canary, in every personal field of two hundred persons and what they were referred for
		await db.query(sql`update beneficiaries set first_name = ${CANARY + '-prenom'}, last_name = ${CANARY + '-nom'}, pseudonym = ${CANARY + '-pseudo'},
			email = ${'canari-pilotage@example.invalid'}, phone = ${CANARY + '-tel'}, accessibility_note = ${CANARY + '-sante'}
			where id in (select id from beneficiaries order by id limit 200)`);
		await db.query(sql`update referrals set reason = ${CANARY + '-motif'}, decline_note = ${CANARY + '-refus'}`);
		await db.query(sql`update accompaniments set title = ${CANARY + '-atelier'} where kind = 'collective'`);
		const [{ n }] = await db.query<{ n: number }>(sql`select count(*)::int as n from beneficiaries where first_name like ${CANARY + '%'}`);
		expect(n).toBe(200);
		await refreshSteeringFacts(db, { full: true, departments: ['47'] });
		const [a] = await db.query<{ id: string }>(sql`select id from strategy_actions order by id limit 1`);
		const [m] = await db.query<{ id: string }>(sql`select id from strategy_meetings order by id limit 1`);
		Object.assign(ids, { action: a.id, meeting: m.id });
		if (onPostgres()) database = db;
		else await db.close();

		server = await startServer({
			DATABASE_URL: database?.url ?? '',
			DATABASE_APP_URL: '',
			DATA_DIR: dataDir,
			MAILLAGE_DEMO: '1',
			MAILLAGE_JOBS: '0',
			SECRET_KEY,
			LOG_REQUESTS: '1',
			LOG_LEVEL: 'debug'
		});
		// each persona logs in over HTTP: password, then the TOTP code
		for (const role of ['coordinator', 'partner', 'prescriber', 'mediator']) {
			const account = accounts.find((x) => x.role === role && !x.admin)!;
			const first = await postForm(`${server.url}/connexion`, { email: account.email, password: account.password });
			expect(first.status, `${role} password`).toBe(303);
			const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(account.totpSecret) }).generate();
			const second = await postForm(`${server.url}/connexion/code`, { code }, sessionCookie(first)!);
			expect(second.status, `${role} code`).toBe(303);
			sessions[role] = sessionCookie(second)!;
		}
	}, 600_000);

	afterAll(async () => {
		await server?.stop();
		await database?.close();
		if (dataDir) rmSync(dataDir, { recursive: true, force: true });
	});

	const statuses: Record<string, number> = {};
	const problems: string[] = [];
	/** GET as a persona (null: anonymous); records a 5xx, a refusal not in French, and the canary in the answer (files opened) */
	async function visit(path: string, persona: string | null) {
		const res = await fetch(server.url + path, { redirect: 'manual', headers: { accept: 'text/html', ...(persona ? { cookie: sessions[persona] } : {}) } });
		const bytes = Buffer.from(await res.arrayBuffer());
		const type = res.headers.get('content-type') ?? '';
		let text = bytes.toString('utf8');
		if (res.status === 200 && type.includes('spreadsheetml')) {
			const book = new ExcelJS.Workbook();
			await book.xlsx.load(bytes as unknown as ArrayBuffer);
			const cells: string[] = [];
			book.eachSheet((sheet) => sheet.eachRow((row) => cells.push(JSON.stringify(row.values))));
			text = cells.join('\n');
		} else if (res.status === 200 && type.includes('pdf')) text = pdfText(bytes) ?? text;
		const key = `${persona ?? 'anonymous'} ${res.status}`;
		statuses[key] = (statuses[key] ?? 0) + 1;
		const what = `${persona ?? 'anonymous'} ${path.slice(0, 120)}: ${res.status}`;
		if (res.status >= 500) problems.push(`${what} (server error)`);
		if (res.status >= 400 && !FRENCH.test(text)) problems.push(`${what} (no French message)`);
		if (text.includes(CANARY) || bytes.includes(CANARY)) problems.push(`${what} (canary in the answer)`);
		return { status: res.status, text };
	}

	it('every page and file, for every persona: no 5xx, no canary, the roles kept apart', async () => {
		const month = lastPublishedMonth().slice(0, 7);
		// a table of each section, those kept from the open data, one that does not exist
		const tables = [
			'offre-acces',
			'fragilite-territoires',
			'demande-diagnostics-territoire',
			'resultats-honorees-territoire',
			'resultats-genre',
			'demande-orientations-structure',
			'resultats-pass-financeurs',
			'partenaires-fonds',
			'inconnu'
		];
		expect(tables.filter((t) => Object.hasOwn(OPEN_TABLES, t))).toHaveLength(5);
		const values: Record<string, string[]> = {
			id: [ids.action, ids.meeting, '00000000-0000-0000-0000-000000000000'],
			table: tables,
			section: ['offre', 'fragilite', 'demande', 'resultats', 'partenaires', 'inconnue'],
			departement: ['47', '33']
		};
		const queries = ['', `?periode=${month}&niveau=commune`];
		let requests = 0;
		for (const route of steeringRoutes()) {
			let urls = [''];
			for (const s of route.split('/').filter((x) => x && !/^\(.*\)$/.test(x))) {
				const m = /^\[(\w+)\](\.\w+)?$/.exec(s);
				urls = urls.flatMap((u) => (m ? values[m[1]].map((v) => `${u}/${v}${m[2] ?? ''}`) : [`${u}/${s}`]));
			}
			for (const url of urls)
				for (const q of queries)
					for (const persona of url.startsWith('/donnees') ? [null] : [null, 'coordinator', 'partner', 'prescriber', 'mediator']) {
						const r = await visit(url + q, persona);
						requests++;
						if (url.startsWith('/pilotage') && (persona === 'prescriber' || persona === 'mediator')) expect(r.status, `${persona} ${url}`).toBe(403);
						if (url.startsWith('/pilotage') && persona === null) expect(r.status, url).toBe(303);
					}
		}
		// the open data of the demand and outcomes, for anyone (on PostgreSQL the request role reads no facts without a session)
		for (const table of ['demande-diagnostics-territoire', 'resultats-genre', 'resultats-entonnoir']) {
			const open = await visit(`/donnees/pilotage/47/${table}.csv?periode=${month}&niveau=commune`, null);
			expect(open.status, table).toBe(200);
			expect(open.text, table).toMatch(/\r\nTotal;\d|\r\n[^;\r\n]+;\d/);
		}
		console.log(`[steering server] ${requests} requests over ${steeringRoutes().length} routes: ${JSON.stringify(statuses)}`);
		expect(problems).toEqual([]);
		expect(statuses['coordinator 200']).toBeGreaterThan(40);
	}, 900_000);

	it('hostile query strings on every steering page and file and the open data: a French 400 or 404, or the page; never a 5xx', async () => {
		// (every page with every value, through the hook and the routes: steering-attacks.test.ts)
		const targets = [
			'/pilotage/demande',
			'/pilotage/export/demande-orientations-territoire.csv',
			'/pilotage/export/resultats.xlsx',
			'/pilotage/rapport.pdf',
			'/pilotage/feuille-de-route.xlsx',
			`/pilotage/comites/${ids.meeting}`,
			'/donnees/pilotage/47/demande-orientations-territoire.csv'
		];
		const hostile = ['%00', '%C3%28', '%E2%80%AE', encodeURIComponent('x'.repeat(10_000)), 'constructor'];
		for (const path of targets)
			for (const name of ['zone', 'periode', 'niveau', 'departement', 'fait'])
				for (const value of hostile) {
					const r = await visit(`${path}?${name}=${value}`, path.startsWith('/donnees') ? null : 'coordinator');
					expect([200, 400, 404], `${path}?${name}=${value.slice(0, 12)}: ${r.status}`).toContain(r.status);
					if (/^%(00|C3|E2)/.test(value)) expect(r.status).toBe(400);
				}
		// an address over Node's 16 KB never reaches the app: a French 431 now, not an empty one
		for (const path of ['/pilotage/demande', '/donnees/pilotage/47/resultats-genre.csv']) {
			const r = await visit(`${path}?zone=${'x'.repeat(20_000)}`, 'coordinator');
			expect(r.status).toBe(431);
			expect(r.text).toMatch(/trop longs \(16 Ko au plus\)/);
		}
		expect(problems).toEqual([]);
		expect((await visit('/pilotage/demande', 'coordinator')).status).toBe(200);
	}, 900_000);

	it('a forged Host gets a French 421 on every steering route and the open data, whoever asks', async () => {
		const forged = (path: string, cookie?: string) =>
			new Promise<{ status: number; text: string }>((resolve, reject) => {
				const req = httpRequest({ host: '127.0.0.1', port: server.port, path, headers: { host: 'evil.test', ...(cookie ? { cookie } : {}) } }, (res) => {
					let text = '';
					res.setEncoding('utf8');
					res.on('data', (d) => (text += d));
					res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
				});
				req.on('error', reject);
				req.end();
			});
		for (const path of [
			'/pilotage',
			'/pilotage/export/demande-orientations-territoire.csv',
			'/pilotage/rapport.pdf',
			'/pilotage/feuille-de-route.xlsx',
			'/donnees',
			'/donnees/pilotage/47/resultats-genre.csv'
		])
			for (const cookie of [undefined, sessions.coordinator]) {
				const r = await forged(path, cookie);
				expect(r.status, path).toBe(421);
				expect(r.text).toBe('Cette adresse ne correspond pas à ce site. Utilisez l’adresse publique du service.');
			}
	});

	it('the canary is in no line of the server’s logs (every request above logged)', () => {
		const logs = server.output();
		expect(logs).toMatch(/"msg":"request"/);
		expect(logs.split('\n').filter((l) => l.includes(CANARY) || l.includes('canari-pilotage'))).toEqual([]);
		// no error logged by the routes attacked
		expect(logs.split('\n').filter((l) => /"level":"error"/.test(l))).toEqual([]);
	});
});
