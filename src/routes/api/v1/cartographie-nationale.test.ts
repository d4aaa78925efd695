/**
 * The national map's feed over HTTP (issue 14, item 6): the route handlers' answers
 * validated against the OpenAPI document, the headers a page of another site needs to read
 * them, and the count of places left out in the feed's header and in its summary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { fromSchemaLieuxDeMediationNumerique } from 'lieux-de-mediation-numerique-v0';
import { createTestDatabase } from '../../../../test/db.ts';
import { setDatabase, type Database } from '#lib/server/db/client.ts';
import { importPlaces } from '#lib/server/places/index.ts';
import { updateInstanceSettings } from '#lib/server/territory/index.ts';
import { GET as feed } from './cartographie-nationale.json/+server.ts';
import { GET as summary } from './cartographie-nationale/exclus.json/+server.ts';
import { GET as openapi } from './openapi.json/+server.ts';

let db: Database;
let doc: Record<string, any>;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

function call(handler: (e: any) => Promise<Response> | Response, path: string) {
	const url = new URL(path, 'http://localhost');
	return handler({ url, params: {}, request: new Request(url) });
}

function schemaOf(path: string, status: string) {
	const schema = doc.paths[path].get.responses[status].content['application/json'].schema;
	return ajv.compile({ ...schema, $id: `${path}:${status}`, components: doc.components });
}

/** the places of Agen's fixture, and two the map cannot show: no service, no public */
const LEFT_OUT = [
	{
		id: 'sans-service',
		pivot: '21470001500016',
		nom: 'Mairie',
		commune: 'Agen',
		code_postal: '47000',
		adresse: '1 place du Docteur Esquirol',
		latitude: 44.2,
		longitude: 0.61,
		date_maj: '2024-01-01'
	},
	{
		id: 'sans-public',
		pivot: '21470001500016',
		nom: 'Siège',
		commune: 'Agen',
		code_postal: '47000',
		adresse: '2 rue Lamennais',
		latitude: 44.2,
		longitude: 0.62,
		services: 'Aide aux démarches administratives',
		modalites_acces: "Ce lieu n'accueille pas de public",
		date_maj: '2024-01-01'
	}
];

beforeAll(async () => {
	db = await createTestDatabase();
	setDatabase(db);
	// the instance's territory: the files offered for reuse cover it unless départements are asked
	await updateInstanceSettings(db, { departmentCodes: ['33', '47'] });
	const content = await readFile(new URL('../../../../test/fixtures/places-agen.json', import.meta.url));
	await importPlaces(db, { fileName: 'places-agen.json', content, today: '2026-11-18' });
	await importPlaces(db, { fileName: 'carte.json', content: Buffer.from(JSON.stringify(LEFT_OUT)), today: '2026-11-18' });
	doc = await (await call(openapi, '/api/v1/openapi.json')).json();
});
afterAll(async () => {
	setDatabase(undefined);
	await db?.close();
});

describe('GET /api/v1/cartographie-nationale.json', () => {
	it('is public in the OpenAPI document', () => {
		for (const path of ['/api/v1/cartographie-nationale.json', '/api/v1/cartographie-nationale/exclus.json']) {
			expect(doc.paths[path].get.security).toEqual([]);
		}
	});

	it('answers the array the component reads, any site may fetch it, and says how many places it leaves out', async () => {
		const res = await call(feed, '/api/v1/cartographie-nationale.json');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(res.headers.get('access-control-allow-origin')).toBe('*');
		expect(res.headers.get('access-control-expose-headers')).toMatch(/X-Lieux-Exclus/);
		expect(res.headers.get('cache-control')).toBe('public, max-age=300, must-revalidate');
		expect(res.headers.get('x-lieux-inclus')).toBe('5');
		expect(res.headers.get('x-lieux-exclus')).toBe('2');
		const body = await res.json();
		const validate = schemaOf('/api/v1/cartographie-nationale.json', '200');
		expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
		expect(body.map((r: { id: string }) => r.id).sort()).toEqual(['fixture-boe', 'fixture-bordeaux', 'fixture-bus', 'fixture-lacepede', 'fixture-villeneuve']);
		expect(fromSchemaLieuxDeMediationNumerique(body)).toHaveLength(5);
	});

	it('a département only', async () => {
		const res = await call(feed, '/api/v1/cartographie-nationale.json?departement=33');
		expect((await res.json()).map((r: { id: string }) => r.id)).toEqual(['fixture-bordeaux']);
		expect(res.headers.get('x-lieux-exclus')).toBe('0');
	});

	it('a bad parameter: a JSON error any site can read', async () => {
		const res = await call(feed, '/api/v1/cartographie-nationale.json?departement=4');
		expect(res.status).toBe(400);
		expect(res.headers.get('access-control-allow-origin')).toBe('*');
		expect((await res.json()).error.message).toMatch(/département/);
	});
});

