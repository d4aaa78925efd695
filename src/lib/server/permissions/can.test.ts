import { describe, expect, it } from 'vitest';
import { abilities, can, organisationsWhere, type Actor } from './can.ts';

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

describe('the strategy (issue 16, item 6): the département’s coordinators write, its partners read, nobody else', () => {
	it('by role and by département', () => {
		const coordinator47 = actor([{ organisationId: 'cd47', role: 'coordinator', departmentCode: '47' }]);
		const partner47 = actor([{ organisationId: 'caf47', role: 'partner', departmentCode: '47' }]);
		const coordinator33 = actor([{ organisationId: 'cd33', role: 'coordinator', departmentCode: '33' }]);
		const prescriber47 = actor([{ organisationId: 'ccas', role: 'prescriber', departmentCode: '47' }]);
		const mediator47 = actor([{ organisationId: 'epn', role: 'mediator', departmentCode: '47' }]);
		const rows = [coordinator47, partner47, coordinator33, prescriber47, mediator47, actor([], true)].map((a) => [
			can(a, 'strategy.read', { departmentCode: '47' }),
			can(a, 'strategy.manage', { departmentCode: '47' })
		]);
		expect(rows).toEqual([
			[true, true],
			[true, false],
			[false, false],
			[false, false],
			[false, false],
			// the instance administrator, as for every action that is not about the people helped
			[true, true]
		]);
		expect(can(partner47, 'strategy.read', { departmentCode: '33' })).toBe(false);
		expect(can(coordinator47, 'strategy.manage', { departmentCode: null })).toBe(false);
	});
});

describe('refurbished equipment (issue 18, decision 0020): the refurbisher’s team, the care team holding the record, never by rank for the person', () => {
	it('by role, structure and département', () => {
		const coordinator47 = actor([{ organisationId: 'cd47', role: 'coordinator', departmentCode: '47' }]);
		const coordinator33 = actor([{ organisationId: 'cd33', role: 'coordinator', departmentCode: '33' }]);
		const workshop = actor([{ organisationId: 'atelier', role: 'place_manager', departmentCode: '47' }]);
		const workshopMediator = actor([{ organisationId: 'atelier', role: 'mediator', departmentCode: '47' }]);
		const prescriber = actor([{ organisationId: 'ccas', role: 'prescriber', departmentCode: '47' }]);
		const partner = actor([{ organisationId: 'caf47', role: 'partner', departmentCode: '47' }]);
		const admin = actor([], true);
		const rows = [coordinator47, coordinator33, workshop, workshopMediator, prescriber, partner, admin].map((a) => [
			can(a, 'equipment.manage', { departmentCode: '47', organisationId: 'atelier' }),
			can(a, 'equipment.refurbish', { organisationId: 'atelier' }),
			can(a, 'equipment.read', { departmentCode: '47', organisationId: 'atelier' }),
			can(a, 'equipment.request', { organisationId: 'ccas' }),
			can(a, 'equipment.allocate', { organisationId: 'atelier' })
		]);
		expect(rows).toEqual([
			[true, false, true, false, false],
			[false, false, false, false, false],
			[true, true, true, false, true],
			[true, true, true, false, true],
			[false, false, false, true, false],
			[false, false, false, false, false],
			// the administrator: the stock, never a person's request nor a handover
			[true, true, true, false, false]
		]);
		// a donor's structure reads its own report
		expect(can(partner, 'equipment.read', { departmentCode: '47', donorOrganisationId: 'caf47' })).toBe(true);
		expect(can(partner, 'equipment.read', { departmentCode: '47', donorOrganisationId: 'other' })).toBe(false);
	});
});
