/**
 * Issue 14, attack on the public API's answers: any method but GET, HEAD and OPTIONS got
 * SvelteKit's bare English 405 (and a DELETE was refused as a form sent from another site);
 * the national map's X-Lieux-Exclus was not readable from another site (the server hook
 * replaced the exposed headers the route set); a cursor too long got zod's English message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../db.ts';
import { setDatabase, type Database } from '../../src/lib/server/db/client.ts';
import { handle } from '../../src/hooks.server.ts';
import { GET as placesList } from '../../src/routes/api/v1/places/+server.ts';
import { GET as feed } from '../../src/routes/api/v1/cartographie-nationale.json/+server.ts';

let db: Database;

beforeAll(async () => {
	db = await createTestDatabase();
	setDatabase(db);
});
afterAll(async () => {
	setDatabase(undefined);
	await db?.close();
});

/** The public API through the server hook, as SvelteKit routes it. */
function viaHook(handler: ((e: never) => Promise<Response> | Response) | null, path: string, routeId: string | null, init: RequestInit = {}) {
	const url = new URL(path, 'http://localhost');
	const event = {
		request: new Request(url, init),
		url,
		route: { id: routeId },
		params: {},
		getClientAddress: () => '192.0.2.1',
		cookies: { get: () => undefined },
		locals: {}
	};
	return handle({ event: event as never, resolve: async (e) => (handler ? handler(e as never) : new Response('not found', { status: 404 })) });
}

describe('issue 14, attack: the public API’s answers', () => {
	it('a method it does not have: 405 in French JSON, with Allow and CORS (a DELETE was answered as a form from another site)', async () => {
		for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
			const res = await viaHook(placesList as never, '/api/v1/places', '/api/v1/places', { method });
			expect(res.status).toBe(405);
			expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
			expect(res.headers.get('access-control-allow-origin')).toBe('*');
			const body = await res.json();
			expect(body.error.code).toBe('method_not_allowed');
			expect(body.error.message).toMatch(/se consulte seulement/);
		}
	});

	it('the national map’s counts are readable from another site, beside the validators', async () => {
		const res = await viaHook(feed as never, '/api/v1/cartographie-nationale.json', '/api/v1/cartographie-nationale.json');
		expect(res.status).toBe(200);
		const exposed = (res.headers.get('access-control-expose-headers') ?? '').split(',').map((h) => h.trim().toLowerCase());
		expect(exposed).toEqual(expect.arrayContaining(['etag', 'link', 'x-lieux-inclus', 'x-lieux-exclus']));
		await res.body?.cancel();
	});

	it('a cursor too long: 400 in French', async () => {
		const res = await viaHook(placesList as never, `/api/v1/places?apres=${'1'.repeat(501)}`, '/api/v1/places');
		expect(res.status).toBe(400);
		expect((await res.json()).error.message).toMatch(/curseur de pagination/);
	});
});
