/**
 * Issue 11, low finding: erasure left messages behind: the outbox kept the SMS and e-mails
 * to and about the person (with a link to their page that still worked), the throttle
 * table kept keys naming their e-mail and phone, and the journal their address. Now
 * erasure (and the anonymisation after 24 months) purges the messages, pending ones
 * included (never sent), forgets the throttle keys, revokes the links and ends the
 * sessions; journal entries by the person keep only their network, and the journal
 * never held their name or contacts (ids only, digests of before/after).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like, or, sql } from 'drizzle-orm';
import { careNetwork, links, personLinksIn, type Care } from './care-fixture.ts';
import { outbox } from '../../src/lib/server/mail/db.ts';
import { throttles } from '../../src/lib/server/accounts/db.ts';
import { auditLog } from '../../src/lib/server/audit/db.ts';
import { beneficiaries } from '../../src/lib/server/beneficiaries/db.ts';
import { sendReferral, referOrAskConsent } from '../../src/lib/server/referral/index.ts';
import { requestPersonCode, verifyPersonCode, usePersonLink, readPersonSession } from '../../src/lib/server/beneficiaries/index.ts';
import { eraseBeneficiary, anonymiseInactive } from '../../src/lib/server/privacy/index.ts';
import { backgroundSettled } from '../../src/lib/server/accounts/index.ts';
import { verifyChain } from '../../src/lib/server/audit/index.ts';

let c: Care;
beforeAll(async () => {
	c = await careNetwork();
});
afterAll(async () => {
	await c?.close();
});

/** A person with every trace the platform can leave: messages (pending), a link and a session, throttle keys, journal entries. */
async function withTraces(p: { lastName: string; phone: string; phoneE164: string; email: string }) {
	const id = await c.newPerson({ lastName: p.lastName, phone: p.phone, email: p.email, preferredContact: 'email' });
	await sendReferral(
		c.db,
		c.prescriber,
		{
			beneficiaryId: id,
			organisationId: c.ccas,
			placeId: c.withTeam,
			reason: 'Une démarche en ligne.',
			consent: { method: 'oral', scope: ['identity', 'contact'] }
		},
		links
	);
	await referOrAskConsent(
		c.db,
		c.prescriber,
		{ beneficiaryId: id, organisationId: c.ccas, placeId: c.byLink, reason: 'Une autre démarche.', consent: { method: 'sms', scope: ['identity'] } },
		links
	);
	await requestPersonCode(c.db, p.email, { ip: '192.0.2.44', instanceName: links.instanceName });
	await requestPersonCode(c.db, p.phone, { ip: '192.0.2.44', instanceName: links.instanceName });
	await backgroundSettled(); // the codes are sent just after the answer (finding 11)
	await verifyPersonCode(c.db, p.email, '000000', { ip: '192.0.2.44' });
	const [mail] = await c.db.db
		.select()
		.from(outbox)
		.where(and(eq(outbox.template, 'referral-person'), eq(outbox.to, p.email)));
	const token = personLinksIn(mail.text)[0];
	const opened = await usePersonLink(c.db, token, { ip: '192.0.2.44' });
	if (!opened.ok) throw new Error('link refused');
	// the traces are there before
	const mine = or(eq(outbox.to, p.email), eq(outbox.to, p.phoneE164), eq(outbox.beneficiaryId, id));
	expect((await c.db.db.select().from(outbox).where(mine)).length).toBeGreaterThanOrEqual(5);
	expect((await keysNaming(p)).length).toBeGreaterThanOrEqual(2);
	return { id, token, session: opened.sessionToken, mine };
}

const keysNaming = (p: { phoneE164: string; email: string }) =>
	c.db.db
		.select()
		.from(throttles)
		.where(or(like(throttles.key, `%${p.email}%`), like(throttles.key, `%${p.phoneE164}%`)));

async function expectGone(p: { lastName: string; phoneE164: string; email: string }, t: Awaited<ReturnType<typeof withTraces>>) {
	// no message to or about the person, sent or pending
	expect(await c.db.db.select().from(outbox).where(t.mine)).toEqual([]);
	const all = await c.db.db.select({ text: outbox.text, html: outbox.html, subject: outbox.subject }).from(outbox);
	for (const m of all) {
		expect(`${m.subject} ${m.text} ${m.html ?? ''}`).not.toContain(p.lastName);
		expect(`${m.text} ${m.html ?? ''}`).not.toContain(t.token);
	}
	// no throttle key naming their e-mail or phone
	expect(await keysNaming(p)).toEqual([]);
	// their link and session open nothing
	expect(await usePersonLink(c.db, t.token, {})).toMatchObject({ ok: false });
	expect(await readPersonSession(c.db.db, t.session)).toBeNull();
	// the journal: ids, never their name or contacts; their own entries keep only the network
	const entries = await c.db.db.select().from(auditLog).where(eq(auditLog.targetId, t.id));
	const text = JSON.stringify(entries);
	for (const v of [p.lastName, p.email, p.phoneE164]) expect(text).not.toContain(v);
	for (const e of entries.filter((x) => x.actorKind === 'person')) expect(e.ip === null || /\.0$|::$/.test(e.ip)).toBe(true);
	expect(text).not.toContain('192.0.2.44');
}

describe('issue 11, low: erasure leaves nothing behind', () => {
	it('erasure on request purges messages (pending ones too), throttle keys, links and sessions', async () => {
		const p = { lastName: 'Effaçable', phone: '06 12 00 00 01', phoneE164: '+33612000001', email: 'effacable@exemple.test' };
		const t = await withTraces(p);
		await eraseBeneficiary(c.db, c.prescriber, t.id, '10.9.8.7');
		await expectGone(p, t);
		expect((await verifyChain(c.db)).ok).toBe(true);
	});

	it('the anonymisation after 24 months does the same', async () => {
		const p = { lastName: 'Oubliable', phone: '06 12 00 00 02', phoneE164: '+33612000002', email: 'oubliable@exemple.test' };
		const t = await withTraces(p);
		await c.db.db
			.update(beneficiaries)
			.set({ lastActivityAt: sql`now() - interval '25 months'` })
			.where(eq(beneficiaries.id, t.id));
		expect(await anonymiseInactive(c.db)).toBeGreaterThanOrEqual(1);
		await expectGone(p, t);
	});
});
