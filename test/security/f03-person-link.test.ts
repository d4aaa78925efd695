/**
 * Issue 11, finding 3: a receiving place could act as the person. The sheet printed from
 * /espace/orientations/{id}/fiche.pdf, open to the place's team, embedded the person's
 * 90-day link (QR code and address), which nobody could revoke: a mediator of the place
 * read all the person's referrals (one in another département) and withdrew one,
 * journaled as done by the person.
 *
 * Now: the place's copy carries no access of the person's; the prescriber's copy carries
 * a link of its own, rotated by a reprint; links are stored hashed, revocable by the
 * person and by the holder, expire, and each use is journaled "by link".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { careNetwork, links, pdfText, personLinksIn, CANARY, type Care } from './care-fixture.ts';
import { auditLog } from '../../src/lib/server/audit/db.ts';
import { outbox } from '../../src/lib/server/mail/db.ts';
import { personLinks } from '../../src/lib/server/beneficiaries/db.ts';
import { sendReferral, withdrawByPerson, personReferrals } from '../../src/lib/server/referral/index.ts';
import { referralSheet } from '../../src/lib/server/documents/index.ts';
import {
	usePersonLink,
	readPersonSession,
	revokeLinksByPerson,
	revokeLinksByHolder,
	liveLinks,
	checkPersonLink,
	PERSON_LINK_DAYS
} from '../../src/lib/server/beneficiaries/index.ts';
import { signToken } from '../../src/lib/server/security/secret.ts';

let c: Care;
const CONSENT = { method: 'oral', scope: ['identity', 'referral_reason'] };
const DAY = 86_400_000;

beforeAll(async () => {
	c = await careNetwork();
});
afterAll(async () => {
	await c?.close();
});

async function referred(over: Record<string, unknown> = {}) {
	const id = await c.newPerson(over);
	const { id: rid } = await sendReferral(
		c.db,
		c.prescriber,
		{ beneficiaryId: id, organisationId: c.ccas, placeId: c.withTeam, reason: CANARY.reason, consent: CONSENT },
		links
	);
	return { id, rid };
}

describe('issue 11, finding 3: the person’s access stays with the person', () => {
	it('the place’s team prints a sheet without any link or code of the person’s, and gets no access', async () => {
		const { id, rid } = await referred();
		const before = await c.db.db.select().from(personLinks).where(eq(personLinks.beneficiaryId, id));
		const sheet = await referralSheet(c.db, c.mediator, rid, links);
		expect(sheet.withPersonLink).toBe(false);
		const { text, raw, hasImage } = pdfText(sheet.pdf);
		// the attack: the link read off the place's copy (address or QR code)
		expect(personLinksIn(raw)).toEqual([]);
		expect(personLinksIn(text.replace(/\s+/g, ''))).toEqual([]);
		expect(hasImage).toBe(false);
		if (text) expect(text.replace(/\s+/g, ' ')).toContain('demandez un code');
		// and no link was issued for it
		expect(await c.db.db.select().from(personLinks).where(eq(personLinks.beneficiaryId, id))).toEqual(before);
		// the manager of the place neither
		expect((await referralSheet(c.db, c.manager, rid, links)).withPersonLink).toBe(false);
	});

	it('the old signed 90-day link (no server-side record) opens nothing', async () => {
		const { id } = await referred();
		const old = signToken('person-page', { b: id }, 90 * 86400);
		expect((await checkPersonLink(c.db.db, old)).ok).toBe(false);
		expect(await usePersonLink(c.db, old, {})).toMatchObject({ ok: false, reason: 'invalid' });
	});

	it('the prescriber’s sheet carries the person’s link; a reprint revokes the previous one', async () => {
		const { id, rid } = await referred();
		const first = await referralSheet(c.db, c.prescriber, rid, links);
		expect(first.withPersonLink).toBe(true);
		const [t1] = personLinksIn(pdfText(first.pdf).raw);
		expect(t1).toBeTruthy();
		const opened = await usePersonLink(c.db, t1, { ip: '203.0.113.57' });
		expect(opened.ok).toBe(true);
		const s1 = await readPersonSession(c.db.db, opened.ok ? opened.sessionToken : '');
		expect(s1).toMatchObject({ beneficiaryIds: [id], via: 'link' });

		const second = await referralSheet(c.db, c.prescriber, rid, links);
		const [t2] = personLinksIn(pdfText(second.pdf).raw);
		expect(t2).not.toBe(t1);
		expect(await usePersonLink(c.db, t1, {})).toMatchObject({ ok: false, reason: 'revoked' });
		// the session the old sheet opened ends with it
		expect(await readPersonSession(c.db.db, opened.ok ? opened.sessionToken : '')).toBeNull();
		expect((await usePersonLink(c.db, t2, {})).ok).toBe(true);
		// only the hash is stored
		const rows = await c.db.db.select().from(personLinks).where(eq(personLinks.beneficiaryId, id));
		expect(JSON.stringify(rows)).not.toContain(t2);
	});

	it('each use is journaled by link, and a withdrawal says it came by link; the person’s address only as a network', async () => {
		const { id, rid } = await referred();
		const [sms] = await c.db.db
			.select()
			.from(outbox)
			.where(and(eq(outbox.to, CANARY.phoneE164), eq(outbox.template, 'referral-person'), eq(outbox.beneficiaryId, id)));
		const [token] = personLinksIn(sms.text);
		const opened = await usePersonLink(c.db, token, { ip: '203.0.113.57' });
		if (!opened.ok) throw new Error('link refused');
		const session = (await readPersonSession(c.db.db, opened.sessionToken))!;
		await withdrawByPerson(c.db, session, rid, links, '203.0.113.57');
		const uses = await c.db.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'person.link_used'), eq(auditLog.targetId, id)));
		expect(uses).toHaveLength(1);
		expect(uses[0]).toMatchObject({ actorKind: 'person', ip: '203.0.113.0', details: { by: 'link', channel: 'sms' } });
		const [w] = await c.db.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'referral.transition'), eq(auditLog.targetId, rid)));
		expect(w).toMatchObject({
			actorKind: 'person',
			ip: '203.0.113.0',
			details: { event: 'withdraw', by: 'link', personLinkId: uses[0].details && (uses[0].details as { linkId: string }).linkId }
		});
	});

	it('a new message on the same channel replaces the previous link', async () => {
		const { id } = await referred();
		await sendReferral(
			c.db,
			c.prescriber,
			{ beneficiaryId: id, organisationId: c.ccas, placeId: c.withTeam, reason: 'Une deuxième démarche.', consent: CONSENT },
			links
		);
		const texts = (
			await c.db.db
				.select()
				.from(outbox)
				.where(and(eq(outbox.beneficiaryId, id), eq(outbox.template, 'referral-person')))
		).map((m) => m.text);
		expect(texts).toHaveLength(2);
		const tokens = texts.map((t) => personLinksIn(t)[0]);
		const checks = await Promise.all(tokens.map((t) => checkPersonLink(c.db.db, t)));
		expect(checks.map((x) => x.ok).sort()).toEqual([false, true]);
		expect(await liveLinks(c.db.db, [id])).toHaveLength(1);
	});

	it('the person ends their links from their page; the holder can too, the place cannot', async () => {
		const { id, rid } = await referred();
		const sheet = await referralSheet(c.db, c.prescriber, rid, links);
		const [fromSheet] = personLinksIn(pdfText(sheet.pdf).raw);
		const [sms] = await c.db.db
			.select()
			.from(outbox)
			.where(and(eq(outbox.beneficiaryId, id), eq(outbox.template, 'referral-person')));
		const [fromSms] = personLinksIn(sms.text);
		expect(await liveLinks(c.db.db, [id])).toHaveLength(2);

		// the person, in a session opened by the SMS link, ends the sheet's link (lost)
		const opened = await usePersonLink(c.db, fromSms, {});
		if (!opened.ok) throw new Error('link refused');
		const session = (await readPersonSession(c.db.db, opened.sessionToken))!;
		const sheetLink = (await liveLinks(c.db.db, [id])).find((l) => l.channel === 'sheet')!;
		expect(await revokeLinksByPerson(c.db, session, sheetLink.id, {})).toBe(1);
		expect(await usePersonLink(c.db, fromSheet, {})).toMatchObject({ ok: false, reason: 'revoked' });
		expect((await checkPersonLink(c.db.db, fromSms)).ok).toBe(true);
		// someone else's link cannot be ended from this session
		const other = await referred();
		expect(await revokeLinksByPerson(c.db, session, (await liveLinks(c.db.db, [other.id]))[0].id, {})).toBe(0);

		// the place's team may not; the holder may
		await expect(revokeLinksByHolder(c.db, c.mediator, id)).rejects.toThrow();
		expect(await revokeLinksByHolder(c.db, c.prescriber, id)).toBe(1);
		expect(await usePersonLink(c.db, fromSms, {})).toMatchObject({ ok: false, reason: 'revoked' });
		// the session opened by the revoked link is over too
		expect(await readPersonSession(c.db.db, opened.sessionToken)).toBeNull();
		expect(await personReferrals(c.db, [])).toEqual([]);
	});

	it('a link expires', async () => {
		const { id } = await referred();
		const [sms] = await c.db.db
			.select()
			.from(outbox)
			.where(and(eq(outbox.beneficiaryId, id), eq(outbox.template, 'referral-person')));
		const [token] = personLinksIn(sms.text);
		expect(await usePersonLink(c.db, token, {}, new Date(Date.now() + (PERSON_LINK_DAYS + 1) * DAY))).toMatchObject({ ok: false, reason: 'expired' });
	});
});
