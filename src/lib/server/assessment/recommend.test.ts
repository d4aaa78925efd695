import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { createTestDatabase } from '../../../../test/db.ts';
import type { Database } from '../db/client.ts';
import { importPlaces } from '../places/import.ts';
import { assess } from './model.ts';
import { recommendPlaces } from './recommend.ts';

let db: Database;
beforeAll(async () => {
	db = await createTestDatabase();
	const content = await readFile(new URL('../../../../test/fixtures/places-agen.json', import.meta.url));
	await importPlaces(db, { fileName: 'places-agen.json', content, today: '2026-11-18' });
});
afterAll(async () => db?.close());

const ids = (r: Awaited<ReturnType<typeof recommendPlaces>>) => r.recommendations.map((x) => x.item.place.id.replace('fixture-', ''));

describe('recommendation of places for an assessment (fixed cases, around Agen)', () => {
	it('a procedure to do, free, on Saturdays: the médiathèque first, with its reasons', async () => {
		const a = assess({ besoin: ['demarche'], contraintes: ['samedi', 'cout'] });
		const r = await recommendPlaces(db, a, { where: 'Agen' });
		expect(ids(r)[0]).toBe('lacepede');
		const first = r.recommendations[0];
		expect(first.reasons).toEqual(['Propose\u00a0: Aide aux démarches administratives', expect.stringMatching(/^À \d+ (m|km)$/), 'Ouvert le samedi', 'Gratuit']);
		expect(first.missing).toEqual([]);
		// Boé offers the procedure but is closed on Saturdays: second, and says why
		const boe = r.recommendations.find((x) => x.item.place.id === 'fixture-boe')!;
		// (issue 12, item 4: what is not known of a place is said too; the fixture's Boé has no phone nor e-mail)
		expect(boe.missing).toEqual(['Ni téléphone ni e-mail connus', 'Fermé le samedi']);
		expect(ids(r).indexOf('boe')).toBe(1);
	});

	it('learning the basics, hard of hearing, cannot travel: adapted reception and the travelling bus rank up', async () => {
		const a = assess({ besoin: ['bases'], contraintes: ['audition', 'deplacement'] });
		const r = await recommendPlaces(db, a, { where: 'Agen' });
		expect(ids(r).slice(0, 2)).toEqual(['lacepede', 'bus']);
		expect(r.recommendations[0].reasons).toContain('Accueil adapté\u00a0: Surdité');
		expect(r.recommendations[1].reasons).toContain('Se déplace (itinérant)');
	});

	it('a paying place falls behind when the person cannot pay', async () => {
		const a = assess({ besoin: ['bases'], contraintes: ['cout'] });
		const r = await recommendPlaces(db, a, { where: 'Agen' });
		const bus = r.recommendations.find((x) => x.item.place.id === 'fixture-bus')!;
		expect(bus.missing).toContain('Payant');
		expect(ids(r).indexOf('bus')).toBeGreaterThan(ids(r).indexOf('lacepede'));
	});
});
