/**
 * The API contract: real responses of the route handlers validated against the OpenAPI
 * document they publish (JSON Schema 2020-12), and errors as JSON with the right status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createTestDatabase } from '../../../../test/db.ts';
import { setDatabase, type Database } from '#lib/server/db/client.ts';
import { importPlaces, parseStandardCsv, searchPlaces, placeToJson, emptyFilters } from '#lib/server/places/index.ts';
import { GET as list } from './places/+server.ts';
import { GET as one } from './places/[id]/+server.ts';
import { GET as csv } from './places.csv/+server.ts';
import { GET as openapi } from './openapi.json/+server.ts';

let db: Database;
let doc: Record<string, any>;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

// Minimal RequestEvent for a GET handler
function call(handler: (e: any) => Promise<Response> | Response, path: string, params: Record<string, string> = {}) {
	const url = new URL(path, 'http://localhost');
	return handler({ url, params, request: new Request(url) });
}

const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
function responseSchema(path: string, status: string, mediaType = 'application/json') {
	const key = `resp:${path}:${status}:${mediaType}`;
	if (compiled.has(key)) return compiled.get(key)!;
	const op = doc.paths[path].get;
	const schema = op.responses[status].content[mediaType].schema;
	const validate = ajv.compile({ ...schema, $id: key, components: doc.components });
	compiled.set(key, validate);
	return validate;
}

beforeAll(async () => {
	db = await createTestDatabase();
	setDatabase(db);
	const content = await readFile(new URL('../../../../test/fixtures/places-agen.json', import.meta.url));
	await importPlaces(db, { fileName: 'places-agen.json', content, today: '2026-11-18' });
	doc = await (await call(openapi, '/api/v1/openapi.json')).json();
	// $ref '#/components/...' resolve inside each compiled schema
});
afterAll(async () => {
	setDatabase(undefined);
	await db?.close();
});

describe('GET /api/v1/openapi.json', () => {
	it('is an OpenAPI 3.1 document describing every public endpoint', () => {
		expect(doc.openapi).toBe('3.1.0');
		expect(Object.keys(doc.paths)).toEqual([
			'/api/v1/places',
			'/api/v1/places/{id}',
			'/api/v1/places.csv',
			'/api/v1/telechargements/lieux-mediation-numerique.csv',
			'/api/v1/telechargements/lieux-mediation-numerique.json',
			'/api/v1/data-inclusion',
			'/api/v1/data-inclusion/structures',
			'/api/v1/data-inclusion/services',
			'/api/v1/cartographie-nationale.json',
			'/api/v1/cartographie-nationale/exclus.json'
		]);
	});
});

describe('the HTTP conventions in the document', () => {
	it('every operation is public (security: []), answers 304 to a conditional request, says its validators and CORS headers', () => {
		expect(doc.security).toEqual([]);
		for (const [path, item] of Object.entries<any>(doc.paths)) {
			const op = item.get;
			expect(op.security, path).toEqual([]);
			expect(op.responses['304'], path).toEqual({ $ref: '#/components/responses/NotModified' });
			expect(op.parameters.map((p: any) => p.$ref).filter(Boolean), path).toEqual([
				'#/components/parameters/If-None-Match',
				'#/components/parameters/If-Modified-Since'
			]);
			for (const h of ['ETag', 'Last-Modified', 'Cache-Control', 'Access-Control-Allow-Origin'])
				expect(op.responses['200'].headers[h], `${path} ${h}`).toBeDefined();
		}
		expect(Object.keys(doc.components.responses.NotModified.headers)).toEqual(['ETag', 'Last-Modified', 'Cache-Control', 'Access-Control-Allow-Origin']);
	});

	it('every $ref points into the document', () => {
		const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
		for (const r of refs) {
			const path = r.slice(8, -1).replace(/^#\//, '').split('/');
			expect(
				path.reduce((o: any, k) => o?.[k], doc),
				r
			).toBeDefined();
		}
	});

	it('the list in GeoJSON (application/geo+json, paging), the CSV with its schema link and file name', () => {
		const search = doc.paths['/api/v1/places'].get;
		expect(Object.keys(search.responses['200'].content)).toEqual(['application/json', 'application/geo+json']);
		expect(search.responses['200'].headers.Link).toBeDefined();
		expect(search.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['limit', 'apres', 'format']));
		for (const path of ['/api/v1/places.csv', '/api/v1/telechargements/lieux-mediation-numerique.csv']) {
			const headers = doc.paths[path].get.responses['200'].headers;
			expect(headers.Link, path).toEqual({ $ref: '#/components/headers/Link-Schema' });
			expect(headers['Content-Disposition'], path).toBeDefined();
		}
	});
});

describe('GET /api/v1/places', () => {
	it('matches the document, nearest first, with distance', async () => {
		const res = await call(list, '/api/v1/places?ou=Agen&limit=2');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/application\/json/);
		const body = await res.json();
		const validate = responseSchema('/api/v1/places', '200');
		expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
		expect(body.data.map((p: any) => p.id)).toEqual(['fixture-lacepede', 'fixture-boe']);
		expect(body.data[0].distance_m).toBeGreaterThan(0);
		expect(body.total).toBe(4);
		expect(body.rayon_m).toBe(30000);
		expect(body.pagination.suivant).toMatch(/apres=/);
		const next = await (await call(list, body.pagination.suivant)).json();
		expect(validate(next)).toBe(true);
		expect(next.data.map((p: any) => p.id)).toEqual(['fixture-bus', 'fixture-villeneuve']);
	});

	it('serialises places exactly as placeToJson does (SQL-built JSON)', async () => {
		const body = await (await call(list, '/api/v1/places?ou=Agen&limit=5')).json();
		const objects = await searchPlaces(db, { where: 'Agen', filters: emptyFilters(), limit: 5 });
		expect(body.data).toEqual(objects.items.map((i) => placeToJson(i.place, { licence: i.licence, distance_m: i.distanceMeters })));
	});

	it('takes lat/lng and filters from the URL', async () => {
		const body = await (await call(list, '/api/v1/places?lat=44.2&lng=0.62&service=Aide%20aux%20d%C3%A9marches%20administratives&gratuit=1')).json();
		expect(body.data.map((p: any) => p.id)).toEqual(['fixture-lacepede']);
	});

	it('serves GeoJSON for the map, as the document says', async () => {
		const res = await call(list, '/api/v1/places?ou=Agen&format=geojson&limit=2');
		expect(res.headers.get('content-type')).toBe('application/geo+json; charset=utf-8');
		const body = await res.json();
		const validate = responseSchema('/api/v1/places', '200', 'application/geo+json');
		expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
		expect(body.type).toBe('FeatureCollection');
		expect(body.features[0].geometry.coordinates).toEqual([0.619, 44.204]);
		expect(body.links.map((l: any) => l.rel)).toEqual(['self', 'next']);
	});

	it.each([
		['/api/v1/places?service=Inconnu', 'invalid_filter', /Valeur inconnue pour « service »/],
		['/api/v1/places?limit=0', 'invalid_parameter', /limit/],
		['/api/v1/places?lat=91&lng=0', 'invalid_parameter', /lat/],
		['/api/v1/places?lat=44', 'invalid_parameter', /vont ensemble/],
		['/api/v1/places?ou=Agen&apres=xxx', 'invalid_cursor', /curseur/],
		['/api/v1/places?ou=Zzyzzx', 'unknown_location', /Aucune commune/],
		['/api/v1/places?format=xml', 'invalid_parameter', /format/]
	])('%s → 400 %s', async (path, code, message) => {
		const res = await call(list, path);
		expect(res.status).toBe(400);
		const body = await res.json();
		expect(responseSchema('/api/v1/places', '400')(body)).toBe(true);
		expect(body.error.code).toBe(code);
		expect(body.error.message).toMatch(message);
	});
});

describe('GET /api/v1/places/{id}', () => {
	it('matches the document', async () => {
		const res = await call(one, '/api/v1/places/fixture-boe', { id: 'fixture-boe' });
		const body = await res.json();
		const validate = responseSchema('/api/v1/places/{id}', '200');
		expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
		expect(body).toMatchObject({ nom: 'France services de Boé', sources: [{ source: 'fixture', identifiant: 'fixture-boe' }] });
	});

	it('404 as JSON for an unknown id', async () => {
		const res = await call(one, '/api/v1/places/nope', { id: 'nope' });
		expect(res.status).toBe(404);
		const body = await res.json();
		expect(responseSchema('/api/v1/places/{id}', '404')(body)).toBe(true);
		expect(body.error.message).toMatch(/nope/);
	});
});

describe('GET /api/v1/places.csv', () => {
	it('exports the national CSV', async () => {
		const res = await call(csv, '/api/v1/places.csv?departement=47');
		expect(res.headers.get('content-type')).toMatch(/text\/csv/);
		const { headers, rows } = parseStandardCsv(await res.text());
		expect(headers.slice(0, 3)).toEqual(['id', 'pivot', 'nom']);
		expect(rows).toHaveLength(4);
	});
});
