/**
 * Issue 16: the steering space (`/pilotage/*`, its CSV, XLSX and PDF) and its open data
 * (`/donnees/pilotage/…`) attacked, on PGlite and PostgreSQL; the same attacks against the
 * real server, with a canary in the logs, are in steering-server.test.ts.
 *
 * - every request goes through the server's hook then the real route (the access rules
 *   stubbed to « allow »: they have their own tests in access.test.ts; the session is the
 *   persona's): NUL bytes, malformed UTF-8, huge values, `__proto__` and `constructor` in
 *   `?zone=`, `?periode=`, `?niveau=`, `?departement=` are a French 400 or 404, or the page
 *   with its defaults, never a 500; a forged Host is a 421 before anything;
 * - found: `?fait=constructor` (or `toString`…) on the roadmap's and the committees' pages
 *   read `Object`'s own property and gave a 500;
 * - a partner reads what its structures did: another partner's figures, names and totals
 *   never reach its pages, exports, workbook or report, whatever the query asks;
 * - formulas in every text a user types that reaches a steering or roadmap file (action
 *   titles, descriptions, axes, areas, structures' names, committee decisions) stay text
 *   (decision 0005).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { openWorld, type World } from '../world.ts';
import { getThroughHooks, type Handler } from './through-hooks.ts';
import { setDatabase } from '../../src/lib/server/db/client.ts';
import type { Actor } from '../../src/lib/server/accounts/index.ts';
import { addDecision, createAction, createAxis, createMeeting, roadmap, roadmapFile } from '../../src/lib/server/strategy/index.ts';
import { demandSections, outcomeSections, partnerSections, steeringExport, steeringReport, steeringWorkbook } from '../../src/lib/server/steering/index.ts';
import { addDays, parisDay } from '../../src/lib/time.ts';

vi.mock('../../src/lib/server/access.ts', async (original) => ({ ...(await original<object>()), decide: () => 'allow' }));
const { handle } = await import('../../src/hooks.server.ts');
const routes = {
	layout: await import('../../src/routes/(pro)/pilotage/+layout.server.ts'),
	demande: await import('../../src/routes/(pro)/pilotage/demande/+page.server.ts'),
	resultats: await import('../../src/routes/(pro)/pilotage/resultats/+page.server.ts'),
	partenaires: await import('../../src/routes/(pro)/pilotage/partenaires/+page.server.ts'),
	offre: await import('../../src/routes/(pro)/pilotage/offre/+page.server.ts'),
	csv: await import('../../src/routes/(pro)/pilotage/export/[table].csv/+server.ts'),
	xlsx: await import('../../src/routes/(pro)/pilotage/export/[section].xlsx/+server.ts'),
	pdf: await import('../../src/routes/(pro)/pilotage/rapport.pdf/+server.ts'),
	roadmapCsv: await import('../../src/routes/(pro)/pilotage/feuille-de-route.csv/+server.ts'),
	roadmap: await import('../../src/routes/(pro)/pilotage/feuille-de-route/+page.server.ts'),
	action: await import('../../src/routes/(pro)/pilotage/feuille-de-route/[id]/+page.server.ts'),
	meetings: await import('../../src/routes/(pro)/pilotage/comites/+page.server.ts'),
	meeting: await import('../../src/routes/(pro)/pilotage/comites/[id]/+page.server.ts'),
	open: await import('../../src/routes/(public)/donnees/pilotage/[departement]/[table].csv/+server.ts')
};

const NOW = new Date('2026-12-07T11:00:00Z');
const TODAY = parisDay(NOW);
const FRENCH = /[àâéèêîôûç’]|n’est pas|n’existe pas/;

let w: World;
let coordinator: Actor;
let caf: Actor;
let msa: Actor;
let ids: Record<string, string> = {};
const savedOrigin = process.env.ORIGIN;

beforeAll(async () => {
	process.env.ORIGIN = 'http://localhost:3000';
	w = await openWorld({ places: 'agen' });
	setDatabase(w.db);
	const org = (name: string, kind: string) => w.organisation(name, kind);
	const cd = await org('Département de Lot-et-Garonne', 'departement');
	const cafOrg = await org('CAF de Lot-et-Garonne', 'operateur');
	const msaOrg = await org('MSA SECRETE Dordogne Lot-et-Garonne', 'operateur');
	const ccas = await org('CCAS d’Agen', 'ccas');
	const formulaOrg = await org('=SOMME(1;2) Association', 'association');
	coordinator = await w.member('coord@cd47.test', cd, 'coordinator');
	caf = await w.member('alex@caf47.test', cafOrg, 'partner');
	msa = await w.member('sam@msa47.test', msaOrg, 'partner');
	ids = { cd, caf: cafOrg, msa: msaOrg, ccas, formulaOrg };

	// the figures: referrals sent by each structure's agents, contributions and vouchers of each funder (facts, as the refresh writes them)
	const fact = (month: string, kind: string, commune: string, orgId: string, a: string, n: number, amount = 0) =>
		w.db.query(sql`insert into steering_facts (department_code, month, kind, commune_code, organisation_id, dim_a, dim_b, n, persons, amount_cents)
			values ('47', ${month}::date, ${kind}, ${commune}, ${orgId}, ${a}, '', ${n}, 0, ${amount})`);
	for (const [orgId, n] of [
		[ccas, 40],
		[cafOrg, 12],
		[msaOrg, 23]
	] as const) {
		await fact('2026-07-01', 'referral_sent', '47001', orgId, '', n);
		await fact('2026-07-01', 'referral_event', '47001', orgId, 'honoured', Math.floor(n / 2));
		await fact('2026-08-01', 'assessment', '47195', orgId, '', n + 1);
	}
	await fact('2026-07-01', 'contribution', '', cafOrg, '', 1, 500000);
	await fact('2026-07-01', 'contribution', '', msaOrg, '', 1, 777700);
	await fact('2026-08-01', 'voucher_funder', '47001', msaOrg, 'redeemed', 9, 9000);
	await fact('2026-08-01', 'voucher_funder', '47001', cafOrg, 'redeemed', 7, 7000);
	// and summed over the communes, as the refresh writes them beside the facts
	await w.db.query(sql`insert into steering_facts_summed (department_code, month, kind, organisation_id, dim_a, dim_b, n, persons, amount_cents)
		select department_code, month, kind, organisation_id, dim_a, dim_b, sum(n), sum(persons), sum(amount_cents) from steering_facts group by 1, 2, 3, 4, 5, 6`);
	await w.db.query(
		sql`insert into steering_refresh (department_code, watermark, refreshed_at, months) values ('47', ${NOW.toISOString()}::timestamptz, ${NOW.toISOString()}::timestamptz, 12)`
	);
	// areas whose names a coordinator typed as formulas
	await w.db.query(
		sql`insert into areas (department_code, kind, name) values ('47', 'bassin_de_vie', '=1+1'), ('47', 'bassin_de_vie', '+cmd|'' /C calc''!A0')`
	);
	await w.db.query(sql`insert into area_municipalities (area_id, insee_code) select id, '47001' from areas where name = '=1+1'`);
	await w.db.query(sql`insert into area_municipalities (area_id, insee_code) select id, '47195' from areas where name like '+cmd%'`);

	// the roadmap: every text a coordinator types, as formulas
	await createAxis(w.db, coordinator, '47', { label: '@SUM(1+1)*cmd|x' });
	const axis = (await roadmap(w.db, coordinator, new URLSearchParams())).axes[0].id;
	ids.action = await createAction(w.db, coordinator, '47', {
		title: '=HYPERLINK("http://evil.test","action")',
		description: "-2+3+cmd|' /C calc'!A0",
		axisId: axis,
		pilotId: formulaOrg,
		partnerIds: [cafOrg],
		wholeDepartment: false,
		areaIds: [],
		epciCodes: [],
		communes: 'Agen',
		budget: '1 000',
		fundings: [{ funderId: formulaOrg, amount: '500' }],
		indicators: [],
		dueDate: addDays(TODAY, 90),
		status: 'planned'
	});
	ids.meeting = await createMeeting(w.db, coordinator, '47', {
		kind: 'copil',
		heldOn: addDays(TODAY, -3),
		mode: 'video',
		presentIds: [cafOrg],
		agenda: "=cmd|' /C calc'!A0",
		minutes: '+HYPERLINK("http://evil.test")'
	});
	await addDecision(w.db, coordinator, ids.meeting, {
		body: '=HYPERLINK("http://evil.test","décision")',
		ownerId: formulaOrg,
		dueDate: '',
		actionIds: [ids.action]
	});
}, 180_000);
afterAll(async () => {
	if (savedOrigin === undefined) delete process.env.ORIGIN;
	else process.env.ORIGIN = savedOrigin;
	setDatabase(undefined);
	await w?.close();
});

/** A GET through the server's hook, then the route (a load or a +server handler), as `actor`. */
const get = (path: string, routeId: string, handler: Handler, actor: Actor | null, params: Record<string, string> = {}, host = 'localhost:3000') =>
	getThroughHooks(handle, path, routeId, handler, actor, params, host);