describe('GET /api/v1/cartographie-nationale/exclus.json', () => {
	it('lists the places left out with their reasons, and the counts add up', async () => {
		const res = await call(summary, '/api/v1/cartographie-nationale/exclus.json');
		expect(res.headers.get('access-control-allow-origin')).toBe('*');
		const body = await res.json();
		const validate = schemaOf('/api/v1/cartographie-nationale/exclus.json', '200');
		expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
		expect(body).toMatchObject({ composant: '@gouvfr-anct/cartographie-nationale 5.22.0', lieux_publies: 7, lieux_inclus: 5, lieux_exclus: 2 });
		expect(body.motifs.map((m: { code: string }) => m.code).sort()).toEqual(['sans-public', 'sans-service']);
		const byName = Object.fromEntries(body.exclus.map((p: { nom: string; motifs: string[] }) => [p.nom, p.motifs.join(' ')]));
		expect(byName.Mairie).toMatch(/au moins un service/);
		expect(byName.Siège).toMatch(/n’accueille pas de public/);
	});
});

describe('conditional requests (issue 14, item 4)', () => {
	const again = (handler: (e: any) => Promise<Response> | Response, path: string, etag: string) => {
		const url = new URL(path, 'http://localhost');
		return handler({ url, params: {}, request: new Request(url, { headers: { 'if-none-match': etag } }) });
	};

	it('the feed and its summary answer 304 to their own ETag, with no body and no count computed', async () => {
		for (const [handler, path] of [
			[feed, '/api/v1/cartographie-nationale.json'],
			[summary, '/api/v1/cartographie-nationale/exclus.json']
		] as const) {
			const first = await call(handler, path);
			const etag = first.headers.get('etag')!;
			expect(etag, path).toMatch(/^W\/"/);
			await first.body?.cancel();
			const second = await again(handler, path, etag);
			expect(second.status, path).toBe(304);
			expect(second.headers.get('etag')).toBe(etag);
			expect(second.headers.get('x-lieux-inclus')).toBeNull();
			expect(await second.text()).toBe('');
		}
	});

	it('a change of a place gives another ETag', async () => {
		const first = await call(feed, '/api/v1/cartographie-nationale.json');
		await first.body?.cancel();
		await importPlaces(db, {
			fileName: 'lieux.json',
			content: JSON.stringify([
				{ ...LEFT_OUT[0], id: 'nouveau', nom: 'Nouvelle médiathèque', adresse: '3 rue Lamennais', services: 'Aide aux démarches administratives' }
			]),
			today: '2026-12-07'
		});
		const second = await again(feed, '/api/v1/cartographie-nationale.json', first.headers.get('etag')!);
		expect(second.status).toBe(200);
		expect(second.headers.get('x-lieux-inclus')).toBe('6');
		await second.body?.cancel();
	});
});

describe('the territory (issue 14: the files offered for reuse cover the same places)', () => {
	it('without « departement », the feed holds the instance’s départements only', async () => {
		await updateInstanceSettings(db, { departmentCodes: ['47'] });
		try {
			const res = await call(feed, '/api/v1/cartographie-nationale.json');
			const ids = (await res.json()).map((r: { id: string }) => r.id);
			expect(ids).not.toContain('fixture-bordeaux');
			expect(ids.length).toBeGreaterThan(0);
			const asked = await call(feed, '/api/v1/cartographie-nationale.json?departement=33');
			expect((await asked.json()).map((r: { id: string }) => r.id)).toEqual(['fixture-bordeaux']);
		} finally {
			await updateInstanceSettings(db, { departmentCodes: ['33', '47'] });
		}
	});
});
