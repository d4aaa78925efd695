import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyTestDatabase } from '../../../../test/db.ts';
import type { Database } from '../db/client.ts';
import { verifyChain, searchJournal } from '../audit/index.ts';
import {
	acceptInvitation,
	actorFor,
	addMember,
	checkInvitation,
	confirmTotpEnrolment,
	createOrganisation,
	invite,
	loadSession,
	loginWithPassword,
	logoutEverywhere,
	passSecondFactor,
	remainingRecoveryCodes,
	setUserActive,
	startTotpEnrolment,
	listOrganisations
} from './index.ts';
import { totpCodeAt } from './totp.ts';
import { signToken } from '../security/secret.ts';
import { eq } from 'drizzle-orm';
import { users } from './db.ts';

let db: Database;
let cd47: string;
let cd33: string;
const meta = { ip: '198.51.100.7', userAgent: 'Mozilla/5.0 (Linux; Android 13) Firefox/120.0' };
const PASSWORD = 'une phrase de passe solide';

beforeAll(async () => {
	db = await createEmptyTestDatabase();
	cd47 = (await createOrganisation(db, null, { name: 'Département de Lot-et-Garonne', kind: 'departement', departmentCode: '47' })).id;
	cd33 = (await createOrganisation(db, null, { name: 'Département de la Gironde', kind: 'departement', departmentCode: '33' })).id;
});
afterAll(async () => db?.close());

describe('invitations', () => {
	it('creates an account from a valid link, once', async () => {
		const { token } = await invite(db, null, { email: 'Coord@CD47.fr', displayName: 'Camille Coordination', organisationId: cd47, role: 'coordinator' });
		const check = await checkInvitation(db, token);
		expect(check).toMatchObject({
			ok: true,
			organisationName: 'Département de Lot-et-Garonne',
			roleLabel: 'Coordination départementale',
			existingAccount: false
		});
		const bad = await acceptInvitation(db, token, { password: 'azertyuiop12', confirm: 'azertyuiop12' }, meta);
		expect(bad).toMatchObject({ ok: false, fields: { password: expect.stringMatching(/courants/) } });
		const r = await acceptInvitation(db, token, { password: PASSWORD, confirm: PASSWORD }, meta);
		expect(r).toMatchObject({ ok: true, existingAccount: false });
		const again = await acceptInvitation(db, token, { password: PASSWORD, confirm: PASSWORD }, meta);
		expect(again).toMatchObject({ ok: false, message: expect.stringMatching(/déjà servi/) });
	});

	it('refuses a tampered or expired link', async () => {
		const now = new Date('2026-11-01T10:00:00Z');
		const { token } = await invite(db, null, { email: 'late@cd47.fr', displayName: 'Lou Retard', organisationId: cd47, role: 'prescriber' }, { now });
		expect(await checkInvitation(db, token, new Date('2026-11-09T10:00:00Z'))).toMatchObject({
			ok: false,
			reason: 'expired',
			message: expect.stringMatching(/expiré/)
		});
		const [body, sig] = token.split('.');
		const forged = Buffer.from(JSON.stringify({ i: JSON.parse(Buffer.from(body, 'base64url').toString()).i, exp: 4102444800 })).toString('base64url');
		expect(await checkInvitation(db, `${forged}.${sig}`, now)).toMatchObject({ ok: false, reason: 'invalid' });
		// a well-signed token for an invitation that does not exist
		expect(await checkInvitation(db, signToken('invitation', { i: '00000000-0000-4000-8000-000000000000' }, 60), now)).toMatchObject({
			ok: false,
			reason: 'invalid'
		});
	});

	it('stops working once cancelled', async () => {
		const { revokeInvitation } = await import('./index.ts');
		const { invitation, token } = await invite(db, null, { email: 'annule@cd47.fr', displayName: 'Annulé', organisationId: cd47, role: 'mediator' });
		const coord = await actorFor(db.db, (await loginUserId('coord@cd47.fr'))!, true);
		await revokeInvitation(db, coord, invitation.id);
		expect(await checkInvitation(db, token)).toMatchObject({ ok: false, reason: 'invalid' });
		await expect(revokeInvitation(db, coord, invitation.id)).rejects.toThrow(/déjà été annulée/);
	});

	it('lets a coordinator invite in their département only', async () => {
		const coord = await actorFor(db.db, (await loginUserId('coord@cd47.fr'))!, true);
		await expect(invite(db, coord, { email: 'x@cd33.fr', displayName: 'Xavier Gironde', organisationId: cd33, role: 'prescriber' })).rejects.toThrow(
			/ne pouvez pas/
		);
		await expect(invite(db, coord, { email: 'x@cd47.fr', displayName: 'Xavier', organisationId: cd47, role: 'prescriber', isAdmin: true })).rejects.toThrow(
			/ligne de commande/
		);
		const mine = await listOrganisations(db, coord);
		expect(mine.map((o) => o.name)).toEqual(['Département de Lot-et-Garonne']);
	});
});