describe('issue 16, steering attacked: query strings', () => {
	const TARGETS: [string, string, Handler, Record<string, string>][] = [
		['/pilotage', '/(pro)/pilotage', routes.layout.load as Handler, {}],
		['/pilotage/demande', '/(pro)/pilotage/demande', routes.demande.load as Handler, {}],
		['/pilotage/resultats', '/(pro)/pilotage/resultats', routes.resultats.load as Handler, {}],
		['/pilotage/partenaires', '/(pro)/pilotage/partenaires', routes.partenaires.load as Handler, {}],
		[
			'/pilotage/export/demande-orientations-territoire.csv',
			'/(pro)/pilotage/export/[table].csv',
			routes.csv.GET as Handler,
			{ table: 'demande-orientations-territoire' }
		],
		['/pilotage/export/resultats.xlsx', '/(pro)/pilotage/export/[section].xlsx', routes.xlsx.GET as Handler, { section: 'resultats' }],
		['/pilotage/rapport.pdf', '/(pro)/pilotage/rapport.pdf', routes.pdf.GET as Handler, {}],
		[
			'/donnees/pilotage/47/resultats-genre.csv',
			'/(public)/donnees/pilotage/[departement]/[table].csv',
			routes.open.GET as Handler,
			{ departement: '47', table: 'resultats-genre' }
		]
	];
	const HOSTILE = [
		'%00',
		'A%00B',
		'%C3%28',
		'%FF',
		encodeURIComponent('x'.repeat(12_000)),
		'1e400',
		'-1',
		'__proto__',
		'constructor',
		'2026-T9',
		'..%2F..',
		'%E2%80%AE47'
	];
	/** the files that build every section (a workbook, the report): the values that reach them, fewer */
	const HEAVY = new Set(['/pilotage/export/resultats.xlsx', '/pilotage/rapport.pdf']);

	it('NUL bytes, malformed UTF-8, huge and odd values in ?zone=, ?periode=, ?niveau=, ?departement=: a French 400 or 404, or the page, never a 500', async () => {
		const seen: Record<string, number> = {};
		for (const [path, routeId, handler, params] of TARGETS)
			for (const name of ['zone', 'periode', 'niveau', 'departement'])
				for (const value of HEAVY.has(path) ? HOSTILE.filter((v) => /%/.test(v) || v === 'constructor') : HOSTILE) {
					const r = await get(`${path}?periode=2026&${name}=${value}`, routeId, handler, coordinator, params);
					const what = `${path}?${name}=${value.slice(0, 20)}`;
					seen[`${path.split('/')[1]} ${r.status}`] = (seen[`${path.split('/')[1]} ${r.status}`] ?? 0) + 1;
					expect([200, 400, 404], `${what}: ${r.status} ${r.body.slice(0, 200)}`).toContain(r.status);
					if (r.status !== 200) expect(r.body, what).toMatch(FRENCH);
					// control characters and malformed UTF-8 are refused before the route, everywhere
					if (/%00|%C3%28|%FF|%E2%80%AE/.test(value)) expect(r.status, what).toBe(400);
				}
		// the open data refuses what it does not know (a stable address means what it says); the steering pages show their defaults
		expect(seen['donnees 400']).toBeGreaterThan(20);
		expect(seen['pilotage 200']).toBeGreaterThan(100);
	}, 600_000);

	it('the report of one territory: an unknown or huge ?zone= is a French 404', async () => {
		for (const zone of ['Atlantide', 'x'.repeat(12_000), '__proto__', 'constructor', '=2+2'])
			expect(
				await get(
					`/pilotage/rapport.pdf?niveau=bassin_de_vie&zone=${encodeURIComponent(zone)}`,
					'/(pro)/pilotage/rapport.pdf',
					routes.pdf.GET as Handler,
					coordinator
				)
			).toEqual({
				status: 404,
				body: 'Ce territoire n’est pas dans ce découpage.'
			});
		// an area named like a formula is a territory like any other (its file name is made of letters)
		expect(
			(await get('/pilotage/rapport.pdf?niveau=bassin_de_vie&zone=%3D1%2B1', '/(pro)/pilotage/rapport.pdf', routes.pdf.GET as Handler, coordinator)).status
		).toBe(200);
		const named = await steeringReport(w.db, coordinator, new URLSearchParams('niveau=bassin_de_vie&zone=%2Bcmd%7C%27+%2FC+calc%27%21A0'), 'maillage', TODAY);
		expect(named.fileName).toMatch(/^rapport-47-[a-z0-9-]+-\d{4}\.pdf$/);
	});

	it('found: ?fait=constructor (or toString, __proto__…) read Object’s own property on the roadmap’s and the committees’ pages and gave a 500', async () => {
		const pages: [string, string, Handler, Record<string, string>][] = [
			['/pilotage/feuille-de-route', '/(pro)/pilotage/feuille-de-route', routes.roadmap.load as Handler, {}],
			[`/pilotage/feuille-de-route/${ids.action}`, '/(pro)/pilotage/feuille-de-route/[id]', routes.action.load as Handler, { id: ids.action }],
			['/pilotage/comites', '/(pro)/pilotage/comites', routes.meetings.load as Handler, {}],
			[`/pilotage/comites/${ids.meeting}`, '/(pro)/pilotage/comites/[id]', routes.meeting.load as Handler, { id: ids.meeting }]
		];
		for (const [path, routeId, handler, params] of pages)
			for (const fait of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf', '%00']) {
				const r = await get(`${path}?fait=${fait}&retirer=${fait}`, routeId, handler, coordinator, params);
				expect(`${path}?fait=${fait}: ${r.status}`).toBe(`${path}?fait=${fait}: ${fait === '%00' ? 400 : 200}`);
				if (fait !== '%00') {
					const data = (await (handler as (e: unknown) => Promise<{ done: unknown }>)({
						url: new URL(`http://localhost:3000${path}?fait=${fait}`),
						params,
						locals: { session: { actor: coordinator } }
					})) as { done: unknown };
					expect(data.done, `${path}?fait=${fait}`).toBeNull();
				}
			}
	});

	it('a forged Host is refused before anything, in French (421), on every steering and open data route', async () => {
		for (const [path, routeId, handler, params] of TARGETS) {
			const r = await get(path, routeId, handler, coordinator, params, 'evil.test');
			expect(r.status, path).toBe(421);
			expect(r.body).toBe('Cette adresse ne correspond pas à ce site. Utilisez l’adresse publique du service.');
		}
	});
});

