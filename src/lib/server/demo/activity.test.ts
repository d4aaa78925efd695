/**
 * The demo's twelve months of activity (issue 16): on the real demo territory, the steering
 * pages of Lot-et-Garonne show figures, not a page of « masqué »; the demo accounts' own
 * lists are untouched (the activity belongs to other structures, its places have no team).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openWorld, type World } from '../../../../test/world.ts';
import { ensureDemo } from './index.ts';
import type { Actor } from '../accounts/index.ts';
import { demandSections, outcomeSections } from '../steering/index.ts';
import { isMasked, type SteeringTable } from '../steering/model.ts';

let w: World;
let coordinator: Actor;

beforeAll(async () => {
	w = await openWorld();
	await ensureDemo(w.db);
	const cd = await w.organisation('Département de Lot-et-Garonne (test)', 'departement');
	coordinator = await w.member('coord@cd47.test', cd, 'coordinator');
}, 600_000);
afterAll(async () => w?.close());

const cells = (t: SteeringTable) => t.rows.flatMap((r) => r.slice(1));

describe('the demo’s activity', () => {
	it('is seeded once, in realistic volumes, and closed or accepted (nothing for the referral clock)', async () => {
		const [n] = await w.db.query<{ persons: number; referrals: number; open: number; accompaniments: number }>(sql`
			select (select count(*)::int from beneficiaries where first_name = 'Démo') as persons,
				(select count(*)::int from referrals where reason like '%démonstration%') as referrals,
				(select count(*)::int from referrals where status in ('sent', 'under_study')) as open,
				(select count(*)::int from accompaniments) as accompaniments`);
		expect(n).toEqual({ persons: 1800, referrals: 1500, open: 0, accompaniments: 6300 });
		await ensureDemo(w.db);
		const [again] = await w.db.query<{ persons: number }>(sql`select count(*)::int as persons from beneficiaries where first_name = 'Démo'`);
		expect(again.persons).toBe(1800);
	});

	it('shows figures on the steering pages by EPCI, most of them not masked', async () => {
		const lastYear = String(new Date().getFullYear() - (new Date().getMonth() < 1 ? 1 : 0));
		const params = new URLSearchParams(`departement=47&periode=${lastYear}&niveau=epci`);
		const demand = (await demandSections(w.db, coordinator, params)).sections.flatMap((s) => s.tables.map((t) => t.table));
		const byArea = demand.find((t) => t.id === 'demande-orientations-territoire')!;
		const shown = cells(byArea).filter((c) => typeof c === 'number' && c > 0).length;
		expect(shown).toBeGreaterThan(cells(byArea).filter(isMasked).length);
		expect(typeof byArea.total?.[1]).toBe('number');
		const outcomes = (await outcomeSections(w.db, coordinator, params)).sections.flatMap((s) => s.tables.map((t) => t.table));
		const funnel = outcomes.find((t) => t.id === 'resultats-entonnoir')!;
		expect(funnel.rows.filter((r) => typeof r[1] === 'number' && r[1] > 0).length).toBeGreaterThanOrEqual(5);
		const median = outcomes.find((t) => t.id === 'resultats-delai')!;
		expect(typeof median.rows[1][1]).toBe('string');
	});
});
