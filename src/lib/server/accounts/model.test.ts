import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { passwordProblem, organisationSchema } from './model.ts';
import { signToken, verifyToken, encrypt, decrypt } from '../security/secret.ts';
import { can, type Actor } from '../permissions/index.ts';

describe('password policy (ANSSI: length, no composition rule, not a common password)', () => {
	it('asks for 12 characters at least, counting accents and emoji as one', () => {
		expect(passwordProblem('court')).toMatch(/au moins 12 caractères \(il en a 5\)/);
		expect(passwordProblem('éééééééééééé'.slice(0, 11))).toMatch(/il en a 11/);
		expect(passwordProblem('la pêche au bord du Lot')).toBeNull();
	});
	it('accepts any long enough password that is not common, whatever its characters', () => {
		fc.assert(
			fc.property(fc.string({ minLength: 16, maxLength: 40, unit: 'grapheme' }), (s) => {
				const r = passwordProblem(s);
				return r === null || /courants|nom/.test(r) || Array.from(s).length < 12;
			})
		);
	});
	it('refuses common passwords and common ones dressed up with digits', () => {
		for (const p of ['azertyuiop12', 'motdepasse123!', '123456789012', 'aaaaaaaaaaaa', 'Marseille2024!', 'abcdefghijklm', 'qwertyuiopas'])
			expect(passwordProblem(p), p).toMatch(/les plus courants/);
	});
	it('refuses the e-mail address or name as a password', () => {
		expect(passwordProblem('camille.martin', { email: 'camille.martin@cd47.fr' })).toMatch(/nom ou votre adresse/);
	});
});

describe('signed tokens', () => {
	const now = Date.parse('2026-11-22T10:00:00Z');
	it('verify with their purpose, until they expire', () => {
		const t = signToken('invitation', { i: 'abc' }, 3600, now);
		expect(verifyToken('invitation', t, now + 1000)).toMatchObject({ ok: true, payload: { i: 'abc' } });
		expect(verifyToken('invitation', t, now + 3601_000)).toEqual({ ok: false, reason: 'expired' });
		expect(verifyToken('password-reset', t, now)).toEqual({ ok: false, reason: 'invalid' });
	});
	it('refuse any change of one character', () => {
		const t = signToken('invitation', { i: '7d0f2a9c-0000-4000-8000-000000000001' }, 3600, now);
		for (let k = 0; k < t.length; k++) {
			const c = t[k] === 'A' ? 'B' : 'A';
			const tampered = t.slice(0, k) + c + t.slice(k + 1);
			if (tampered === t) continue;
			expect(verifyToken('invitation', tampered, now).ok, `position ${k}`).toBe(false);
		}
		expect(verifyToken('invitation', t + '.x', now).ok).toBe(false);
		expect(verifyToken('invitation', '', now).ok).toBe(false);
	});
	it('encrypt secrets so that only this instance reads them', () => {
		const sealed = encrypt('totp', 'JBSWY3DPEHPK3PXP');
		expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
		expect(decrypt('totp', sealed)).toBe('JBSWY3DPEHPK3PXP');
		expect(() => decrypt('other', sealed)).toThrow();
	});
});

describe('organisation input', () => {
	it('checks the SIRET key and normalises spaces', () => {
		expect(organisationSchema.safeParse({ name: 'CCAS d’Agen', kind: 'ccas', departmentCode: '47', siret: '214 700 015 00013' }).success).toBe(false);
		const ok = organisationSchema.safeParse({ name: 'Département de Lot-et-Garonne', kind: 'departement', departmentCode: '47', siret: '' });
		expect(ok.success && ok.data.siret).toBe(null);
	});
});

