import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorld, type World } from '../../../../test/world.ts';
import { createArea } from '../territory/index.ts';
import type { Actor } from '../accounts/index.ts';
import { steeringContext } from './context.ts';

let w: World;
let coord: Actor;
let caf: Actor;
let prescriber: Actor;
const today = '2026-12-07';

beforeAll(async () => {
	w = await openWorld();
	coord = await w.member('coord@cd47.test', await w.organisation('Département de Lot-et-Garonne', 'departement'), 'coordinator');
	const cafId = await w.organisation('CAF de Lot-et-Garonne', 'operateur');
	caf = await w.member('agent@caf47.test', cafId, 'partner');
	prescriber = await w.member('pat@ccas.test', await w.organisation('CCAS de Nérac', 'ccas'), 'prescriber');
	await createArea(w.db, { departmentCode: '47', kind: 'bassin_de_vie', name: 'Albret', inseeCodes: ['47195'] });
});
afterAll(() => w.close());

describe('who may steer what', () => {
	it('gives a coordinator their département, the levels it has, and the whole network', async () => {
		const c = await steeringContext(w.db, coord, new URLSearchParams('niveau=bassin_de_vie&periode=2026-T3'), today);
		expect(c.departments).toEqual([{ code: '47', name: 'Lot-et-Garonne' }]);
		expect(c.query.level).toEqual({ kind: 'area', areaKind: 'bassin_de_vie' });
		expect(c.query.period.label).toBe('3e trimestre 2026');
		expect(c.levels.map((l) => (l.kind === 'area' ? l.areaKind : l.kind))).toEqual(['commune', 'epci', 'bassin_de_vie', 'departement']);
		expect(c.coordinator).toBe(true);
	});

	it('gives a partner its département, in its own scope, and falls back from a level the département does not have', async () => {
		const c = await steeringContext(w.db, caf, new URLSearchParams('departement=33&niveau=pole_territorial'), today);
		expect(c.query.departmentCode).toBe('47');
		expect(c.query.level).toEqual({ kind: 'epci' });
		expect(c.coordinator).toBe(false);
		expect(c.partnerOrganisationIds).toHaveLength(1);
	});

	it('refuses a professional who neither coordinates nor is a partner', async () => {
		await expect(steeringContext(w.db, prescriber, new URLSearchParams(), today)).rejects.toMatchObject({ code: 'forbidden' });
	});
});
