/**
 * Issue 11, low findings: malformed input gave a 500 instead of a 400/404 —
 * `/admin/journal?avant=1e400`, `?du=2026-13-45`, `?action=%00`,
 * `/espace/pass/tableau-de-bord?financeur=_`, `/lieux/%00`, `/api/v1/places/%00`,
 * `/connexion?retour=/%09/x` — and the same patterns elsewhere (a uuid `[id]` or query
 * parameter that is not one, an impossible date, a number out of range).
 * Each URL goes through the server's hook (the access rules stubbed to "allow": the
 * checks under test come after them), the journal's page through its load function.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEmptyTestDatabase } from '../db.ts';
import { setDatabase, type Database } from '../../src/lib/server/db/client.ts';
import { actorFor, addMember, createOrganisation, type Actor } from '../../src/lib/server/accounts/index.ts';
import { safeReturnPath } from '../../src/lib/server/web/session-cookie.ts';
import { impossibleRouteId, isCalendarDay, positiveInteger } from '../../src/lib/server/web/params.ts';

vi.mock('../../src/lib/server/access.ts', async (original) => ({ ...(await original<object>()), decide: () => 'allow' }));
const { handle } = await import('../../src/hooks.server.ts');
const { load: journal } = await import('../../src/routes/(pro)/admin/journal/+page.server.ts');
const { actions: reports } = await import('../../src/routes/(pro)/admin/signalements/+page.server.ts');

let db: Database;
let coordinator: Actor;

beforeAll(async () => {
	db = await createEmptyTestDatabase();
	setDatabase(db);
	const org = (await createOrganisation(db, null, { name: 'Département de Lot-et-Garonne', kind: 'departement', departmentCode: '47' })).id;
	const { userId } = await addMember(db, null, { email: 'coord@cd47.test', displayName: 'Camille Coordination', organisationId: org, role: 'coordinator' });
	coordinator = await actorFor(db.db, userId, true);
});
afterAll(async () => {
	setDatabase(undefined);
	await db?.close();
});

/** A GET through the hook, for a route and its params as SvelteKit would have matched them. */
async function get(path: string, routeId: string | null, params: Record<string, string> = {}) {
	const url = new URL(path, 'http://localhost:3000');
	const event = {
		request: new Request(url),
		url,
		route: { id: routeId },
		params,
		getClientAddress: () => '192.0.2.1',
		cookies: { get: () => undefined },
		locals: {}
	};
	let resolved = false;
	try {
		const res = await handle({ event: event as never, resolve: async () => ((resolved = true), new Response('ok')) });
		return { status: res.status, message: resolved ? '' : await res.text(), resolved };
	} catch (e) {
		const err = e as { status?: number; body?: { message: string } };
		return { status: err.status ?? 500, message: err.body?.message ?? String(e), resolved };
	}
}

const FRENCH = /[àâéèêîôûç’]|n’est pas|Cette page|Aucun lieu/;

