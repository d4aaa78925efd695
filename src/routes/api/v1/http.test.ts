/**
 * Issue 14, item 4: the HTTP conventions of the public data API, as a client sees them —
 * validators and 304 on the list, a place and the CSV (and again 200 once a place changes),
 * caching headers, CORS on every answer (errors, unknown addresses) and on the preflight,
 * HEAD, GeoJSON with every property and pages to the end, the CSV's schema link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { setDatabase } from '#lib/server/db/client.ts';
import { closePlace, importPlaces, parseStandardCsv } from '#lib/server/places/index.ts';
import type { Actor } from '#lib/server/accounts/index.ts';
import { handle } from '../../../hooks.server.ts';
import { openWorld, type World } from '../../../../test/world.ts';
import { GET as list } from './places/+server.ts';
import { GET as one } from './places/[id]/+server.ts';
import { GET as csv } from './places.csv/+server.ts';
import { GET as feed } from './cartographie-nationale.json/+server.ts';

type Handler = (e: any) => Promise<Response> | Response;

let w: World;
let coordinator: Actor;

/** A request as a client sends it, to a route handler (SvelteKit runs HEAD with GET). */
function call(handler: Handler, path: string, headers: Record<string, string> = {}, params: Record<string, string> = {}, method = 'GET') {
	const url = new URL(path, 'http://localhost');
	return handler({ url, params, request: new Request(url, { method, headers }) });
}

/** The same through the server hook, as SvelteKit would route it (routeId null: no route matched). */
function viaHook(handler: Handler | null, path: string, routeId: string | null, init: RequestInit = {}, params: Record<string, string> = {}) {
	const url = new URL(path, 'http://localhost');
	const event = {
		request: new Request(url, init),
		url,
		route: { id: routeId },
		params,
		getClientAddress: () => '192.0.2.1',
		cookies: { get: () => undefined },
		locals: {}
	};
	return handle({ event: event as never, resolve: async (e) => (handler ? handler(e) : new Response('not found', { status: 404 })) });
}

const fixture = async () => JSON.parse(await readFile(new URL('../../../../test/fixtures/places-agen.json', import.meta.url), 'utf8'));

/** The file again with one place changed, as a source republishes it. */
async function reimport(change: (places: Record<string, unknown>[]) => void) {
	const places = await fixture();
	change(places);
	await importPlaces(w.db, { fileName: 'places-agen.json', content: Buffer.from(JSON.stringify(places)), today: '2026-11-19' });
}

beforeAll(async () => {
	w = await openWorld({ places: 'agen' });
	setDatabase(w.db);
	coordinator = await w.member('camille@cd47.test', await w.organisation('Département de Lot-et-Garonne', 'departement'), 'coordinator');
});
afterAll(async () => {
	setDatabase(undefined);
	await w?.close();
});

/** What a 304 must repeat of its 200. */
function expectNotModified(res: Response, first: Response) {
	expect(res.status).toBe(304);
	for (const h of ['etag', 'last-modified', 'cache-control']) expect(res.headers.get(h), h).toBe(first.headers.get(h));
}

