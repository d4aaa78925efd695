/**
 * Issue 14, item 5: the full downloads (national CSV, JSON) at stable addresses, with dated
 * names, validators and the places that are open data only; and one licence story told
 * the same way by the files, the API and /donnees: the Aidants Connect list comes with no
 * licence, so the places known only from it are shown but not republished.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { setDatabase } from '#lib/server/db/client.ts';
import { importPlaces, parseStandardCsv, PLACE_SOURCES, type OpenDataSummary } from '#lib/server/places/index.ts';
import { sharedDataDir } from '#lib/server/paths.ts';
import { parisDay } from '#lib/time.ts';
import { FORMATS } from '#lib/server/places/sources/index.ts';
import { openWorld, type World } from '../../../../test/world.ts';
import { GET as list } from './places/+server.ts';
import { GET as one } from './places/[id]/+server.ts';
import { GET as csv } from './places.csv/+server.ts';
import { GET as openapi } from './openapi.json/+server.ts';
import { GET as csvDownload } from './telechargements/lieux-mediation-numerique.csv/+server.ts';
import { GET as jsonDownload } from './telechargements/lieux-mediation-numerique.json/+server.ts';
import { load as donnees } from '../../(public)/donnees/+page.server.ts';

type Handler = (e: any) => Promise<Response> | Response;
let w: World;

function call(handler: Handler, path: string, headers: Record<string, string> = {}, params: Record<string, string> = {}, method = 'GET') {
	const url = new URL(path, 'http://localhost');
	return handler({ url, params, request: new Request(url, { method, headers }) });
}

/** Every place the API lists in Lot-et-Garonne (the instance's département), page after page. */
async function apiPlaces(): Promise<{ id: string; licence: string | null }[]> {
	const out: { id: string; licence: string | null }[] = [];
	let next: string | null = '/api/v1/places?departement=47&limit=50';
	while (next) {
		const body = await (await call(list, next)).json();
		out.push(...body.data);
		next = body.pagination.suivant;
	}
	return out;
}

/** A few active structures of Lot-et-Garonne from the Aidants Connect list, in the file's own columns. */
async function aidantsConnect47(): Promise<string> {
	const rows = parse(await readFile(join(sharedDataDir(), 'reseaux', 'aidants-connect-structures-2024-02.csv')), { columns: true }) as Record<string, string>[];
	const mine = rows.filter((r) => r['Is Active'] === 'true' && r['City Insee Code'].startsWith('47')).slice(0, 6);
	return stringify(mine, { header: true, columns: Object.keys(rows[0]) });
}

beforeAll(async () => {
	w = await openWorld({ places: 'agen' });
	setDatabase(w.db);
	const report = await importPlaces(w.db, {
		fileName: 'aidants-connect-structures-2024-02.csv',
		content: Buffer.from(await aidantsConnect47()),
		today: '2026-11-20'
	});
	expect(report.created).toBeGreaterThan(0);
});
afterAll(async () => {
	setDatabase(undefined);
	await w?.close();
});

describe('licences', () => {
	it('every import format has a declared licence, or none stated', () => {
		for (const f of FORMATS)
			expect(
				PLACE_SOURCES.some((s) => (s.formats as readonly string[]).includes(f)),
				f
			).toBe(true);
	});

	it('the API states each place’s licence: null for a place known only from the Aidants Connect list, with its source’s', async () => {
		const places = await apiPlaces();
		const closed = places.filter((p) => p.licence === null);
		expect(closed.length).toBeGreaterThan(0);
		expect(places.filter((p) => p.licence === 'etalab-2.0').length).toBeGreaterThan(0);
		expect(places.every((p) => p.licence === null || p.licence === 'etalab-2.0')).toBe(true);
		const ac = await (await call(one, `/api/v1/places/${closed[0].id}`, {}, { id: closed[0].id })).json();
		expect(ac.licence).toBeNull();
		expect(ac.sources).toEqual([expect.objectContaining({ source: 'aidants-connect', licence: null })]);
		const open = await (await call(one, '/api/v1/places/fixture-boe', {}, { id: 'fixture-boe' })).json();
		expect(open).toMatchObject({ licence: 'etalab-2.0', sources: [{ licence: 'etalab-2.0' }] });
	});
});

