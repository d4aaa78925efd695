import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { openWorld, TEST_PASSWORD as PASSWORD, type World } from '../../../../test/world.ts';
import type { Database } from '../db/client.ts';
import { outbox } from '../mail/db.ts';
import {
	acceptInvitation,
	actorFor,
	answerPendingRole,
	checkInvitation,
	invite,
	loadSession,
	pendingRoles,
	remindInvitation,
	remindWaitingInvitations
} from './index.ts';
import { invitations, memberships } from './db.ts';

let w: World;
let db: Database;
let org: string;
let coordId: string;
const links = { origin: 'https://maillage.example.fr', instanceName: 'maillage 47' };
const meta = { ip: '198.51.100.7', userAgent: 'Firefox' };

beforeAll(async () => {
	// nothing loaded; e-mails are queued inside the writer's transaction: openWorld starts the queue first (PGlite: one connection)
	w = await openWorld({ territory: false });
	db = w.db;
	const cd47 = await w.organisation('Département de Lot-et-Garonne', 'departement');
	org = await w.organisation('Médiathèque de Nérac', 'mediatheque');
	coordId = (await w.member('coord@cd47.fr', cd47, 'coordinator', { displayName: 'Camille Coordination' })).userId;
});
afterAll(async () => {
	await w?.close();
});

const mailsTo = async (to: string) => (await db.db.select().from(outbox)).filter((m) => JSON.stringify(m).includes(to));

describe('one invitation waiting per address, structure and role', () => {
	it('refuses a second one (F5 on "Créer l’invitation"), names the roles, and carries several roles at once', async () => {
		const coord = await actorFor(db.db, coordId, true);
		await invite(db, coord, { email: 'lea@nerac.fr', displayName: '  Léa   Durand ', organisationId: org, role: 'place_manager', extraRoles: ['mediator'] });
		await expect(invite(db, coord, { email: 'LEA@nerac.fr', displayName: 'Léa Durand', organisationId: org, role: 'mediator' })).rejects.toThrow(
			/attend déjà la réponse de lea@nerac.fr .*responsable de lieu et médiateur numérique.*relancez-la/
		);
		// two submissions at the same moment: one invitation
		const both = await Promise.allSettled([
			invite(db, coord, { email: 'tom@nerac.fr', displayName: 'Tom Petit', organisationId: org, role: 'mediator' }),
			invite(db, coord, { email: 'tom@nerac.fr', displayName: 'Tom Petit', organisationId: org, role: 'mediator' })
		]);
		expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		expect(await db.db.select().from(invitations).where(eq(invitations.email, 'tom@nerac.fr'))).toHaveLength(1);
		// another role is another invitation, answered on its own
		await invite(db, coord, { email: 'tom@nerac.fr', displayName: 'Tom Petit', organisationId: org, role: 'place_manager' });
		expect(await db.db.select().from(invitations).where(eq(invitations.email, 'tom@nerac.fr'))).toHaveLength(2);
		const [row] = await db.db.select().from(invitations).where(eq(invitations.email, 'lea@nerac.fr'));
		// the name as it goes into the e-mail: spaces trimmed and collapsed
		expect(row.displayName).toBe('Léa Durand');
	});

	it('refuses a name that is not a name (a link, markup, digits first)', async () => {
		const coord = await actorFor(db.db, coordId, true);
		for (const displayName of ['<b>Léa</b>', 'www.exemple.com', '06 12 34 56 78', 'Cliquez ici https://x.fr'])
			await expect(invite(db, coord, { email: 'x@nerac.fr', displayName, organisationId: org, role: 'mediator' })).rejects.toMatchObject({
				fields: { displayName: expect.any(String) }
			});
	});

	it('gives every role of the invitation when it is accepted', async () => {
		const [row] = await db.db.select().from(invitations).where(eq(invitations.email, 'lea@nerac.fr'));
		const { invitationToken } = await import('./index.ts');
		const r = await acceptInvitation(db, invitationToken(row), { password: PASSWORD, confirm: PASSWORD }, meta);
		expect(r).toMatchObject({ ok: true });
		const s = await loadSession(db.db, (r as { token: string }).token);
		expect((await db.db.select().from(memberships).where(eq(memberships.userId, s!.userId))).map((m) => m.role).sort()).toEqual(['mediator', 'place_manager']);
	});
});

