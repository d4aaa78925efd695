/**
 * What the acceptance walk of issue 11 found beyond the list (low), each fixed:
 * - a new one-time code left the previous one usable: only the latest message's code opens;
 * - a coordinator could remove the instance administrator's role (deactivating was refused);
 * - a right-to-left override (U+202E) in a name made it read backwards to everyone else;
 * - a coordinator invited their own mailbox as prescriber under a "+tag" alias.
 * (The malformed path that stopped the server is in f10-server-survives.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like, desc } from 'drizzle-orm';
import { careNetwork, links, type Care } from './care-fixture.ts';
import { outbox } from '../../src/lib/server/mail/db.ts';
import { requestPersonCode, verifyPersonCode } from '../../src/lib/server/beneficiaries/index.ts';
import { backgroundSettled, addMember, createOrganisation, removeMember, actorFor, AccountError, sameMailbox } from '../../src/lib/server/accounts/index.ts';
import { cleanText, urlOk } from '../../src/lib/server/web/input.ts';

let c: Care;
beforeAll(async () => {
	c = await careNetwork();
});
afterAll(async () => {
	await c?.close();
});

async function latestCode(phone: string): Promise<string> {
	const [sms] = await c.db.db
		.select()
		.from(outbox)
		.where(and(eq(outbox.to, phone), like(outbox.text, 'Votre code%')))
		.orderBy(desc(outbox.createdAt))
		.limit(1);
	return /(\d{6})/.exec(sms.text)![1];
}

describe('acceptance walk of issue 11: low findings', () => {
	it('a new one-time code replaces the previous one', async () => {
		await c.newPerson({ phone: '06 12 13 14 15', email: '' });
		await requestPersonCode(c.db, '06 12 13 14 15', { ip: '198.51.100.21', instanceName: links.instanceName });
		await backgroundSettled();
		const first = await latestCode('+33612131415');
		await new Promise((r) => setTimeout(r, 5));
		await requestPersonCode(c.db, '06 12 13 14 15', { ip: '198.51.100.21', instanceName: links.instanceName });
		await backgroundSettled();
		const second = await latestCode('+33612131415');
		if (first !== second) expect((await verifyPersonCode(c.db, '0612131415', first, {})).status).toBe('invalid');
		expect((await verifyPersonCode(c.db, '0612131415', second, {})).status).toBe('ok');
	});

	it('a coordinator cannot remove the instance administrator’s role', async () => {
		const dep = await createOrganisation(c.db, null, { name: 'Département du Lot', kind: 'departement', departmentCode: '46' });
		const admin = await addMember(c.db, null, {
			email: 'ada@instance.test',
			displayName: 'Ada',
			organisationId: dep.id,
			role: 'coordinator',
			isAdmin: true,
			password: 'une phrase de passe solide'
		});
		const coord = await addMember(c.db, null, {
			email: 'claude@cd46.test',
			displayName: 'Claude',
			organisationId: dep.id,
			role: 'coordinator',
			password: 'une phrase de passe solide'
		});
		const coordinator = await actorFor(c.db.db, coord.userId, true);
		const err = await removeMember(c.db, coordinator, { userId: admin.userId, organisationId: dep.id, role: 'coordinator' }).catch((e) => e);
		expect(err).toBeInstanceOf(AccountError);
		expect((err as AccountError).message).toMatch(/Seul un administrateur/);
		const adminActor = await actorFor(c.db.db, admin.userId, true);
		expect(adminActor.memberships.some((m) => m.organisationId === dep.id && m.role === 'coordinator')).toBe(true);
	});

	it('a coordinator cannot invite their own mailbox under a +tag or with Gmail’s dots either', () => {
		expect(sameMailbox('coordination@demo.invalid', 'Coordination+x@demo.invalid')).toBe(true);
		expect(sameMailbox('camille.martin@gmail.com', 'camillemartin+pro@googlemail.com')).toBe(true);
		expect(sameMailbox('camille.martin@cd47.fr', 'camillemartin@cd47.fr')).toBe(false);
		expect(sameMailbox('camille@cd47.fr', 'camille@ccas-agen.fr')).toBe(false);
	});

	it('refuses bidirectional overrides and isolates in any input, keeps Arabic and Hebrew text', () => {
		expect(cleanText('Canari Zorglub\u202E Zorglub')).toBe(false);
		expect(cleanText('Nom \u2067isolé\u2069')).toBe(false);
		expect(urlOk(new URL('http://x.test/lieux?ou=Agen%E2%80%AE'))).toBe(false);
		expect(cleanText('مريم بن علي')).toBe(true);
		expect(cleanText('שרה כהן\u200F')).toBe(true);
	});
});