describe('full downloads', () => {
	it('the national CSV: a dated file name, the schema link, validators, every open place of the territory and no other', async () => {
		const res = await call(csvDownload, '/api/v1/telechargements/lieux-mediation-numerique.csv');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		const day = parisDay(new Date(res.headers.get('last-modified')!)).replace(/-/g, '');
		expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${day}-lieux-mediation-numerique-lot-et-garonne.csv"`);
		expect(res.headers.get('link')).toMatch(
			/^<https:\/\/raw\.githubusercontent\.com\/LaMednum\/standard-mediation-num\/[0-9a-f]{40}\/schema\.json>; rel="describedby"/
		);
		expect(res.headers.get('etag')).toMatch(/^W\//);
		const { headers, rows } = parseStandardCsv(await res.text());
		expect(headers.slice(0, 3)).toEqual(['id', 'pivot', 'nom']);
		const places = await apiPlaces();
		expect(rows.map((r) => r.id).sort()).toEqual(
			places
				.filter((p) => p.licence)
				.map((p) => p.id)
				.sort()
		);
		// the same rows as the national CSV of the API, and the same validators' rules (304)
		const apiCsv = parseStandardCsv(await (await call(csv, '/api/v1/places.csv?departement=47')).text()).rows;
		expect(apiCsv.map((r) => r.id)).toEqual(rows.map((r) => r.id));
		expect((await call(csvDownload, '/api/v1/telechargements/lieux-mediation-numerique.csv', { 'if-none-match': res.headers.get('etag')! })).status).toBe(304);
		const head = await call(csvDownload, '/api/v1/telechargements/lieux-mediation-numerique.csv', {}, {}, 'HEAD');
		expect(head.body).toBeNull();
		expect(head.headers.get('content-disposition')).toBe(res.headers.get('content-disposition'));
	});

	it('the JSON: the places as the API gives them, its licence, how many are left out and why, the total', async () => {
		const res = await call(jsonDownload, '/api/v1/telechargements/lieux-mediation-numerique.json');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="\d{8}-lieux-mediation-numerique-lot-et-garonne\.json"$/);
		const file = await res.json();
		const places = await apiPlaces();
		expect(file.licence).toEqual({ id: 'etalab-2.0', nom: 'Licence Ouverte 2.0', url: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/' });
		expect(file.total).toBe(file.data.length);
		expect(file.total).toBe(places.filter((p) => p.licence).length);
		expect(file.lieux_non_inclus.nombre).toBe(places.filter((p) => !p.licence).length);
		expect(file.lieux_non_inclus.raison).toMatch(/Aidants Connect/);
		expect(file.date_maj).toBe(parisDay(new Date(res.headers.get('last-modified')!)));
		// each record exactly as the API's list gives it
		const listed = new Map(places.map((p) => [p.id, p]));
		for (const p of file.data) expect(p).toEqual(listed.get(p.id));
		// valid against the OpenAPI document it is described in
		const doc = await (await call(openapi, '/api/v1/openapi.json')).json();
		const ajv = new Ajv2020({ strict: false, allErrors: true });
		addFormats(ajv);
		const validate = ajv.compile({
			...doc.paths['/api/v1/telechargements/lieux-mediation-numerique.json'].get.responses['200'].content['application/json'].schema,
			components: doc.components
		});
		expect(validate(file), JSON.stringify(validate.errors)).toBe(true);
	});

	it('/donnees says the same: the files’ counts, the places left out, Aidants Connect without licence', async () => {
		const data = (await donnees({} as never)) as unknown as OpenDataSummary & { licence: { name: string } };
		const places = await apiPlaces();
		const open = places.filter((p) => p.licence).length;
		expect(data.files.map((f) => [f.kind, f.path, f.count])).toEqual([
			['csv', '/api/v1/telechargements/lieux-mediation-numerique.csv', open],
			['json', '/api/v1/telechargements/lieux-mediation-numerique.json', open]
		]);
		expect(data.excluded).toBe(places.length - open);
		for (const f of data.files) {
			const res = await call(f.kind === 'csv' ? csvDownload : jsonDownload, f.path);
			expect(f.bytes).toBe((await res.arrayBuffer()).byteLength);
			expect(res.headers.get('content-disposition')).toContain(f.fileName);
		}
		const ac = data.sources.find((s) => s.name.startsWith('Aidants Connect'));
		expect(ac).toMatchObject({ licence: 'Pas de licence explicite', open: false });
		expect(ac!.places).toBeGreaterThanOrEqual(data.excluded);
		expect(data.sources.filter((s) => s.open).every((s) => s.licence === data.licence.name)).toBe(true);
	});
});
