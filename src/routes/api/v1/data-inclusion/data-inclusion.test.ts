/**
 * GET /api/v1/data-inclusion, …/structures, …/services: public, streamed JSON valid against
 * data·inclusion's schemas, with the caching, CORS and links of the other downloads; the
 * one-file download imports as it is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { createTestDatabase } from '../../../../../test/db.ts';
import { errorsOf } from '../../../../../test/data-inclusion.ts';
import { setDatabase, type Database } from '#lib/server/db/client.ts';
import { importPlaces } from '#lib/server/places/index.ts';
import { updateInstanceSettings } from '#lib/server/territory/index.ts';
import { GET as both } from './+server.ts';
import { GET as structures } from './structures/+server.ts';
import { GET as services } from './services/+server.ts';

let db: Database;
const origin = process.env.ORIGIN;

function call(handler: (e: never) => Promise<Response> | Response, path: string) {
	const url = new URL(path, 'http://localhost');
	return handler({ url, params: {}, request: new Request(url) } as never);
}

beforeAll(async () => {
	process.env.ORIGIN = 'https://maillage.example.fr';
	db = await createTestDatabase();
	setDatabase(db);
	// the instance's territory: the files offered for reuse cover it unless départements are asked
	await updateInstanceSettings(db, { departmentCodes: ['33', '47'] });
	const content = await readFile(new URL('../../../../../test/fixtures/places-agen.json', import.meta.url));
	await importPlaces(db, { fileName: 'places-agen.json', content, today: '2026-11-18' });
});
afterAll(async () => {
	if (origin === undefined) delete process.env.ORIGIN;
	else process.env.ORIGIN = origin;
	setDatabase(undefined);
	await db?.close();
});

describe('data·inclusion downloads', () => {
	it('structures: one per place, valid, public, cached, licence and schema linked', async () => {
		const res = await call(structures, '/api/v1/data-inclusion/structures');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(res.headers.get('access-control-allow-origin')).toBe('*');
		expect(res.headers.get('cache-control')).toBe('public, max-age=300, must-revalidate');
		expect(res.headers.get('link')).toBe(
			'<https://www.etalab.gouv.fr/licence-ouverte-open-licence/>; rel="license", <https://raw.githubusercontent.com/gip-inclusion/data-inclusion-schema/v1.0.8/schemas/v1/structure.json>; rel="describedby"'
		);
		const body = await res.json();
		expect(body.map((s: { id: string }) => s.id)).toEqual([
			'maillage--fixture-boe',
			'maillage--fixture-bordeaux',
			'maillage--fixture-bus',
			'maillage--fixture-lacepede',
			'maillage--fixture-villeneuve'
		]);
		for (const s of body) expect(errorsOf('structure', s)).toEqual([]);
		expect(body.find((s: { id: string }) => s.id === 'maillage--fixture-lacepede')).toMatchObject({
			source: 'maillage',
			nom: 'Médiathèque Lacépède',
			siret: '21470001500016',
			lien_source: 'https://maillage.example.fr/lieux/fixture-lacepede',
			reseaux_porteurs: ['conseillers-numeriques']
		});
	});

	it('services: each service of digital help of each place, valid, joined to its structure; a département at a time', async () => {
		const res = await call(services, '/api/v1/data-inclusion/services?departement=47');
		expect(res.status).toBe(200);
		const body = await res.json();
		for (const s of body) expect(errorsOf('service', s)).toEqual([]);
		expect(body.map((s: { id: string }) => s.id)).toEqual([
			'maillage--fixture-boe--demarches-administratives',
			'maillage--fixture-bus--outils-du-quotidien',
			'maillage--fixture-lacepede--demarches-administratives',
			'maillage--fixture-lacepede--outils-du-quotidien',
			'maillage--fixture-villeneuve--loisirs-creations'
		]);
		expect(body[2]).toMatchObject({
			structure_id: 'maillage--fixture-lacepede',
			nom: 'Aide aux démarches administratives',
			thematiques: ['numerique--acceder-a-des-services-en-ligne', 'difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives'],
			frais: 'gratuit',
			publics: ['seniors', 'personnes-en-situation-de-handicap'],
			publics_precisions: 'Prise en charge spécifique\u00a0: Surdité',
			modes_accueil: ['en-presentiel'],
			modes_mobilisation: ['se-presenter'],
			horaires_accueil: 'Mo-Fr 09:00-18:00; Sa 09:00-12:00',
			telephone: '+33553660000'
		});
	});

	it('both in one dated file, which another instance imports as it is', async () => {
		const res = await call(both, '/api/v1/data-inclusion');
		expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="data-inclusion-\d{4}-\d{2}-\d{2}\.json"$/);
		const text = await res.text();
		const file = JSON.parse(text);
		expect(file.structures).toHaveLength(5);
		expect(file.services).toHaveLength(6);
		const other = await createTestDatabase();
		try {
			const r = await importPlaces(other, { fileName: 'data-inclusion.json', content: text, today: '2026-11-18' });
			expect(r.format).toBe('data-inclusion-json');
			expect([r.created, r.rejected]).toEqual([5, 0]);
		} finally {
			await other.close();
		}
	});

	it('a wrong département: 400 in JSON, readable from another site', async () => {
		const res = await call(structures, '/api/v1/data-inclusion/structures?departement=xyz');
		expect(res.status).toBe(400);
		expect(res.headers.get('access-control-allow-origin')).toBe('*');
		expect((await res.json()).error.message).toMatch(/département invalide/);
	});
});