describe('conditional requests', () => {
	it('the list: 200 with validators, then 304 for If-None-Match (weak, strong, lists, *) and If-Modified-Since, 200 again once a place on it changes', async () => {
		const path = '/api/v1/places?ou=Agen&limit=2';
		const first = await call(list, path);
		expect(first.status).toBe(200);
		const etag = first.headers.get('etag')!;
		const lastModified = first.headers.get('last-modified')!;
		expect(etag).toMatch(/^W\/"[\w-]+"$/);
		expect(new Date(lastModified).getTime()).toBeLessThanOrEqual(Date.now());
		expect(first.headers.get('cache-control')).toMatch(/^public, max-age=\d+/);
		expect(first.headers.get('vary')).toMatch(/Accept-Encoding/);

		for (const inm of [etag, etag.slice(2), `"autre", ${etag}`, '*']) {
			const again = await call(list, path, { 'if-none-match': inm });
			expectNotModified(again, first);
			expect(await again.text()).toBe('');
		}
		expectNotModified(await call(list, path, { 'if-modified-since': lastModified }), first);
		// an older copy or another tag: the full answer
		expect((await call(list, path, { 'if-modified-since': new Date(Date.parse(lastModified) - 3_600_000).toUTCString() })).status).toBe(200);
		expect((await call(list, path, { 'if-none-match': 'W/"autre"' })).status).toBe(200);
		// a browser's script sending its own If-None-Match sends Cache-Control: no-cache with it (Fetch standard): still a 304
		expectNotModified(await call(list, path, { 'if-none-match': etag, 'cache-control': 'no-cache', pragma: 'no-cache' }), first);
		// a reload without validators: the full answer
		expect((await call(list, path, { 'cache-control': 'no-cache' })).status).toBe(200);
		// If-None-Match decides alone when both are sent (RFC 9110 §13.2.2)
		expect((await call(list, path, { 'if-none-match': 'W/"autre"', 'if-modified-since': lastModified })).status).toBe(200);

		await sleep(1100); // Last-Modified counts whole seconds
		const body = await first.json();
		await closePlace(w.db, coordinator, body.data[0].id, { kind: 'permanent', until: '', reason: 'Fermé' });
		const changed = await call(list, path, { 'if-none-match': etag });
		expect(changed.status).toBe(200);
		expect(changed.headers.get('etag')).not.toBe(etag);
		expect((await changed.json()).data.map((p: { id: string }) => p.id)).not.toContain(body.data[0].id);
		expect((await call(list, path, { 'if-modified-since': lastModified })).status).toBe(200);
	});

	it('a place: its own validators, 304, then 200 once an import changes it', async () => {
		const path = '/api/v1/places/fixture-boe';
		const first = await call(one, path, {}, { id: 'fixture-boe' });
		expect(first.status).toBe(200);
		const etag = first.headers.get('etag')!;
		const lastModified = first.headers.get('last-modified')!;
		expectNotModified(await call(one, path, { 'if-none-match': etag }, { id: 'fixture-boe' }), first);
		expectNotModified(await call(one, path, { 'if-modified-since': lastModified }, { id: 'fixture-boe' }), first);

		await sleep(1100);
		await reimport((places) => {
			const boe = places.find((p) => p.id === 'fixture-boe')!;
			boe.telephone = '+33553000000';
		});
		const changed = await call(one, path, { 'if-none-match': etag }, { id: 'fixture-boe' });
		expect(changed.status).toBe(200);
		expect((await changed.json()).telephone).toBe('+33553000000');
		expect(changed.headers.get('etag')).not.toBe(etag);
		expect((await call(one, path, { 'if-modified-since': lastModified }, { id: 'fixture-boe' })).status).toBe(200);
	});

	it('the CSV: validators derived without reading the file, 304, then 200 with one row less once a place closes for good', async () => {
		const path = '/api/v1/places.csv?departement=47';
		const first = await call(csv, path);
		expect(first.status).toBe(200);
		const rows = parseStandardCsv(await first.text()).rows;
		const etag = first.headers.get('etag')!;
		const lastModified = first.headers.get('last-modified')!;
		expect(first.headers.get('cache-control')).toMatch(/^public, max-age=\d+, must-revalidate$/);
		const unchanged = await call(csv, path, { 'if-none-match': etag });
		expectNotModified(unchanged, first);
		expect(unchanged.body).toBeNull();
		expectNotModified(await call(csv, path, { 'if-modified-since': lastModified }), first);

		await sleep(1100);
		await closePlace(w.db, coordinator, rows[0].id as string, { kind: 'permanent', until: '', reason: 'Fermé' });
		const changed = await call(csv, path, { 'if-none-match': etag });
		expect(changed.status).toBe(200);
		expect(parseStandardCsv(await changed.text()).rows).toHaveLength(rows.length - 1);
		expect((await call(csv, path, { 'if-modified-since': lastModified })).status).toBe(200);
	});

	it('HEAD: the same headers as GET, no body (the export is not read)', async () => {
		for (const [handler, path, params] of [
			[csv, '/api/v1/places.csv', {}],
			[list, '/api/v1/places?ou=Agen', {}],
			[one, '/api/v1/places/fixture-bus', { id: 'fixture-bus' }]
		] as const) {
			const get = await call(handler, path, {}, params);
			const head = await call(handler, path, {}, params, 'HEAD');
			expect(head.status).toBe(200);
			expect(head.body).toBeNull();
			for (const h of ['etag', 'last-modified', 'cache-control', 'content-type']) expect(head.headers.get(h), h).toBe(get.headers.get(h));
		}
	});
});

