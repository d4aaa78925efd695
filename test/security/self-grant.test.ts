/**
 * Issue 11, finding 4: a coordinator could grant themselves access to personal data (invite
 * their own e-mail as prescriber of a CCAS of their département) and an existing account got
 * a new role without its owner confirming. Now a role offered to an existing account waits
 * for its owner, logged in, to accept it; nobody grants themselves a personal-data role; the
 * account is told by e-mail; a coordinator cannot deactivate the instance administrator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { openWorld, TEST_PASSWORD as PASSWORD, type World } from '../world.ts';
import type { Database } from '../../src/lib/server/db/client.ts';
import {
	acceptInvitation,
	actorFor,
	addMember,
	answerPendingRole,
	checkInvitation,
	invite,
	loadSession,
	loginWithPassword,
	pendingRoles,
	setUserActive
} from '../../src/lib/server/accounts/index.ts';
import { invitations, memberships, users } from '../../src/lib/server/accounts/db.ts';
import { outbox } from '../../src/lib/server/mail/db.ts';
import { searchJournal } from '../../src/lib/server/audit/index.ts';

let w: World;
let db: Database;
let cd47: string;
let ccas: string;
const links = { origin: 'https://maillage.test', instanceName: 'maillage 47' };

beforeAll(async () => {
	w = await openWorld({ territory: false });
	db = w.db;
	cd47 = await w.organisation('Département de Lot-et-Garonne', 'departement');
	ccas = await w.organisation('CCAS de Nérac', 'ccas');
});
afterAll(async () => {
	await w?.close();
});

const userId = async (email: string) => (await db.db.select({ id: users.id }).from(users).where(eq(users.email, email)))[0].id;
const rolesOf = async (id: string) =>
	(await db.db.select({ o: memberships.organisationId, r: memberships.role }).from(memberships).where(eq(memberships.userId, id))).map(
		(m) => `${m.r}@${m.o === ccas ? 'ccas' : 'cd47'}`
	);
async function sessionOf(email: string) {
	const r = (await loginWithPassword(db, { email, password: PASSWORD }, { ip: '192.0.2.40' })) as { token: string };
	return (await loadSession(db.db, r.token))!;
}

describe('issue 11, finding 4: nobody grants themselves access to personal data; a new role needs its owner', () => {
	it('refuses a coordinator inviting their own e-mail as prescriber, and journals the attempt', async () => {
		const coord = await w.member('coord@cd47.fr', cd47, 'coordinator', { displayName: 'Camille Coordination' });
		const coordId = coord.userId;
		await expect(invite(db, coord, { email: 'Coord@CD47.fr', displayName: 'Camille', organisationId: ccas, role: 'prescriber' }, links)).rejects.toThrow(
			/vous donner vous-même/
		);
		await expect(addMember(db, coord, { email: 'coord@cd47.fr', displayName: 'Camille', organisationId: ccas, role: 'prescriber' })).rejects.toThrow(
			/vous donner vous-même/
		);
		expect(await rolesOf(coordId)).toEqual(['coordinator@cd47']);
		const { rows } = await searchJournal(db, { departmentCodes: null, limit: 50 });
		expect(rows.filter((r) => r.action === 'membership.self_grant_refused').length).toBe(2);
	});

	it('gives an existing account a pending role only: the link adds nothing; the owner, logged in, accepts or refuses; the account is told', async () => {
		const coord = await actorFor(db.db, await userId('coord@cd47.fr'), true);
		const { userId: medId } = await w.member('med@ccas.test', ccas, 'mediator', { displayName: 'Dominique Médiation' });
		const { token, existingAccount } = await invite(
			db,
			coord,
			{ email: 'med@ccas.test', displayName: 'Dominique', organisationId: ccas, role: 'prescriber' },
			links
		);
		expect(existingAccount).toBe(true);
		// the account is told, with a link to « Mon compte », not a link that adds the role
		const [mail] = await db.db
			.select()
			.from(outbox)
			.where(and(eq(outbox.to, 'med@ccas.test'), eq(outbox.template, 'pending-role')));
		expect(mail.text).toMatch(/ne s’ajoute pas tout seul/);
		expect(mail.text).toContain('https://maillage.test/compte');
		// whoever holds the link (or the coordinator) cannot make it effective
		expect(await checkInvitation(db, token)).toMatchObject({ ok: true, existingAccount: true });
		expect(await acceptInvitation(db, token, {}, { ip: '192.0.2.41' })).toMatchObject({ ok: true, token: null, existingAccount: true });
		expect(await rolesOf(medId)).toEqual(['mediator@ccas']);
		// addMember by a professional on an existing account: pending too
		expect(await addMember(db, coord, { email: 'med@ccas.test', displayName: 'Dominique', organisationId: ccas, role: 'place_manager' })).toMatchObject({
			pending: true,
			created: false
		});
		expect(await rolesOf(medId)).toEqual(['mediator@ccas']);
		// the owner logs in and sees both
		const s = await sessionOf('med@ccas.test');
		const pending = await pendingRoles(db, s);
		expect(pending.map((p) => p.role).sort()).toEqual(['place_manager', 'prescriber']);
		const prescriber = pending.find((p) => p.role === 'prescriber')!;
		const manager = pending.find((p) => p.role === 'place_manager')!;
		expect(prescriber).toMatchObject({ personalData: true, invitedBy: 'Camille Coordination' });
		// another account cannot answer for them
		const other = await sessionOf('coord@cd47.fr');
		expect(await answerPendingRole(db, other, prescriber.id, true)).toMatchObject({ ok: false });
		expect(await answerPendingRole(db, s, prescriber.id, true, { ip: '192.0.2.42', ...links })).toEqual({ ok: true, accepted: true });
		expect(await answerPendingRole(db, s, manager.id, false, { ip: '192.0.2.42' })).toEqual({ ok: true, accepted: false });
		expect((await rolesOf(medId)).sort()).toEqual(['mediator@ccas', 'prescriber@ccas']);
		expect(await pendingRoles(db, s)).toEqual([]);
		// answered once
		expect(await answerPendingRole(db, s, manager.id, true)).toMatchObject({ ok: false, message: expect.stringMatching(/plus proposé/) });
		const [added] = await db.db
			.select()
			.from(outbox)
			.where(and(eq(outbox.to, 'med@ccas.test'), eq(outbox.template, 'role-added')));
		expect(added.text).toMatch(/prescripteur|prescription/i);
		const { rows } = await searchJournal(db, { departmentCodes: null, limit: 100 });
		const actions = rows.map((r) => r.action);
		for (const a of ['invitation.created', 'invitation.accepted', 'membership.added', 'invitation.declined']) expect(actions, a).toContain(a);
	});

	it('refuses to let an account accept a personal-data role from an invitation it created itself', async () => {
		const { userId: coordId } = await w.member('coord2@cd47.fr', cd47, 'coordinator', { displayName: 'Alex Coordination' });
		// an invitation the coordinator created for an address that is now their account's
		// (e.g. they changed their address afterwards): written directly, invite() refuses it
		const { invitation } = await invite(db, null, { email: 'coord2@cd47.fr', displayName: 'Alex', organisationId: ccas, role: 'mediator' });
		await db.db.update(invitations).set({ invitedBy: coordId, role: 'prescriber' }).where(eq(invitations.id, invitation.id));
		const s = await sessionOf('coord2@cd47.fr');
		expect((await pendingRoles(db, s))[0]).toMatchObject({ selfGranted: true, invitedBy: 'vous-même' });
		expect(await answerPendingRole(db, s, invitation.id, true)).toMatchObject({ ok: false, message: expect.stringMatching(/vous donner vous-même/) });
		expect(await rolesOf(coordId)).toEqual(['coordinator@cd47']);
	});

	it('never lets an invitation link set a password on, or add a role to, an account without a password (a ProConnect one)', async () => {
		const [oidcOnly] = await db.db
			.insert(users)
			.values({ email: 'proconnect@ccas.test', displayName: 'Agent ProConnect', oidcIssuer: 'https://idp.test', oidcSubject: 'sub-1' })
			.returning();
		const coord = await actorFor(db.db, await userId('coord@cd47.fr'), true);
		const { token, existingAccount } = await invite(db, coord, { email: 'proconnect@ccas.test', displayName: 'Agent', organisationId: ccas, role: 'mediator' });
		expect(existingAccount).toBe(true);
		expect(await acceptInvitation(db, token, { password: PASSWORD, confirm: PASSWORD }, {})).toMatchObject({ ok: true, token: null, existingAccount: true });
		const [after] = await db.db.select({ p: users.passwordHash }).from(users).where(eq(users.id, oidcOnly.id));
		expect(after.p).toBeNull();
		expect(await rolesOf(oidcOnly.id)).toEqual([]);
	});

	it('still lets the command line bootstrap the first accounts (actor null)', async () => {
		const { token } = await invite(db, null, { email: 'admin@maillage.test', displayName: 'Admin', organisationId: cd47, role: 'coordinator', isAdmin: true });
		expect(await acceptInvitation(db, token, { password: PASSWORD, confirm: PASSWORD }, {})).toMatchObject({ ok: true, existingAccount: false });
		const id = await userId('admin@maillage.test');
		expect(await rolesOf(id)).toEqual(['coordinator@cd47']);
		expect((await actorFor(db.db, id, true)).isAdmin).toBe(true);
	});

	it('does not let a coordinator deactivate the instance administrator', async () => {
		const coord = await actorFor(db.db, await userId('coord@cd47.fr'), true);
		const adminId = await userId('admin@maillage.test');
		await expect(setUserActive(db, coord, adminId, false)).rejects.toThrow(/Seul un administrateur/);
		const [a] = await db.db.select({ active: users.active }).from(users).where(eq(users.id, adminId));
		expect(a.active).toBe(true);
		// the administrator still can deactivate a coordinator
		const admin = await actorFor(db.db, adminId, true);
		await setUserActive(db, admin, await userId('coord2@cd47.fr'), false);
	});
});
