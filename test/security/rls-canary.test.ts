/**
 * Issue 11, finding 5: row-level security by default. Rows of département 33 are written
 * straight into the database as its owner (as a buggy import or a buggy service filter
 * would leave them), some carrying the id of a Lot-et-Garonne (47) organisation, each with
 * a canary string in its text. Then the real server runs on that database, each persona logs
 * in over HTTP (password, then TOTP code), and every page
 * and export of the app is fetched, for a prescriber, a mediator, a coordinator and a
 * partner of 47, with the canary rows' ids in the URLs: the canary never shows.
 * PostgreSQL only (PGlite has one user: the services' filters are its wall).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { createTestDatabase, onPostgres } from '../db.ts';
import type { Database } from '../../src/lib/server/db/client.ts';
import { addMember, createOrganisation, newTotpSecret, totpCodeAt } from '../../src/lib/server/accounts/index.ts';
import { users } from '../../src/lib/server/accounts/db.ts';
import { resetSecretForTests } from '../../src/lib/server/security/secret.ts';
import { journal } from '../../src/lib/server/audit/index.ts';
import { importPlaces } from '../../src/lib/server/places/index.ts';
import { readFile } from 'node:fs/promises';

const CANARY = 'CANARI-RLS';
const OWN = 'PROPRE-47';
const SECRET_KEY = 'rls-canary-test-secret-key-0123456789abcdef';
const PASSWORD = 'une longue phrase pour les tests de cloisonnement';

/** every route of the app: its id (folder under src/routes) */
export function appRoutes(root = join(process.cwd(), 'src', 'routes')): string[] {
	const out = new Set<string>();
	const walk = (dir: string) => {
		for (const e of readdirSync(dir)) {
			const p = join(dir, e);
			if (statSync(p).isDirectory()) walk(p);
			else if (/^\+(page\.server\.ts|server\.ts|page\.svelte)$/.test(e)) out.add('/' + relative(root, dir).split(sep).join('/'));
		}
	};
	walk(root);
	return [...out].map((r) => (r === '/' ? '/' : r.replace(/\/$/, ''))).sort();
}

/** the URLs of a route id, one per substitution of its parameters */
function urlsOf(routeId: string, params: Record<string, string[]>): string[] {
	const segments = routeId.split('/').filter((s) => s && !/^\(.*\)$/.test(s));
	let urls = [''];
	for (const s of segments) {
		const m = /^\[(\.\.\.)?(\w+)\]$/.exec(s);
		const values = m ? (params[m[2]] ?? []) : [s];
		urls = urls.flatMap((u) => values.map((v) => `${u}/${encodeURIComponent(v)}`));
	}
	return urls.map((u) => u || '/');
}

async function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const s = createServer();
		s.listen(0, '127.0.0.1', () => {
			const port = (s.address() as { port: number }).port;
			s.close(() => resolve(port));
		});
	});
}

