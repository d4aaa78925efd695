/**
 * Issue 11, low finding: the person's session at /mes-orientations (after a one-time code
 * or a link) stayed valid after logout: the cookie was a signed token, deleting it in the
 * browser ended nothing, and a copy of it kept working for 30 minutes. Now the session is
 * kept server-side and logout ends it: the same cookie afterwards gets nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like } from 'drizzle-orm';
import { careNetwork, links, personLinksIn, CANARY, type Care } from './care-fixture.ts';
import { outbox } from '../../src/lib/server/mail/db.ts';
import { sendReferral, withdrawByPerson } from '../../src/lib/server/referral/index.ts';
import {
	requestPersonCode,
	verifyPersonCode,
	openPersonSession,
	readPersonSession,
	endPersonSession,
	usePersonLink,
	PERSON_SESSION_MINUTES
} from '../../src/lib/server/beneficiaries/index.ts';
import { backgroundSettled } from '../../src/lib/server/accounts/index.ts';
import { auditLog } from '../../src/lib/server/audit/db.ts';

let c: Care;
beforeAll(async () => {
	c = await careNetwork();
});
afterAll(async () => {
	await c?.close();
});

describe('issue 11, low: the person’s session ends at logout', () => {
	it('a session opened by a one-time code: logout ends it server-side; the reused cookie opens nothing', async () => {
		const id = await c.newPerson({ phone: '06 55 44 33 22', email: '' });
		const { id: rid } = await sendReferral(
			c.db,
			c.prescriber,
			{ beneficiaryId: id, organisationId: c.ccas, placeId: c.withTeam, reason: CANARY.reason, consent: { method: 'oral', scope: ['identity'] } },
			links
		);
		await requestPersonCode(c.db, '06 55 44 33 22', { ip: '198.51.100.7', instanceName: links.instanceName });
		await backgroundSettled(); // the code is sent just after the answer (finding 11)
		const [sms] = await c.db.db
			.select()
			.from(outbox)
			.where(and(eq(outbox.to, '+33655443322'), like(outbox.text, 'Votre code%')));
		const ok = await verifyPersonCode(c.db, '0655443322', /(\d{6})/.exec(sms.text)![1], {});
		if (ok.status !== 'ok') throw new Error('code refused');
		const cookie = await openPersonSession(c.db, ok.beneficiaryIds, { ip: '198.51.100.7' });
		const session = await readPersonSession(c.db.db, cookie);
		expect(session).toMatchObject({ beneficiaryIds: [id], via: 'code' });
		// journaled by code, the address as a network
		const [signedIn] = await c.db.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'person.signed_in'), eq(auditLog.targetId, id)));
		expect(signedIn).toMatchObject({ ip: '198.51.100.0', details: { by: 'code' } });

		expect(await endPersonSession(c.db.db, cookie)).toBe(true);
		expect(await readPersonSession(c.db.db, cookie)).toBeNull();
		// the token verifyPersonCode also returns is no session either
		expect(await readPersonSession(c.db.db, ok.token)).toBeNull();
		// nothing to withdraw with: the page refuses without a session (the route reads it first)
		expect(await endPersonSession(c.db.db, cookie)).toBe(false);
		void rid;
	});

	it('a session opened by a link: logout ends it; the link itself opens a new one (until revoked)', async () => {
		const id = await c.newPerson({ phone: '06 55 44 33 11', email: '' });
		const { id: rid } = await sendReferral(
			c.db,
			c.prescriber,
			{ beneficiaryId: id, organisationId: c.ccas, placeId: c.withTeam, reason: CANARY.reason, consent: { method: 'oral', scope: ['identity'] } },
			links
		);
		const [sms] = await c.db.db
			.select()
			.from(outbox)
			.where(and(eq(outbox.to, '+33655443311'), eq(outbox.template, 'referral-person')));
		const opened = await usePersonLink(c.db, personLinksIn(sms.text)[0], {});
		if (!opened.ok) throw new Error('link refused');
		await endPersonSession(c.db.db, opened.sessionToken);
		expect(await readPersonSession(c.db.db, opened.sessionToken)).toBeNull();
		// a session past its 30 minutes is over too
		const again = await usePersonLink(c.db, personLinksIn(sms.text)[0], {});
		if (!again.ok) throw new Error('link refused');
		expect(await readPersonSession(c.db.db, again.sessionToken, new Date(Date.now() + (PERSON_SESSION_MINUTES + 1) * 60_000))).toBeNull();
		const s = (await readPersonSession(c.db.db, again.sessionToken))!;
		await withdrawByPerson(c.db, s, rid, links);
	});
});