describe('issue 11, low: malformed input is a 400 or a 404 with a French message, never a 500', () => {
	it('the URLs of the issue', async () => {
		const cases: [string, string | null, Record<string, string>, number][] = [
			['/admin/journal?action=%00', '/(pro)/admin/journal', {}, 400],
			['/espace/pass/tableau-de-bord?financeur=_', '/(pro)/espace/pass/tableau-de-bord', {}, 400],
			['/espace/pass/tableau-de-bord.csv?campagne=1%27%20or%201=1', '/(pro)/espace/pass/tableau-de-bord.csv', {}, 400],
			['/lieux/%00', '/(public)/lieux/[id]', { id: '\u0000' }, 400],
			['/api/v1/places/%00', '/api/v1/places/[id]', { id: '\u0000' }, 400],
			['/connexion?retour=/%09/x', '/(auth)/connexion', {}, 400]
		];
		for (const [path, route, params, status] of cases) {
			const r = await get(path, route, params);
			expect(r.status, path).toBe(status);
			expect(r.resolved, path).toBe(false);
			expect(r.message, path).toMatch(FRENCH);
		}
	});

	it('the same patterns elsewhere: a uuid [id] that is not one is a 404, a place id too long too', async () => {
		for (const [path, route, id] of [
			['/espace/personnes/_', '/(pro)/espace/personnes/[id]', '_'],
			['/espace/orientations/1', '/(pro)/espace/orientations/[id]/fiche.pdf', '1'],
			['/espace/pass/releves/x/releve.csv', '/(pro)/espace/pass/releves/[id]/releve.csv', 'x'],
			['/admin/organisations/abc', '/(pro)/admin/organisations/[id]', 'abc'],
			['/lieux/xxx', '/(public)/lieux/[id]', 'x'.repeat(300)]
		]) {
			const r = await get(path, route, { id });
			expect(r.status, path).toBe(404);
			expect(r.message).toMatch(FRENCH);
		}
		const api = await get('/api/v1/places/x', '/api/v1/places/[id]', { id: 'x'.repeat(300) });
		expect(api.status).toBe(404);
		expect(JSON.parse(api.message)).toMatchObject({ error: { status: 404, code: 'not_found' } });
		// well-formed ones go on to the route
		expect((await get('/espace/personnes/x', '/(pro)/espace/personnes/[id]', { id: '6818eadb-fd17-432f-ab8c-a6a4716fb82e' })).resolved).toBe(true);
		expect((await get('/lieux/fixture-boe', '/(public)/lieux/[id]', { id: 'fixture-boe' })).resolved).toBe(true);
		expect(impossibleRouteId('/(pro)/espace/lieux/[id]', { id: 'dora-123' })).toBe(false);
	});

	it('the journal: a cursor out of range is a 400, an impossible date a field error in French', async () => {
		const call = (qs: string) => journal({ locals: { session: { actor: coordinator } }, url: new URL(`http://localhost:3000/admin/journal${qs}`) } as never);
		for (const avant of ['1e400', '-1', '1.5', 'abc', '99999999999999999999']) {
			const e = await Promise.resolve(call(`?avant=${avant}`)).then(
				() => null,
				(x) => x
			);
			expect(e, avant).toMatchObject({ status: 400, body: { message: expect.stringMatching(/n’est pas valide/) } });
		}
		for (const du of ['2026-13-45', '2026-02-30', '0000-01-01']) {
			const r = (await call(`?du=${du}`)) as { errors: Record<string, string> };
			expect(r.errors.du, du).toMatch(/Date invalide/);
		}
		const ok = (await call('?du=2026-02-28&avant=12')) as { errors: Record<string, string> };
		expect(ok.errors).toEqual({});
	});

	it('the error reports’ actions (acceptance walk of issue 13): a number that is no report’s is a 404 in French, never a 500 nor another report', async () => {
		const act = async (name: 'traiter' | 'rejeter', id: string) => {
			const f = new FormData();
			f.set('id', id);
			f.set('reponse', 'Merci, c’est corrigé.');
			const request = new Request('http://localhost:3000/admin/signalements', { method: 'POST', body: f });
			return Promise.resolve(reports[name]!({ request, locals: { session: { actor: coordinator }, ip: '192.0.2.1' } } as never)).then(
				(r) => r as { status: number; data: { message: string } },
				(x) => x as { status: number }
			);
		};
		for (const id of ['1e400', '1.5', '99999999999999999999', '2147483648', '0x1', '-1', '%00', '9'.repeat(100_000), ''])
			for (const name of ['traiter', 'rejeter'] as const) {
				const r = await act(name, id);
				expect(`${name} ${id.slice(0, 24)}: ${r.status}`).toBe(`${name} ${id.slice(0, 24)}: 404`);
				expect((r as { data?: { message: string } }).data?.message).toMatch(/n’existe pas/);
			}
	});

	it('the parsing helpers', () => {
		expect(positiveInteger('1e400')).toBeNaN();
		expect(positiveInteger('42')).toBe(42);
		expect(positiveInteger(null)).toBeNull();
		expect(isCalendarDay('2028-02-29')).toBe(true);
		expect(isCalendarDay('2026-02-29')).toBe(false);
		for (const bad of ['/\t/x', '/\n/x', '/ /x', '/\\x', '//x', 'https://evil.test']) expect(safeReturnPath(bad), JSON.stringify(bad)).toBeNull();
		expect(safeReturnPath('/espace/personnes?q=Durand')).toBe('/espace/personnes?q=Durand');
	});
});