describe('issue 16, steering attacked: a partner’s scope', () => {
	const secret = ['MSA SECRETE', '7777'];
	const everything = async (actor: Actor, query: string) => {
		const p = new URLSearchParams(query);
		const texts: string[] = [];
		for (const built of [demandSections, outcomeSections, partnerSections])
			texts.push(JSON.stringify((await built(w.db, actor, p, NOW)).sections.flatMap((s) => s.tables.map((t) => [t.table.rows, t.table.total, t.summary]))));
		for (const id of [
			'demande-orientations-structure',
			'demande-orientations-type',
			'demande-diagnostics-territoire',
			'resultats-pass-financeurs',
			'partenaires-fonds',
			'partenaires-orientations'
		])
			texts.push((await steeringExport(w.db, actor, id, p, TODAY)).body);
		for (const section of ['demande', 'resultats', 'partenaires']) {
			const book = new ExcelJS.Workbook();
			await book.xlsx.load((await steeringWorkbook(w.db, actor, section, p, 'maillage', TODAY)).body as unknown as ArrayBuffer);
			book.eachSheet((s) => s.eachRow((r) => texts.push(JSON.stringify(r.values))));
		}
		return texts.join('\n');
	};

	it('reads what its structures did and funded, nothing of another partner, whatever the query asks', async () => {
		for (const query of [
			'periode=2026&niveau=departement',
			`periode=2026&departement=33&partenaire=${ids.msa}&structure=${ids.msa}&organisation=${ids.msa}`,
			'periode=2026-T3&niveau=commune',
			'periode=2026-07&niveau=bassin_de_vie'
		]) {
			const text = await everything(caf, query);
			for (const s of secret) expect(text.includes(s), `${s} in the CAF's ${query}`).toBe(false);
			expect(text).toContain('CAF de Lot-et-Garonne');
			expect(text).toContain('5000');
		}
		// the coordinator reads both; the MSA its own line
		expect(await everything(coordinator, 'periode=2026&niveau=departement')).toContain('MSA SECRETE');
		const own = await everything(msa, 'periode=2026&niveau=departement');
		expect(own).toContain('MSA SECRETE');
		expect(own).not.toContain('CAF de Lot-et-Garonne');
	});

	it('its totals are its own: the referrals of its agents, not the network’s', async () => {
		const byStructure = (await demandSections(w.db, caf, new URLSearchParams('periode=2026&niveau=departement'), NOW)).sections
			.flatMap((s) => s.tables)
			.find((t) => t.table.id === 'demande-orientations-structure')!.table;
		expect(byStructure.rows.map((r) => r[0])).toEqual(['CAF de Lot-et-Garonne (partenaire)']);
		expect(byStructure.total).toEqual(['Total', 12]);
	});
});