async function loginUserId(email: string): Promise<string | undefined> {
	const [u] = await db.db.select({ id: users.id }).from(users).where(eq(users.email, email));
	return u?.id;
}

describe('login with password and TOTP', () => {
	let recovery: string[] = [];
	let secret = '';
	const t0 = new Date('2026-11-22T09:00:00Z');

	it('asks a coordinator to set up the second factor before anything else', async () => {
		const r = await loginWithPassword(db, { email: 'coord@cd47.fr', password: PASSWORD }, meta, t0);
		expect(r).toMatchObject({ status: 'ok', next: 'enrol' });
		const s = (await loadSession(db.db, (r as { token: string }).token, t0))!;
		expect(s.mfa).toBe(false);
		const e = await startTotpEnrolment(db, s, 'maillage 47');
		expect(e.qrSvg).toMatch(/^<svg/);
		expect(e.uri).toMatch(/^otpauth:\/\/totp\/maillage%2047:coord%40cd47\.fr\?/);
		secret = e.secret;
		const wrong = await confirmTotpEnrolment(db, s, (r as { token: string }).token, '000000', meta, t0);
		expect(wrong.status).toBe('invalid');
		const ok = await confirmTotpEnrolment(db, s, (r as { token: string }).token, totpCodeAt(secret, t0.getTime()), meta, t0);
		expect(ok.status).toBe('ok');
		recovery = (ok as { recoveryCodes: string[] }).recoveryCodes;
		expect(recovery).toHaveLength(10);
		expect(recovery[0]).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
		// the old session is gone, the new one has the second factor
		expect(await loadSession(db.db, (r as { token: string }).token, t0)).toBeNull();
		expect((await loadSession(db.db, (ok as { token: string }).token, t0))!.mfa).toBe(true);
	});

	it('asks for the code at the next login, refuses a replayed code', async () => {
		const t1 = new Date(t0.getTime() + 3600_000);
		const r = (await loginWithPassword(db, { email: 'coord@cd47.fr', password: PASSWORD }, meta, t1)) as { status: 'ok'; token: string; next: string };
		expect(r.next).toBe('second-factor');
		const s = (await loadSession(db.db, r.token, t1))!;
		const code = totpCodeAt(secret, t1.getTime());
		const ok = await passSecondFactor(db, s, r.token, { code }, meta, t1);
		expect(ok.status).toBe('ok');
		// the same code again, in another login a few seconds later
		const r2 = (await loginWithPassword(db, { email: 'coord@cd47.fr', password: PASSWORD }, meta, new Date(t1.getTime() + 5000))) as { token: string };
		const s2 = (await loadSession(db.db, r2.token, new Date(t1.getTime() + 5000)))!;
		expect((await passSecondFactor(db, s2, r2.token, { code }, meta, new Date(t1.getTime() + 5000))).status).toBe('invalid');
		// a recovery code works once
		expect((await passSecondFactor(db, s2, r2.token, { recoveryCode: recovery[0].toUpperCase() }, meta, new Date(t1.getTime() + 6000))).status).toBe('ok');
		expect(await remainingRecoveryCodes(db, s.userId)).toBe(9);
	});

	it('keeps the current app valid while a new phone is being set up', async () => {
		const t2 = new Date(t0.getTime() + 7200_000);
		const r = (await loginWithPassword(db, { email: 'coord@cd47.fr', password: PASSWORD }, meta, t2)) as { token: string };
		const s = (await loadSession(db.db, r.token, t2))!;
		const fresh = await startTotpEnrolment(db, s, 'maillage 47');
		expect(fresh.secret).not.toBe(secret);
		// abandoned: the old app still opens the account, the new one does not yet
		expect((await passSecondFactor(db, s, r.token, { code: totpCodeAt(fresh.secret, t2.getTime()) }, meta, t2)).status).toBe('invalid');
		expect((await passSecondFactor(db, s, r.token, { code: totpCodeAt(secret, t2.getTime()) }, meta, t2)).status).toBe('ok');
	});

	it('gives the same answer for an unknown address and a wrong password', async () => {
		// a fixed time, far from the other tests' (the throttling counters are time windows)
		const t = new Date('2026-11-20T08:00:00Z');
		const a = await loginWithPassword(db, { email: 'nobody@cd47.fr', password: PASSWORD }, { ip: '203.0.113.1' }, t);
		const b = await loginWithPassword(db, { email: 'coord@cd47.fr', password: 'pas le bon mot de passe' }, { ip: '203.0.113.2' }, t);
		expect(a).toEqual(b);
		expect(a).toEqual({ status: 'invalid', message: 'Adresse e-mail ou mot de passe incorrect.' });
	});

	it('locks an account after 5 failures, with a French message, even with the right password', async () => {
		const t = new Date('2026-11-22T12:00:00Z');
		for (let i = 0; i < 4; i++)
			expect((await loginWithPassword(db, { email: 'coord@cd47.fr', password: 'mauvais mot de passe ' + i }, { ip: `203.0.113.${10 + i}` }, t)).status).toBe(
				'invalid'
			);
		const fifth = await loginWithPassword(db, { email: 'coord@cd47.fr', password: 'encore mauvais' }, { ip: '203.0.113.20' }, t);
		expect(fifth).toEqual({ status: 'throttled', message: 'Trop de tentatives. Par sécurité, réessayez dans 15 minutes.' });
		expect((await loginWithPassword(db, { email: 'coord@cd47.fr', password: PASSWORD }, { ip: '203.0.113.21' }, new Date(t.getTime() + 60_000))).status).toBe(
			'throttled'
		);
		expect(
			(await loginWithPassword(db, { email: 'coord@cd47.fr', password: PASSWORD }, { ip: '203.0.113.21' }, new Date(t.getTime() + 16 * 60_000))).status
		).toBe('ok');
	});

	it('throttles one address trying many accounts', async () => {
		const t = new Date('2026-11-22T14:00:00Z');
		let last;
		for (let i = 0; i < 30; i++)
			last = await loginWithPassword(db, { email: `guess${i}@cd47.fr`, password: 'nimporte quoi du tout' }, { ip: '203.0.113.99' }, t);
		expect(last).toMatchObject({ status: 'throttled' });
	});

	it('ends sessions: idle 30 min, absolute 12 h, everywhere, deactivation', async () => {
		const t = new Date('2026-11-23T08:00:00Z');
		const r = (await loginWithPassword(db, { email: 'coord@cd47.fr', password: PASSWORD }, meta, t)) as { token: string };
		expect(await loadSession(db.db, r.token, new Date(t.getTime() + 29 * 60_000))).not.toBeNull();
		expect(await loadSession(db.db, r.token, new Date(t.getTime() + 29 * 60_000 + 31 * 60_000))).toBeNull();
		// absolute: active every 20 minutes, still out after 12 h
		const r2 = (await loginWithPassword(db, { email: 'coord@cd47.fr', password: PASSWORD }, meta, t)) as { token: string };
		let alive = true;
		for (let m = 20; m <= 12 * 60 + 20 && alive; m += 20) alive = !!(await loadSession(db.db, r2.token, new Date(t.getTime() + m * 60_000)));
		expect(alive).toBe(false);
		const a = (await loginWithPassword(db, { email: 'coord@cd47.fr', password: PASSWORD }, meta, t)) as { token: string };
		const b = (await loginWithPassword(db, { email: 'coord@cd47.fr', password: PASSWORD }, meta, t)) as { token: string };
		const sa = (await loadSession(db.db, a.token, t))!;
		expect(await logoutEverywhere(db, sa)).toBeGreaterThanOrEqual(2);
		expect(await loadSession(db.db, b.token, t)).toBeNull();
		const c = (await loginWithPassword(db, { email: 'coord@cd47.fr', password: PASSWORD }, meta, t)) as { token: string };
		const { userId } = await addMember(db, null, {
			email: 'admin@maillage.test',
			displayName: 'Admin Instance',
			organisationId: cd47,
			role: 'coordinator',
			isAdmin: true,
			password: PASSWORD
		});
		const admin = await actorFor(db.db, userId, true);
		await setUserActive(db, admin, sa.userId, false);
		expect(await loadSession(db.db, c.token, t)).toBeNull();
		expect((await loginWithPassword(db, { email: 'coord@cd47.fr', password: PASSWORD }, meta, t)).status).toBe('invalid');
	});

	it('journals all of it in an intact chain, without personal data', async () => {
		const chain = await verifyChain(db);
		expect(chain.ok).toBe(true);
		const { rows } = await searchJournal(db, { departmentCodes: null, limit: 200 });
		const actions = new Set(rows.map((r) => r.action));
		for (const a of [
			'organisation.created',
			'invitation.created',
			'invitation.accepted',
			'user.created',
			'user.totp_enrolled',
			'session.second_factor_ok',
			'session.recovery_code_used',
			'session.logout_everywhere',
			'user.deactivated'
		])
			expect(actions, a).toContain(a);
		expect(JSON.stringify(rows)).not.toMatch(/coord@cd47\.fr|Camille/);
	});
});

