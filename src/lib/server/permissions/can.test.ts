import { describe, expect, it } from 'vitest';
import { abilities, organisationsWhere, type Actor } from './can.ts';

const actor = (memberships: Actor['memberships'], isAdmin = false): Actor => ({ userId: 'u', isAdmin, mfa: true, memberships });

describe('what the actor’s own roles open (menus and page sections)', () => {
	it('follows the memberships, one role at a time', () => {
		expect(abilities(actor([{ organisationId: 'ccas', role: 'prescriber', departmentCode: '47' }]))).toEqual({
			care: true,
			placeTeam: false,
			passDistribution: true,
			partner: false
		});
		expect(abilities(actor([{ organisationId: 'epn', role: 'mediator', departmentCode: '47' }]))).toEqual({
			care: true,
			placeTeam: true,
			passDistribution: false,
			partner: false
		});
		expect(abilities(actor([{ organisationId: 'epn', role: 'place_manager', departmentCode: '47' }]))).toMatchObject({ care: false, placeTeam: true });
		expect(abilities(actor([{ organisationId: 'caf', role: 'partner', departmentCode: '47' }]))).toMatchObject({ partner: true, care: false });
	});
	it('opens nothing by the administrator’s or the coordinator’s rank', () => {
		expect(Object.values(abilities(actor([], true)))).toEqual([false, false, false, false]);
		expect(Object.values(abilities(actor([{ organisationId: 'cd47', role: 'coordinator', departmentCode: '47' }])))).toEqual([false, false, false, false]);
	});
	it('lists the structures where a role is held', () => {
		const a = actor([
			{ organisationId: 'epn', role: 'place_manager', departmentCode: '47' },
			{ organisationId: 'mediatheque', role: 'mediator', departmentCode: '47' }
		]);
		expect([...organisationsWhere(a, ['place_manager'])]).toEqual(['epn']);
		expect([...organisationsWhere(a, ['mediator', 'place_manager'])].sort()).toEqual(['epn', 'mediatheque']);
	});
});