describe('CORS', () => {
	const expectCors = (res: Response) => {
		expect(res.headers.get('access-control-allow-origin')).toBe('*');
		expect(res.headers.get('access-control-allow-credentials')).toBeNull();
		const exposed = (res.headers.get('access-control-expose-headers') ?? '').toLowerCase();
		for (const h of ['etag', 'last-modified', 'link']) expect(exposed).toContain(h);
	};

	it('on answers and on errors: a bad parameter (400), an unknown place (404), an unknown address (404)', async () => {
		const ok = await viaHook(list, '/api/v1/places?ou=Agen', '/api/v1/places', { headers: { origin: 'https://carte.example.org' } });
		expect(ok.status).toBe(200);
		expectCors(ok);
		const bad = await viaHook(list, '/api/v1/places?limit=0', '/api/v1/places', { headers: { origin: 'https://carte.example.org' } });
		expect(bad.status).toBe(400);
		expectCors(bad);
		expect((await bad.json()).error.code).toBe('invalid_parameter');
		const unknown = await viaHook(one, '/api/v1/places/nope', '/api/v1/places/[id]', {}, { id: 'nope' });
		expect(unknown.status).toBe(404);
		expectCors(unknown);
		const nowhere = await viaHook(null, '/api/v1/lieux', null);
		expect(nowhere.status).toBe(404);
		expect(nowhere.headers.get('content-type')).toMatch(/application\/json/);
		expect((await nowhere.json()).error.message).toMatch(/openapi\.json/);
		expectCors(nowhere);
		// a 304 too: a script revalidating its copy reads the answer
		const etag = ok.headers.get('etag')!;
		const unchanged = await viaHook(list, '/api/v1/places?ou=Agen', '/api/v1/places', { headers: { 'if-none-match': etag } });
		expect(unchanged.status).toBe(304);
		expectCors(unchanged);
	});

	it('the preflight of a cross-origin request: 204 with the methods, headers and duration, no credentials', async () => {
		const res = await viaHook(list, '/api/v1/places?ou=Agen', '/api/v1/places', {
			method: 'OPTIONS',
			headers: { origin: 'https://carte.example.org', 'access-control-request-method': 'GET', 'access-control-request-headers': 'if-none-match' }
		});
		expect(res.status).toBe(204);
		expectCors(res);
		expect(res.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
		const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
		for (const h of ['if-none-match', 'if-modified-since', 'content-type', 'accept']) expect(allowed).toContain(h);
		expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
	});

	it('an ambiguous place name: a 400 that says communes (not places) match, with the candidates', async () => {
		const res = await viaHook(list, '/api/v1/places?ou=Saint-Martin', '/api/v1/places', { headers: { origin: 'https://carte.example.org' } });
		expect(res.status).toBe(400);
		expectCors(res);
		const { error } = await res.json();
		expect(error.code).toBe('ambiguous_location');
		expect(error.message).toMatch(/^Plusieurs communes correspondent à « Saint-Martin »/);
		expect(error.details.candidates.length).toBeGreaterThan(1);
	});

	it('the national map’s feed: its counts of places held and left out stay readable from another site', async () => {
		const res = await viaHook(feed, '/api/v1/cartographie-nationale.json', '/api/v1/cartographie-nationale.json', {
			headers: { origin: 'https://carte.example.org' }
		});
		expect(res.status).toBe(200);
		expectCors(res);
		const exposed = (res.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/,\s*/);
		expect(exposed).toEqual(expect.arrayContaining(['etag', 'link', 'x-lieux-inclus', 'x-lieux-exclus']));
		expect(Number(res.headers.get('x-lieux-inclus'))).toBeGreaterThan(0);
	});

	it('only for the public API: the site’s pages get none', async () => {
		const page = await viaHook(() => new Response('<p>page</p>'), '/donnees', '/(public)/donnees');
		expect(page.headers.get('access-control-allow-origin')).toBeNull();
	});
});

describe('GeoJSON', () => {
	it('application/geo+json, each feature with every property of the JSON list, and every place reached page after page', async () => {
		const json = await (await call(list, '/api/v1/places?limit=200')).json();
		expect(json.total).toBe(json.data.length);

		const features: { id: string; geometry: unknown; properties: Record<string, unknown> }[] = [];
		let next: string | null = '/api/v1/places?limit=2&format=geojson';
		let pages = 0;
		let total: number | null = null;
		while (next) {
			const res = await call(list, next);
			expect(res.headers.get('content-type')).toMatch(/^application\/geo\+json/);
			const body = await res.json();
			expect(body.type).toBe('FeatureCollection');
			if (pages === 0) total = body.total;
			features.push(...body.features);
			const link = res.headers.get('link');
			const rel = body.links.find((l: { rel: string }) => l.rel === 'next');
			next = rel ? rel.href : null;
			if (next) expect(link).toBe(`<${new URL(next, 'http://localhost').href}>; rel="next"`);
			else expect(link).toBeNull();
			pages++;
		}
		expect(pages).toBeGreaterThan(1);
		expect(total).toBe(json.total);
		expect(features.map((f) => f.id)).toEqual(json.data.map((p: { id: string }) => p.id));
		// every property, the same values: the JSON list's object itself
		expect(features.map((f) => f.properties)).toEqual(json.data);
		for (const f of features) {
			expect(Object.keys(f.properties)).toContain('licence');
			expect(f.geometry).toEqual({ type: 'Point', coordinates: [f.properties.longitude, f.properties.latitude] });
		}
	});

	it('the JSON list gives the same next link in a header', async () => {
		const res = await call(list, '/api/v1/places?limit=1');
		const body = await res.json();
		expect(res.headers.get('link')).toBe(`<http://localhost${body.pagination.suivant}>; rel="next"`);
	});
});

describe('the CSV', () => {
	it('is described by the national standard’s Table Schema (Link rel="describedby")', async () => {
		const res = await call(csv, '/api/v1/places.csv');
		expect(res.headers.get('link')).toBe(
			'<https://raw.githubusercontent.com/LaMednum/standard-mediation-num/e347ff40a0072ed2e0caf7f04384dfd2c84dbaff/schema.json>; rel="describedby"; type="application/json"'
		);
	});
});