describe('adding a role to an existing member', () => {
	it('is offered, and given only when the owner accepts it in « Mon compte »', async () => {
		const coord = await actorFor(db.db, coordId, true);
		const r = await invite(
			db,
			coord,
			{ email: 'lea@nerac.fr', displayName: 'Léa Durand', organisationId: org, role: 'prescriber' },
			{ origin: links.origin, instanceName: links.instanceName }
		);
		expect(r.existingAccount).toBe(true);
		const [u] = await db.db.select().from(memberships).where(eq(memberships.role, 'prescriber'));
		expect(u).toBeUndefined();
		const login = await (await import('./index.ts')).loginWithPassword(db, { email: 'lea@nerac.fr', password: PASSWORD }, meta);
		const session = (await loadSession(db.db, (login as { token: string }).token))!;
		const offered = await pendingRoles(db, session);
		expect(offered.map((o) => o.roleLabel)).toEqual(['Prescripteur (orientation)']);
		expect(await answerPendingRole(db, session, offered[0].id, true, meta)).toMatchObject({ ok: true, accepted: true });
		expect((await db.db.select().from(memberships).where(eq(memberships.userId, session.userId))).map((m) => m.role).sort()).toEqual([
			'mediator',
			'place_manager',
			'prescriber'
		]);
	});
});

describe('reminders to invitations not accepted', () => {
	it('writes at D+3 and D+10, renews the link, and not again', async () => {
		const coord = await actorFor(db.db, coordId, true);
		const t0 = new Date('2026-10-01T09:00:00Z');
		const { invitation } = await invite(db, coord, { email: 'zoe@nerac.fr', displayName: 'Zoé Martin', organisationId: org, role: 'mediator' }, { now: t0 });
		const at = (days: number) => new Date(t0.getTime() + days * 86400_000);
		const count = async () => (await mailsTo('zoe@nerac.fr')).length;
		expect(await remindWaitingInvitations(db, links, at(2))).toBe(0);
		// other invitations of this file were made "now": only this one is due
		expect(await remindWaitingInvitations(db, links, at(3.1))).toBe(1);
		expect(await count()).toBe(1);
		expect(await remindWaitingInvitations(db, links, at(4))).toBe(0);
		// expired at D+7, the reminder of D+10 renews it for 7 days
		const [before] = await db.db.select().from(invitations).where(eq(invitations.id, invitation.id));
		expect(await checkInvitation(db, (await import('./index.ts')).invitationToken(before, at(3.1)), at(9))).toMatchObject({ ok: true });
		expect(await remindWaitingInvitations(db, links, at(10.1))).toBe(1);
		const [after] = await db.db.select().from(invitations).where(eq(invitations.id, invitation.id));
		expect(after.reminders).toBe(2);
		expect(after.expiresAt.getTime()).toBeGreaterThan(at(16).getTime());
		expect(await remindWaitingInvitations(db, links, at(14))).toBe(0);
		const mails = await mailsTo('zoe@nerac.fr');
		expect(mails).toHaveLength(2);
		expect(JSON.stringify(mails[1])).toMatch(/Rappel/);
	});

	it('"relancer" by hand: the coordinator renews the link; an answered invitation is not reminded', async () => {
		const coord = await actorFor(db.db, coordId, true);
		const { invitation } = await invite(db, coord, { email: 'ines@nerac.fr', displayName: 'Inès Bah', organisationId: org, role: 'mediator' });
		const r = await remindInvitation(db, coord, invitation.id, links);
		expect(await checkInvitation(db, r.token)).toMatchObject({ ok: true });
		expect(await mailsTo('ines@nerac.fr')).toHaveLength(1);
		await acceptInvitation(db, r.token, { password: PASSWORD, confirm: PASSWORD }, meta);
		await expect(remindInvitation(db, coord, invitation.id, links)).rejects.toThrow(/n’attend plus/);
	});
});

describe('sessions, one by one', () => {
	it('lists the account’s sessions with their device and ends one, not the others', async () => {
		const { loginWithPassword, accountOverview, logoutOneSession } = await import('./index.ts');
		const phone = await loginWithPassword(
			db,
			{ email: 'coord@cd47.fr', password: PASSWORD },
			{ ip: '198.51.100.8', userAgent: 'Mozilla/5.0 (Linux; Android 13) Firefox/120.0' }
		);
		const desk = await loginWithPassword(
			db,
			{ email: 'coord@cd47.fr', password: PASSWORD },
			{ ip: '198.51.100.9', userAgent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/120.0' }
		);
		const here = (await loadSession(db.db, (desk as { token: string }).token))!;
		const o = await accountOverview(db, here);
		expect(o.sessions.length).toBeGreaterThanOrEqual(2);
		const other = o.sessions.find((s) => !s.current && /Android/.test(s.device ?? ''))!;
		expect(other).toBeTruthy();
		// this device's own session is not ended from the list
		expect(await logoutOneSession(db, here, o.sessions.find((s) => s.current)!.ref)).toBe(false);
		expect(await logoutOneSession(db, here, other.ref)).toBe(true);
		expect(await loadSession(db.db, (phone as { token: string }).token)).toBeNull();
		expect(await loadSession(db.db, (desk as { token: string }).token)).not.toBeNull();
		expect(await logoutOneSession(db, here, other.ref)).toBe(false);
	});
});
