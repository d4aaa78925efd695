/**
 * Issue 17: the satisfaction survey's link (`/formations/enquete/{token}`) and the trainings'
 * steering page attacked, on PGlite and PostgreSQL: hostile tokens and query strings are a
 * French 400 or 404, never a 500; hostile form values (out-of-scale scores, `__proto__`,
 * huge or control-character comments) are refused in French and write nothing; the same link
 * posted at once from several tabs gives one answer; a partner's trainings CSV never names
 * another structure.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { openWorld, type World } from '../world.ts';
import { getThroughHooks, type Handler } from './through-hooks.ts';
import { setDatabase } from '../../src/lib/server/db/client.ts';
import type { Actor } from '../../src/lib/server/accounts/index.ts';
import { refreshSteeringFacts, steeringExport, steeringWorkbook } from '../../src/lib/server/steering/index.ts';
import { sendSurveys } from '../../src/lib/server/trainings/index.ts';
import { outbox } from '../../src/lib/server/mail/db.ts';
import { addDays, parisDay } from '../../src/lib/time.ts';

vi.mock('../../src/lib/server/access.ts', async (original) => ({ ...(await original<object>()), decide: () => 'allow' }));
const { handle } = await import('../../src/hooks.server.ts');
const survey = await import('../../src/routes/(public)/formations/enquete/[token]/+page.server.ts');
const steering = await import('../../src/routes/(pro)/pilotage/formations/+page.server.ts');

const FRENCH = /[àâéèêîôûç’]|n’est pas|n’existe pas/;
let w: World;
let coordinator: Actor;
let partner: Actor;
const tokens: string[] = [];

const get = (path: string, routeId: string, handler: Handler, actor: Actor | null, params: Record<string, string> = {}) =>
	getThroughHooks(handle, path, routeId, handler, actor, params);

/** The survey's form action, as a browser posts it. */
async function post(token: string, fields: Record<string, string>) {
	const body = new URLSearchParams(fields);
	const request = new Request(`http://localhost:3000/formations/enquete/${token}`, {
		method: 'POST',
		body,
		headers: { 'content-type': 'application/x-www-form-urlencoded' }
	});
	try {
		const r = (await survey.actions.default({ params: { token }, request } as never)) as
			{ status?: number; data?: { code: string; message: string } } | undefined;
		return { status: r?.status ?? 200, code: r?.data?.code, message: r?.data?.message ?? '' };
	} catch (e) {
		const err = e as { status?: number; location?: string; body?: { message: string } };
		if (err.location) return { status: err.status!, code: 'redirect', message: err.location };
		if (!err.status) throw e;
		return { status: err.status, code: 'error', message: err.body?.message ?? '' };
	}
}
const good = { contenu: '4', clarte: '4', organisation: '4', utilite: '4', global: '4', commentaire: '' };
const answers = async () => (await w.db.query<{ n: number }>(sql`select count(*)::int as n from training_satisfaction`))[0].n;

beforeAll(async () => {
	w = await openWorld({ places: 'agen' });
	setDatabase(w.db);
	const cd = await w.organisation('Département de Lot-et-Garonne', 'departement');
	const caf = await w.organisation('CAF de Lot-et-Garonne', 'operateur');
	const ccas = await w.organisation('CCAS d’Agen', 'ccas');
	coordinator = await w.member('coord@cd47.test', cd, 'coordinator');
	partner = await w.member('alex@caf47.test', caf, 'partner');
	const day = addDays(parisDay(), -2);
	const [t] = await w.db.query<{ id: string }>(sql`insert into trainings (department_code, organiser_organisation_id, title, audiences, theme, format)
		values ('47', ${cd}, 'Formation', array['volunteers'], 'security', 'on_site') returning id`);
	const [s] = await w.db.query<{
		id: string;
	}>(sql`insert into training_sessions (training_id, department_code, status, registration_deadline, first_day, last_day)
		values (${t.id}, '47', 'published', ${day}, ${day}, ${day}) returning id`);
	const [slot] = await w.db.query<{ id: string }>(
		sql`insert into training_slots (session_id, day, half, start_time, end_time) values (${s.id}, ${day}, 'am', '09:00', '12:00') returning id`
	);
	for (let i = 0; i < 8; i++) {
		const [r] = await w.db.query<{
			id: string;
		}>(sql`insert into training_registrations (session_id, department_code, organisation_id, first_name, last_name, email, profile, status, position, token_hash)
			values (${s.id}, '47', ${i < 6 ? ccas : caf}, 'A', 'B', ${`s${i}@exemple.test`}, 'other', 'confirmed', ${i + 1}, ${`t${i}`}) returning id`);
		await w.db.query(
			sql`insert into training_attendance (registration_id, slot_id, department_code, present, method) values (${r.id}, ${slot.id}, '47', true, 'sheet')`
		);
	}
	await sendSurveys(w.db, { origin: 'http://localhost:3000', instanceName: 't' });
	for (const m of await w.db.db.select({ text: outbox.text }).from(outbox)) {
		const tk = /formations\/enquete\/([A-Za-z0-9_-]{32})/.exec(m.text)?.[1];
		if (tk) tokens.push(tk);
	}
	await refreshSteeringFacts(w.db, { full: true, departments: ['47'] });
}, 180_000);
afterAll(async () => {
	setDatabase(undefined);
	await w?.close();
});

