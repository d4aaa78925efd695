import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addressApiFromEnv, createNationalAddressApi, searchAddress, type AddressPoint } from './address-api.ts';

/** A local HTTP server playing api-adresse.data.gouv.fr's /search/ (real HTTP, the API's JSON shape). */
let server: Server;
let baseUrl: string;
let mode: 'ok' | 'slow' | 'error' | 'garbage' | 'not-geojson' | 'bad-request' = 'ok';
const requests: URL[] = [];

const agenFeatures = {
	type: 'FeatureCollection',
	version: 'draft',
	features: [
		{
			type: 'Feature',
			geometry: { type: 'Point', coordinates: [0.620452, 44.203142] },
			properties: {
				label: '12 Boulevard de la République 47000 Agen',
				score: 0.8712,
				housenumber: '12',
				id: '47001_1480_00012',
				name: '12 Boulevard de la République',
				postcode: '47000',
				citycode: '47001',
				x: 504470.63,
				y: 6347870.58,
				city: 'Agen',
				context: '47, Lot-et-Garonne, Nouvelle-Aquitaine',
				type: 'housenumber',
				importance: 0.6,
				street: 'Boulevard de la République'
			}
		},
		{
			type: 'Feature',
			geometry: { type: 'Point', coordinates: [0.6302, 44.20105] },
			properties: { label: 'Agen', score: 0.5, postcode: '47000', citycode: '47001', city: 'Agen', type: 'municipality' }
		},
		{ type: 'Feature', geometry: null, properties: { label: 'broken' } }
	],
	attribution: 'BAN',
	licence: 'ETALAB-2.0',
	query: '12 boulevard de la république agen',
	limit: 5
};

beforeAll(async () => {
	server = createServer((req: IncomingMessage, res) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		requests.push(url);
		if (url.pathname !== '/search/') {
			res.writeHead(404).end();
			return;
		}
		switch (mode) {
			case 'slow':
				setTimeout(() => {
					if (!res.writableEnded) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(agenFeatures));
				}, 3000);
				return;
			case 'error':
				res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
				return;
			case 'garbage':
				res.writeHead(200, { 'content-type': 'application/json' }).end('{"type": "FeatureCol');
				return;
			case 'not-geojson':
				res.writeHead(200, { 'content-type': 'application/json' }).end('{"results": []}');
				return;
			case 'bad-request':
				res.writeHead(400, { 'content-type': 'application/json' }).end('{"code":400,"message":"q must contain between 3 and 200 chars"}');
				return;
			default:
				res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(agenFeatures));
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
	mode = 'ok';
	requests.length = 0;
});

describe('national address API adapter', () => {
	it('calls /search/?q=…&limit=5 and maps the GeoJSON features', async () => {
		const api = createNationalAddressApi({ baseUrl });
		const points = (await api.search('12 boulevard de la République, Agen')) as AddressPoint[];
		expect(requests).toHaveLength(1);
		expect(requests[0].pathname).toBe('/search/');
		expect(requests[0].searchParams.get('q')).toBe('12 boulevard de la République, Agen');
		expect(requests[0].searchParams.get('limit')).toBe('5');
		expect(points).toHaveLength(2); // the feature without geometry is skipped
		expect(points[0]).toEqual({
			label: '12 Boulevard de la République 47000 Agen',
			latitude: 44.203142,
			longitude: 0.620452,
			kind: 'address',
			inseeCode: '47001',
			score: 0.8712,
			type: 'housenumber',
			postcode: '47000',
			city: 'Agen'
		});
		expect(points[1]).toMatchObject({ kind: 'municipality', inseeCode: '47001', latitude: 44.20105 });
	});

	it('passes filters and keeps a base path', async () => {
		const api = createNationalAddressApi({ baseUrl: `${baseUrl}/` });
		await api.search('mairie', { limit: 50, postcode: '47000', type: 'housenumber', lat: 44.2, lon: 0.6 });
		const p = requests[0].searchParams;
		expect([p.get('limit'), p.get('postcode'), p.get('type'), p.get('lat'), p.get('lon')]).toEqual(['20', '47000', 'housenumber', '44.2', '0.6']);
	});

	it('does not call the service for texts it would refuse', async () => {
		const api = createNationalAddressApi({ baseUrl });
		expect(await api.search('ab')).toEqual([]);
		expect(await api.search('  ,rue')).toEqual([]);
		expect(requests).toHaveLength(0);
	});

	it('a 400 answer means no result', async () => {
		mode = 'bad-request';
		const api = createNationalAddressApi({ baseUrl });
		expect(await searchAddress(api, 'xyz abc')).toEqual({ status: 'ok', points: [] });
	});

	it('reports a timeout as unavailable, quickly, then stops calling for a while', async () => {
		mode = 'slow';
		const api = createNationalAddressApi({ baseUrl, timeoutMs: 300, cooldownMs: 60_000 });
		const started = performance.now();
		const res = await searchAddress(api, '12 rue X, Agen');
		const elapsed = performance.now() - started;
		expect(res).toMatchObject({ status: 'unavailable', reason: 'timeout' });
		expect(res.status === 'unavailable' && res.message).toMatch(/trop lent/);
		expect(elapsed).toBeLessThan(1500);
		mode = 'ok';
		const again = await searchAddress(api, '12 rue X, Agen');
		expect(again).toMatchObject({ status: 'unavailable', reason: 'circuit_open' });
		expect(requests).toHaveLength(1);
	});

	it('reports a 500 as unavailable; the next call after the cool-down works', async () => {
		mode = 'error';
		const api = createNationalAddressApi({ baseUrl, cooldownMs: 0 });
		expect(await searchAddress(api, '12 rue X, Agen')).toMatchObject({ status: 'unavailable', reason: 'http' });
		mode = 'ok';
		const res = await searchAddress(api, '12 rue X, Agen');
		expect(res.status === 'ok' && res.points.length).toBe(2);
	});

	it('reports a truncated or unexpected body as unavailable', async () => {
		const api = createNationalAddressApi({ baseUrl, cooldownMs: 0 });
		mode = 'garbage';
		expect(await searchAddress(api, '12 rue X, Agen')).toMatchObject({ status: 'unavailable', reason: 'invalid_response' });
		mode = 'not-geojson';
		expect(await searchAddress(api, '12 rue X, Agen')).toMatchObject({ status: 'unavailable', reason: 'invalid_response' });
	});

	it('reports an unreachable service as unavailable', async () => {
		// a port nothing listens on
		const probe = createServer();
		await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
		const port = (probe.address() as AddressInfo).port;
		await new Promise((resolve) => probe.close(resolve));
		const api = createNationalAddressApi({ baseUrl: `http://127.0.0.1:${port}` });
		expect(await searchAddress(api, '12 rue X, Agen')).toMatchObject({ status: 'unavailable', reason: 'network' });
	});

	it('is disabled unless ADDRESS_API_URL is set', () => {
		expect(addressApiFromEnv({})).toBeUndefined();
		expect(addressApiFromEnv({ ADDRESS_API_URL: '  ' })).toBeUndefined();
		expect(addressApiFromEnv({ ADDRESS_API_URL: baseUrl })).toBeDefined();
	});
});