describe('editing a structure', () => {
	it('lets its département’s coordinator rename or deactivate it; deactivation ends its members’ sessions', async () => {
		const { updateOrganisation } = await import('./index.ts');
		const org = await createOrganisation(db, null, { name: 'CCAS de Nérac', kind: 'ccas', departmentCode: '47' });
		const { userId } = await addMember(db, null, {
			email: 'agent@ccas-nerac.test',
			displayName: 'Agent Nérac',
			organisationId: org.id,
			role: 'place_manager',
			password: PASSWORD
		});
		const t = new Date('2026-11-24T08:00:00Z');
		const s = (await loginWithPassword(db, { email: 'agent@ccas-nerac.test', password: PASSWORD }, meta, t)) as { token: string };
		const coordId = (
			await addMember(db, null, { email: 'coord2@cd47.fr', displayName: 'Coordination Deux', organisationId: cd47, role: 'coordinator', password: PASSWORD })
		).userId;
		const coord = await actorFor(db.db, coordId, true);
		const other = await actorFor(
			db.db,
			(
				await addMember(db, null, {
					email: 'coord@cd33.fr',
					displayName: 'Coordination Gironde',
					organisationId: cd33,
					role: 'coordinator',
					password: PASSWORD
				})
			).userId,
			true
		);
		// who may not deactivate accounts at all is told so, not that the account has roles elsewhere (attack pass of issue 13)
		const agent = await actorFor(db.db, userId, true);
		await expect(setUserActive(db, agent, coordId, false)).rejects.toThrow('Seule la coordination du département peut désactiver ou réactiver un compte.');
		await expect(setUserActive(db, other, userId, false)).rejects.toThrow('Seule la coordination du département peut désactiver ou réactiver un compte.');
		const input = { name: 'CCAS de la ville de Nérac', kind: 'ccas', departmentCode: '47', siret: '', active: true };
		await expect(updateOrganisation(db, other, org.id, input)).rejects.toThrow(/votre département/);
		await expect(updateOrganisation(db, coord, org.id, { ...input, departmentCode: '33' })).rejects.toThrow(/votre département/);
		expect((await updateOrganisation(db, coord, org.id, input)).name).toBe('CCAS de la ville de Nérac');
		expect(await loadSession(db.db, s.token, t)).not.toBeNull();
		await updateOrganisation(db, coord, org.id, { ...input, active: false });
		expect(await loadSession(db.db, s.token, t)).toBeNull();
		expect((await actorFor(db.db, userId, false)).memberships).toEqual([]);
	});
});
