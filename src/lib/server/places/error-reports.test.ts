import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorld, type World } from '../../../../test/world.ts';
import type { Actor } from '../permissions/index.ts';
import { errorReportsFor, reportPlaceError } from './error-reports.ts';

let w: World;
let coordinator47: Actor;
let coordinator33: Actor;
let mediator: Actor;
beforeAll(async () => {
	w = await openWorld({ places: 'agen', boss: false });
	coordinator47 = await w.member('coord@cd47.test', await w.organisation('Département de Lot-et-Garonne', 'departement'), 'coordinator');
	coordinator33 = await w.member('coord@cd33.test', await w.organisation('Département de la Gironde', 'departement', '33'), 'coordinator');
	mediator = await w.member('lou@mediatheque.test', await w.organisation('Médiathèque Lacépède', 'mediatheque'), 'mediator');
	const place = await w.place('Médiathèque Lacépède');
	expect(await reportPlaceError(w.db, place, { champs: ['horaires'], message: 'Fermé le lundi matin.' })).toEqual({ ok: true });
});
afterAll(async () => {
	await w.close();
});

describe('the error reports a coordinator moderates', () => {
	it('are those of their département', async () => {
		expect((await errorReportsFor(w.db, coordinator47)).map((r) => r.placeName)).toEqual(['Médiathèque Lacépède']);
		expect(await errorReportsFor(w.db, coordinator33)).toEqual([]);
	});
	it('are refused to a place’s team', async () => {
		await expect(errorReportsFor(w.db, mediator)).rejects.toMatchObject({ code: 'forbidden', status: 403 });
	});
});