describe('can(): territory isolation', () => {
	const coord47: Actor = { userId: 'u1', isAdmin: false, mfa: true, memberships: [{ organisationId: 'cd47', role: 'coordinator', departmentCode: '47' }] };
	const manager: Actor = {
		userId: 'u2',
		isAdmin: false,
		mfa: true,
		memberships: [{ organisationId: 'mediatheque', role: 'place_manager', departmentCode: '47' }]
	};
	it('lets a coordinator act in their département only', () => {
		expect(can(coord47, 'organisation.manage', { departmentCode: '47' })).toBe(true);
		expect(can(coord47, 'organisation.manage', { departmentCode: '33' })).toBe(false);
		expect(can(coord47, 'journal.read', { departmentCode: '33' })).toBe(false);
		expect(can(coord47, 'user.invite', { departmentCode: '47', organisationId: 'x', role: 'prescriber' })).toBe(true);
	});
	it('lets a place manager build their own team, nothing more', () => {
		expect(can(manager, 'user.invite', { departmentCode: '47', organisationId: 'mediatheque', role: 'mediator' })).toBe(true);
		expect(can(manager, 'user.invite', { departmentCode: '47', organisationId: 'mediatheque', role: 'coordinator' })).toBe(false);
		expect(can(manager, 'user.invite', { departmentCode: '47', organisationId: 'autre', role: 'mediator' })).toBe(false);
		expect(can(manager, 'place.edit', { departmentCode: '47', placeOrganisationIds: ['mediatheque'] })).toBe(true);
		expect(can(manager, 'place.edit', { departmentCode: '47', placeOrganisationIds: ['autre'] })).toBe(false);
		expect(can(manager, 'journal.read', { departmentCode: '47' })).toBe(false);
	});
	it('gives nothing to nobody', () => {
		expect(can(null, 'organisation.read', { departmentCode: '47' })).toBe(false);
	});
	it('opens the steering space to the coordinators and partners of the département; the whole network’s figures to the coordinators', () => {
		const caf47: Actor = { userId: 'u3', isAdmin: false, mfa: false, memberships: [{ organisationId: 'caf', role: 'partner', departmentCode: '47' }] };
		const prescriber: Actor = { userId: 'u4', isAdmin: false, mfa: true, memberships: [{ organisationId: 'ccas', role: 'prescriber', departmentCode: '47' }] };
		expect(can(coord47, 'steering.read', { departmentCode: '47' })).toBe(true);
		expect(can(coord47, 'steering.read_all', { departmentCode: '47' })).toBe(true);
		expect(can(coord47, 'steering.read', { departmentCode: '33' })).toBe(false);
		expect(can(caf47, 'steering.read', { departmentCode: '47' })).toBe(true);
		expect(can(caf47, 'steering.read_all', { departmentCode: '47' })).toBe(false);
		expect(can(caf47, 'steering.read', { departmentCode: '64' })).toBe(false);
		for (const a of [prescriber, manager]) expect(can(a, 'steering.read', { departmentCode: '47' })).toBe(false);
	});
	it('lets the coordinators organise the département’s trainings, a structure’s managers its own; anyone with an account registers', () => {
		const mediator: Actor = {
			userId: 'u5',
			isAdmin: false,
			mfa: true,
			memberships: [{ organisationId: 'mediatheque', role: 'mediator', departmentCode: '47' }]
		};
		const caf47: Actor = { userId: 'u6', isAdmin: false, mfa: true, memberships: [{ organisationId: 'caf', role: 'partner', departmentCode: '47' }] };
		const coord33: Actor = { userId: 'u7', isAdmin: false, mfa: true, memberships: [{ organisationId: 'cd33', role: 'coordinator', departmentCode: '33' }] };
		const noRole: Actor = { userId: 'u8', isAdmin: false, mfa: false, memberships: [] };
		expect(can(coord47, 'training.manage', { departmentCode: '47', organisationId: 'cd47' })).toBe(true);
		// a coordinator organises for any structure of their département, not another's
		expect(can(coord47, 'training.manage', { departmentCode: '47', organisationId: 'mediatheque' })).toBe(true);
		expect(can(coord47, 'training.manage', { departmentCode: '33', organisationId: 'cd33' })).toBe(false);
		expect(can(coord33, 'training.manage', { departmentCode: '47', organisationId: 'cd47' })).toBe(false);
		// a place manager: their own structure's trainings, in its département
		expect(can(manager, 'training.manage', { departmentCode: '47', organisationId: 'mediatheque' })).toBe(true);
		expect(can(manager, 'training.manage', { departmentCode: '47', organisationId: 'cd47' })).toBe(false);
		expect(can(manager, 'training.manage', { departmentCode: '33', organisationId: 'mediatheque' })).toBe(false);
		// a mediator of that structure, a partner: not organisers
		expect(can(mediator, 'training.manage', { departmentCode: '47', organisationId: 'mediatheque' })).toBe(false);
		expect(can(caf47, 'training.manage', { departmentCode: '47', organisationId: 'caf' })).toBe(false);
		for (const a of [coord47, coord33, manager, mediator, caf47, noRole]) expect(can(a, 'training.register', {})).toBe(true);
		expect(can(null, 'training.register', {})).toBe(false);
		expect(can(null, 'training.manage', { departmentCode: '47', organisationId: 'cd47' })).toBe(false);
	});
});
