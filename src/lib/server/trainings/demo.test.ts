/** The demo's catalogue (trainings/demo.ts) on the places of the test fixture: what `./run start` shows. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorld, type World } from '../../../../test/world.ts';
import { catalogue, parseCatalogueFilter, seedDemoTrainings } from './index.ts';

let w: World;
beforeAll(async () => {
	w = await openWorld({ places: 'agen' });
}, 120_000);
afterAll(async () => {
	await w?.close();
});

describe('the demo’s catalogue', () => {
	it('has the Thursdays at places of the network (the first one full, two waiting), a webinar relayed in France Services, the forum grouping two sessions, a Thursday already held; once', async () => {
		expect(await seedDemoTrainings(w.db, '2026-11-18')).toEqual({ trainings: 4, sessions: 6 });
		expect(await seedDemoTrainings(w.db, '2026-11-18')).toEqual({ trainings: 0, sessions: 0 });
		const c = await catalogue(w.db, parseCatalogueFilter(new URLSearchParams()), new Date('2026-11-18T09:00:00Z'));
		const titles = c.items.map((i) => i.title);
		expect(titles.filter((t) => t.startsWith('Les jeudis de l’inclusion numérique'))).toHaveLength(2);
		const jeudis = c.items.filter((i) => i.title.startsWith('Les jeudis'));
		expect(jeudis[0]).toMatchObject({ full: true, seats: 'Complet\u00a0: liste d’attente (2 personnes)', where: 'Médiathèque Lacépède, Agen' });
		expect(jeudis[0].when[0]).toMatch(/^jeudi /);
		const webinar = c.items.find((i) => i.format === 'Webinaire relayé dans des lieux')!;
		expect(webinar.where).toBe('En ligne, et en groupe dans 1 lieu (Boé)');
		expect(c.items.filter((i) => i.event === 'Forum de la vie numérique & citoyenne')).toHaveLength(2);
	});
});