describe.skipIf(!onPostgres())('issue 11, finding 5: canary rows of another département never reach a professional of 47', () => {
	let database: Database;
	let server: ChildProcess | undefined;
	let origin = '';
	let dataDir = '';
	const tokens: Record<string, string> = {};
	const ids: Record<string, string> = {};
	const logs: string[] = [];

	beforeAll(async () => {
		process.env.SECRET_KEY = SECRET_KEY; // the server and this process seal and open the same TOTP secrets
		resetSecretForTests();
		database = await createTestDatabase();
		const db = database.db;
		const org = (name: string, kind: string, departmentCode: string) => createOrganisation(database, null, { name, kind, departmentCode });
		const ccas47 = await org('CCAS de Marmande', 'ccas', '47');
		const media47 = await org('Médiathèque de Nérac', 'mediatheque', '47');
		const caf47 = await org('CAF de Lot-et-Garonne', 'operateur', '47');
		const cd47 = await org('Département de Lot-et-Garonne', 'departement', '47');
		const ccas33 = await org(`CCAS ${CANARY} Bordeaux`, 'ccas', '33');
		Object.assign(ids, { ccas47: ccas47.id, media47: media47.id, org33: ccas33.id });
		const content = await readFile(new URL('../fixtures/places-agen.json', import.meta.url));
		await importPlaces(database, { fileName: 'places-agen.json', content, today: '2026-11-18' });
		const place = async (dep: string) =>
			(await database.query<{ id: string }>(sql`select id from places where department_code = ${dep} order by id limit 1`))[0].id;
		const place47 = await place('47');
		const place33 = await place('33');
		ids.place33 = place33;
		await database.query(sql`insert into organisation_places (organisation_id, place_id) values (${media47.id}, ${place47})`);
		const personas: [string, string, string][] = [
			['prescriber', ccas47.id, 'prescriber'],
			['mediator', media47.id, 'mediator'],
			['coordinator', cd47.id, 'coordinator'],
			['partner', caf47.id, 'partner']
		];
		const secrets: Record<string, string> = {};
		for (const [key, organisationId, role] of personas) {
			const { userId } = await addMember(database, null, {
				email: `${key}@rls47.test`,
				displayName: `Persona ${key}`,
				organisationId,
				role: role as never,
				password: PASSWORD
			});
			const { base32, sealed } = newTotpSecret();
			await db.update(users).set({ totpSecret: sealed, totpConfirmedAt: new Date() }).where(eq(users.id, userId));
			secrets[key] = base32;
			ids[`user_${key}`] = userId;
		}
		const coordinator33 = await addMember(database, null, {
			email: 'coordination@rls33.test',
			displayName: 'Coordination Gironde',
			organisationId: ccas33.id,
			role: 'coordinator'
		});

		// --- the 47's own record: the pages must still show it (the scope is really applied)
		const [own] = await database.query<{ id: string }>(sql`insert into beneficiaries (organisation_id, department_code, first_name, last_name)
			values (${ccas47.id}, '47', ${OWN}, 'Martin') returning id`);
		ids.own = own.id;

		// --- canary rows, straight into the tables as their owner
		const q = async (s: ReturnType<typeof sql>) => (await database.query<{ id: string }>(s))[0]?.id;
		// a 33 record carrying the 47 CCAS's id: a filter on the organisation alone would list it
		ids.benef_org47 = await q(sql`insert into beneficiaries (organisation_id, department_code, first_name, last_name, email, phone, accessibility_note)
			values (${ccas47.id}, '33', ${CANARY + '-prenom'}, ${CANARY + '-nom'}, 'canari@rls33.test', '+33600000033', ${CANARY + '-sante'}) returning id`);
		ids.benef33 = await q(sql`insert into beneficiaries (organisation_id, department_code, first_name, last_name, pseudonym)
			values (${ccas33.id}, '33', ${CANARY + '-b'}, ${CANARY + '-b'}, ${CANARY + '-pseudo'}) returning id`);
		ids.consent33 = await q(sql`insert into grants (beneficiary_id, scopes, purpose, method, recorded_by_organisation_id)
			values (${ids.benef33}, '{identity}', ${CANARY + '-finalite'}, 'oral', ${ccas33.id}) returning id`);
		const consentOrg47 = await q(sql`insert into grants (beneficiary_id, scopes, purpose, method, recorded_by_organisation_id)
			values (${ids.benef_org47}, '{identity}', ${CANARY + '-finalite47'}, 'oral', ${ccas33.id}) returning id`);
		// a 33 referral sent "from" the 47 CCAS to the 47 médiathèque's place, department fields 33
		ids.referral33 =
			await q(sql`insert into referrals (beneficiary_id, from_organisation_id, place_id, to_organisation_id, consent_id, reason, department_code, place_department_code, link_nonce)
			values (${ids.benef_org47}, ${ccas47.id}, ${place33}, ${media47.id}, ${consentOrg47}, ${CANARY + '-motif'}, '33', '33', 'nonce') returning id`);
		await database.query(sql`insert into referral_events (referral_id, type, actor_kind, to_status) values (${ids.referral33}, 'sent', 'user', 'sent')`);
		ids.accompaniment33 =
			await q(sql`insert into accompaniments (organisation_id, place_id, department_code, date, kind, duration_minutes, location, title, beneficiary_id)
			values (${media47.id}, ${place47}, '33', current_date, 'collective', 60, 'place', ${CANARY + '-atelier'}, ${ids.benef_org47}) returning id`);
		await database.query(sql`insert into consent_requests (consent_id, beneficiary_id, organisation_id, phone, reference, expires_at)
			values (${ids.consent33}, ${ids.benef33}, ${ccas33.id}, '+33600000033', ${CANARY + '-ref'}, now() + interval '1 day')`);
		await database.query(sql`insert into invitations (email, display_name, organisation_id, role, expires_at)
			values ('invite@rls33.test', ${CANARY + '-invite'}, ${ccas33.id}, 'prescriber', now() + interval '1 day')`);
		await database.query(
			sql`insert into place_error_reports (place_id, message, contact_email) values (${place33}, ${CANARY + '-signalement'}, 'canari@rls33.test')`
		);
		// the Pass: a 33 campaign, a booklet, a voucher handed out by the 47 CCAS, a statement and an alert about 47 organisations
		ids.campaign33 = await q(sql`insert into pass_campaigns (department_code, name, valid_from, valid_until, status)
			values ('33', ${CANARY + '-campagne'}, current_date - 10, current_date + 300, 'funded') returning id`);
		const booklet = await q(sql`insert into pass_booklets (campaign_id, department_code, number, size, holder_organisation_id)
			values (${ids.campaign33}, '33', 1, 10, ${ccas47.id}) returning id`);
		ids.voucher33 =
			await q(sql`insert into pass_vouchers (code, campaign_id, booklet_id, position, department_code, face_value_cents, state, distributed_at, distributed_organisation_id, beneficiary_id)
			values ('CANARIRLS33', ${ids.campaign33}, ${booklet}, 1, '33', 1000, 'distributed', now(), ${ccas47.id}, ${ids.benef_org47}) returning id`);
		ids.statement33 = await q(sql`insert into pass_statements (department_code, month, place_id, organisation_id, voucher_count, total_cents, payment_ref)
			values ('33', date_trunc('month', current_date)::date, ${place47}, ${media47.id}, 1, 1000, ${CANARY + '-virement'}) returning id`);
		await database.query(sql`insert into pass_alerts (department_code, kind, campaign_id, organisation_id, review_note, details)
			values ('33', 'velocity', ${ids.campaign33}, ${ccas47.id}, ${CANARY + '-alerte'}, ${JSON.stringify({ note: CANARY })}::jsonb)`);
		await database.query(sql`insert into pass_contributions (department_code, funder_id, amount_cents, received_on, agreement_ref)
			values ('33', ${ccas33.id}, 100000, current_date, ${CANARY + '-convention'})`);
		// the strategy of 33 (issue 16, item 6): an axis, an action piloted by a 47 structure, a committee with 47 present and a decision
		const axis33 = await q(sql`insert into strategy_axes (department_code, label) values ('33', ${CANARY + '-axe'}) returning id`);
		ids.strategyAction33 =
			await q(sql`insert into strategy_actions (department_code, axis_id, title, description, pilot_organisation_id, partner_organisation_ids, due_date, whole_department)
			values ('33', ${axis33}, ${CANARY + '-action'}, ${CANARY}, ${caf47.id}, array[${cd47.id}]::uuid[], current_date + 30, true) returning id`);
		await database.query(
			sql`insert into strategy_action_notes (action_id, noted_on, body) values (${ids.strategyAction33}, current_date, ${CANARY + '-note'})`
		);
		await database.query(
			sql`insert into strategy_action_fundings (action_id, funder_organisation_id, amount_cents) values (${ids.strategyAction33}, ${caf47.id}, 100000)`
		);
		ids.strategyMeeting33 = await q(sql`insert into strategy_meetings (department_code, kind, held_on, location, present_organisation_ids, agenda, minutes)
			values ('33', 'copil', current_date + 10, ${CANARY + '-lieu'}, array[${cd47.id}]::uuid[], ${CANARY + '-ordre'}, ${CANARY + '-compte-rendu'}) returning id`);
		await database.query(sql`insert into strategy_decisions (meeting_id, department_code, body, owner_organisation_id, action_ids)
			values (${ids.strategyMeeting33}, '33', ${CANARY + '-decision'}, ${caf47.id}, array[${ids.strategyAction33}]::uuid[])`);
		// the journal: an entry of 33 about the 47 CCAS
		await journal(db, {
			actor: { kind: 'user', id: coordinator33.userId },
			action: 'beneficiary.created',
			targetType: 'beneficiary',
			targetId: `${CANARY}-journal`,
			departmentCode: '33',
			details: { organisationId: ccas47.id }
		});

		// --- the real server on this database, as the request role
		const port = await freePort();
		origin = `http://127.0.0.1:${port}`;
		dataDir = mkdtempSync(join(tmpdir(), 'maillage-rls-'));
		server = spawn(process.execPath, ['scripts/start.mjs'], {
			cwd: process.cwd(),
			env: {
				...process.env,
				DATABASE_APP_URL: '',
				DATABASE_URL: database.url,
				PORT: String(port),
				HOST: '127.0.0.1',
				ORIGIN: origin,
				MAILLAGE_JOBS: '0',
				MAILLAGE_DEMO: '0',
				SECRET_KEY,
				DATA_DIR: dataDir,
				LOG_REQUESTS: '0'
			},
			stdio: ['ignore', 'pipe', 'pipe']
		});
		server.stdout!.on('data', (d) => logs.push(String(d)));
		server.stderr!.on('data', (d) => logs.push(String(d)));
		const deadline = Date.now() + 280_000;
		for (;;) {
			if (server.exitCode !== null) throw new Error(`server exited: ${logs.join('')}`);
			try {
				if ((await fetch(`${origin}/`)).ok) break;
			} catch {
				/* not yet */
			}
			if (Date.now() > deadline) throw new Error(`server did not start: ${logs.join('')}`);
			await new Promise((r) => setTimeout(r, 500));
		}

		// each persona logs in over HTTP: password, then the TOTP code (the credential checks
		// go through the owner's connection, the rest of the requests through maillage_app)
		const post = (path: string, form: Record<string, string>, cookie?: string) =>
			fetch(origin + path, {
				method: 'POST',
				redirect: 'manual',
				headers: {
					origin,
					accept: 'text/html',
					'content-type': 'application/x-www-form-urlencoded',
					...(cookie ? { cookie: `maillage_session=${cookie}` } : {})
				},
				body: new URLSearchParams(form).toString()
			});
		const sessionOf = (res: Response) => /maillage_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
		for (const [key] of personas) {
			const first = await post('/connexion', { email: `${key}@rls47.test`, password: PASSWORD });
			if (first.status !== 303)
				console.log(
					`[rls canary] login of ${key}: ${first.status} ${(await first.text())
						.replace(/<[^>]+>/g, ' ')
						.replace(/\s+/g, ' ')
						.slice(0, 600)}`
				);
			expect(first.status, `${key} password`).toBe(303);
			expect(first.headers.get('location')).toMatch(/^\/connexion\/code/);
			const second = await post('/connexion/code', { code: totpCodeAt(secrets[key]) }, sessionOf(first));
			expect(second.status, `${key} code`).toBe(303);
			tokens[key] = sessionOf(second)!;
			expect(tokens[key]).toBeTruthy();
		}
	}, 300_000);

	afterAll(async () => {
		if (server && server.exitCode === null) {
			server.kill('SIGTERM');
			await new Promise((r) => setTimeout(r, 1000));
		}
		await database?.close();
		if (dataDir) rmSync(dataDir, { recursive: true, force: true });
	});

	const get = (path: string, persona: string) => fetch(origin + path, { headers: { cookie: `maillage_session=${tokens[persona]}` }, redirect: 'manual' });

	it('runs the request path as maillage_app, scoped: a prescriber sees their own record', async () => {
		const res = await get('/espace/personnes', 'prescriber');
		expect(res.status).toBe(200);
		const body = await res.text();
		expect(body).toContain(OWN);
		expect(body).not.toContain(CANARY);
	});

	it('shows no canary on any page or export, for any persona (0 on every route)', async () => {
		const routes = appRoutes().filter((r) => !r.includes('[...'));
		const idList = [
			ids.own,
			ids.benef_org47,
			ids.benef33,
			ids.referral33,
			ids.accompaniment33,
			ids.campaign33,
			ids.statement33,
			ids.org33,
			ids.ccas47,
			ids.place33,
			ids.voucher33,
			ids.strategyAction33,
			ids.strategyMeeting33
		];
		const params = { id: idList, token: ['x'], code: ['CANARIRLS33'] };
		let requests = 0;
		const statuses: Record<number, number> = {};
		let seen = 0;
		const leaks: string[] = [];
		const errors: string[] = [];
		const openedCanary: string[] = [];
		const canaryIds = new Set([
			ids.benef_org47,
			ids.benef33,
			ids.referral33,
			ids.accompaniment33,
			ids.campaign33,
			ids.statement33,
			ids.org33,
			ids.strategyAction33,
			ids.strategyMeeting33
		]);
		for (const persona of Object.keys(tokens)) {
			for (const route of routes) {
				for (const url of urlsOf(route, params)) {
					const res = await get(url, persona);
					requests++;
					statuses[res.status] = (statuses[res.status] ?? 0) + 1;
					const body = Buffer.from(await res.arrayBuffer()).toString('latin1');
					const n = body.split(CANARY).length - 1;
					if (n) {
						seen += n;
						leaks.push(`${persona} ${url} (${n})`);
					}
					if (res.status >= 500) errors.push(`${persona} ${url} ${res.status}`);
					const id = url.split('/').find((s) => canaryIds.has(s));
					if (id && res.status === 200 && !/text\/html/.test(res.headers.get('content-type') ?? '')) openedCanary.push(`${persona} ${url}`);
				}
			}
		}
		console.log(
			`[rls canary] ${requests} requests over ${routes.length} routes × 4 personas: canary seen ${seen} times; 5xx: ${errors.length}; canary file exports answered: ${openedCanary.length}; statuses ${JSON.stringify(statuses)}`
		);
		if (errors.length) console.log(`[rls canary] server errors:\n${errors.join('\n')}\n${logs.join('').slice(-4000)}`);
		expect(leaks).toEqual([]);
		expect(openedCanary).toEqual([]);
		expect(seen).toBe(0);
	}, 600_000);

	it('measures an authenticated page: one persona (no scope change) and four in turn (a scope change per request)', async () => {
		const time = async (personas: string[], n = 120) => {
			const ms: number[] = [];
			for (let i = 0; i < n; i++) {
				const t = performance.now();
				const res = await get('/espace/personnes', personas[i % personas.length]);
				await res.arrayBuffer();
				ms.push(performance.now() - t);
			}
			ms.splice(0, 20); // warm-up
			ms.sort((a, b) => a - b);
			return { p50: Math.round(ms[Math.floor(ms.length / 2)] * 10) / 10, p95: Math.round(ms[Math.floor(ms.length * 0.95)] * 10) / 10 };
		};
		const one = await time(['prescriber']);
		const turns = await time(['prescriber', 'mediator', 'coordinator', 'partner']);
		console.log(`[rls latency] GET /espace/personnes ms: one persona ${JSON.stringify(one)}; four in turn ${JSON.stringify(turns)}`);
		expect(one.p50).toBeGreaterThan(0);
	}, 120_000);
});