describe('issue 17, the survey’s link attacked', () => {
	it('hostile tokens: a French 400 or 404, never a 500', async () => {
		expect(tokens).toHaveLength(8);
		for (const token of ['x', 'A'.repeat(32), '__proto__', 'constructor', '..%2F..%2Fetc', '%00', 'A'.repeat(31) + '%00', 'x'.repeat(5000), "' or 1=1 --"]) {
			const r = await get(`/formations/enquete/${token}`, '/(public)/formations/enquete/[token]', survey.load as Handler, null, {
				token: decodeURIComponent(token)
			});
			expect([400, 404], `${token.slice(0, 20)}: ${r.status}`).toContain(r.status);
			expect(r.body).toMatch(FRENCH);
		}
		expect(
			(await get(`/formations/enquete/${tokens[0]}`, '/(public)/formations/enquete/[token]', survey.load as Handler, null, { token: tokens[0] })).status
		).toBe(200);
	});

	it('hostile form values are refused in French and write nothing', async () => {
		const before = await answers();
		for (const bad of [
			{ ...good, global: '6' },
			{ ...good, global: '0' },
			{ ...good, global: '4.5' },
			{ ...good, global: '1e400' },
			{ ...good, global: '-1' },
			{ ...good, global: '' },
			{ ...good, __proto__: '5', global: 'x' } as Record<string, string>,
			{ ...good, commentaire: 'x'.repeat(2001) }
		]) {
			const r = await post(tokens[0], bad);
			expect(r.status, JSON.stringify(bad).slice(0, 80)).toBe(400);
			expect(r.message).toMatch(FRENCH);
		}
		expect(await answers()).toBe(before);
		// unknown keys are not stored: only the five questions' scores
		expect((await post(tokens[0], { ...good, extra: '5', constructor: '5' })).code).toBe('redirect');
		const [row] = await w.db.query<{ scores: Record<string, number> }>(sql`select scores from training_satisfaction`);
		expect(Object.keys(row.scores).sort()).toEqual(['clarte', 'contenu', 'global', 'organisation', 'utilite']);
	});

	it('the same link posted from several tabs at once: one answer', async () => {
		const before = await answers();
		const rs = await Promise.all(Array.from({ length: 5 }, () => post(tokens[1], good)));
		expect(rs.filter((r) => r.code === 'redirect')).toHaveLength(1);
		expect(rs.filter((r) => r.status === 409).every((r) => FRENCH.test(r.message))).toBe(true);
		expect(await answers()).toBe(before + 1);
	});
});

describe('issue 17, the trainings’ steering page attacked', () => {
	it('hostile query strings: the page with its defaults, or a French 400, never a 500', async () => {
		for (const name of ['periode', 'niveau', 'departement'])
			for (const value of ['%00', '%C3%28', '__proto__', 'constructor', '2026-T9', encodeURIComponent('x'.repeat(12_000))]) {
				const r = await get(`/pilotage/formations?${name}=${value}`, '/(pro)/pilotage/formations', steering.load as Handler, coordinator);
				expect([200, 400], `${name}=${value.slice(0, 12)}: ${r.status} ${r.body.slice(0, 100)}`).toContain(r.status);
				if (r.status !== 200) expect(r.body).toMatch(FRENCH);
			}
	});

	it('a partner’s CSV never names another structure; its workbook is built', async () => {
		const params = new URLSearchParams('departement=47&periode=2026&niveau=epci');
		const csv = await steeringExport(w.db, partner, 'formations-aidants-structure', params);
		expect(csv.body).not.toContain('CCAS');
		const book = await steeringWorkbook(w.db, partner, 'formations', params, 'maillage');
		expect(book.fileName).toBe('formations-47-2026.xlsx');
		const mine = await steeringExport(w.db, coordinator, 'formations-aidants-structure', params);
		expect(mine.body).toContain('Structure');
	});
});