describe('issue 16, steering attacked: formulas typed by users stay text in every file (decision 0005)', () => {
	const FORMULA_START = /^[=+\-@\t\r]/;
	/** the cells of a `;` CSV of ours */
	const cells = (csv: string) =>
		csv
			.replace(/^\ufeff/, '')
			.split('\r\n')
			.flatMap((line) => line.match(/("([^"]|"")*"|[^;]*)(;|$)/g) ?? [])
			.map((c) => c.replace(/;$/, '').replace(/^"(.*)"$/s, '$1'));

	it('the roadmap’s CSV and workbook (action title and description, axis, pilot, funder), and no committee text in them', async () => {
		const csv = (await roadmapFile(w.db, caf, new URLSearchParams(), 'csv')).body as string;
		expect(csv).toContain('\'=HYPERLINK(""http://evil.test"",""action"")');
		expect(csv).toContain("'@SUM(1+1)*cmd|x");
		expect(csv).toContain("'-2+3+cmd|' /C calc'!A0");
		for (const c of cells(csv)) expect(FORMULA_START.test(c) && !/^-?\d/.test(c), c).toBe(false);
		// the committees' agenda, minutes and decisions are in no roadmap file
		expect(csv).not.toContain('décision');
		expect(csv).not.toContain('+HYPERLINK("http://evil.test")');
		const xlsx = (await roadmapFile(w.db, caf, new URLSearchParams(), 'xlsx')).body as Uint8Array;
		const book = new ExcelJS.Workbook();
		await book.xlsx.load(xlsx.buffer as ArrayBuffer);
		let texts = 0;
		book.eachSheet((sheet) =>
			sheet.eachRow((row) =>
				row.eachCell((cell) => {
					// a text is a string cell, never a formula (exceljs writes one only when given one)
					expect(cell.type, String(cell.value)).not.toBe(ExcelJS.ValueType.Formula);
					if (typeof cell.value === 'string' && FORMULA_START.test(cell.value)) texts++;
				})
			)
		);
		expect(texts).toBeGreaterThanOrEqual(3);
	});

	it('the steering tables’ CSV, workbook and open data (areas and structures named like formulas)', async () => {
		const p = new URLSearchParams('periode=2026&niveau=bassin_de_vie');
		const files = [
			(await steeringExport(w.db, coordinator, 'demande-orientations-territoire', p, TODAY)).body,
			(await steeringExport(w.db, coordinator, 'demande-orientations-structure', p, TODAY)).body,
			(await steeringExport(w.db, coordinator, 'offre-territoires', p, TODAY)).body
		];
		const open = await get(
			'/donnees/pilotage/47/demande-orientations-territoire.csv?periode=2026&niveau=bassin_de_vie',
			'/(public)/donnees/pilotage/[departement]/[table].csv',
			routes.open.GET as Handler,
			null,
			{ departement: '47', table: 'demande-orientations-territoire' }
		);
		expect(open.status).toBe(200);
		files.push(
			await (
				await routes.open.GET({
					params: { departement: '47', table: 'demande-orientations-territoire' },
					url: new URL('http://localhost:3000/x?periode=2026&niveau=bassin_de_vie')
				} as never)
			).text()
		);
		const all = files.flatMap(cells);
		expect(all).toContain("'=1+1");
		expect(all).toContain("'+cmd|' /C calc'!A0");
		for (const c of all) expect(FORMULA_START.test(c) && !/^-?\d/.test(c), c).toBe(false);
		const book = new ExcelJS.Workbook();
		await book.xlsx.load((await steeringWorkbook(w.db, coordinator, 'demande', p, 'maillage', TODAY)).body as unknown as ArrayBuffer);
		book.eachSheet((sheet) =>
			sheet.eachRow((row) =>
				row.eachCell((cell) => {
					expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
					if (typeof cell.value === 'string') expect(FORMULA_START.test(cell.value), cell.value).toBe(false);
				})
			)
		);
	});
});
