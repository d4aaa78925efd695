/**
 * Mon espace (issue 15): signing in without a password, and one person's session never
 * showing another's data.
 *
 * - the recovery sheet: its codes open the space once each; a new sheet revokes the old;
 *   wrong codes are throttled per address; each sign-in is journaled with its method;
 * - a passkey answer that is not one (garbage, a replayed or unknown challenge) opens
 *   nothing;
 * - two people, two sessions: the journal, the grants, the sessions and the sheet of one
 *   never include the other's; one cannot end the other's session nor remove their keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { careNetwork, links, CANARY, type Care } from './care-fixture.ts';
import { auditLog } from '../../src/lib/server/audit/db.ts';
import { sendReferral } from '../../src/lib/server/referral/index.ts';
import {
	endSessionsByPerson,
	issueRecoverySheet,
	openPersonSession,
	openSessionsOf,
	passkeySignInOptions,
	personGrants,
	readPersonSession,
	recoveryStatus,
	removePasskey,
	signInWithPasskey,
	signInWithRecoveryCode,
	withdrawConsent,
	type PersonSession
} from '../../src/lib/server/beneficiaries/index.ts';
import { personReturnPath, RECOVERY_CODES_PER_SHEET } from '../../src/lib/server/beneficiaries/index.ts';
import { personJournal } from '../../src/lib/server/journal/index.ts';
import { referralIdsOf } from '../../src/lib/server/referral/index.ts';

let c: Care;
beforeAll(async () => {
	c = await careNetwork();
});
afterAll(async () => {
	await c?.close();
});

async function personWithSession(phone: string, ip = '198.51.100.20'): Promise<{ id: string; session: PersonSession; token: string }> {
	const id = await c.newPerson({ phone, email: '' });
	await sendReferral(
		c.db,
		c.prescriber,
		{ beneficiaryId: id, organisationId: c.ccas, placeId: c.withTeam, reason: CANARY.reason, consent: { method: 'oral', scope: ['identity', 'contact'] } },
		links
	);
	const token = await openPersonSession(c.db, [id], { ip, userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel) Mobile Safari' });
	return { id, token, session: (await readPersonSession(c.db.db, token))! };
}

describe('Mon espace: the recovery sheet', () => {
	it('opens the space once per code; a new sheet revokes the old one; journaled “by recovery”', async () => {
		const a = await personWithSession('06 11 22 33 01');
		const sheet = await issueRecoverySheet(c.db, a.session, { ip: '198.51.100.20' });
		expect(sheet.codes).toHaveLength(RECOVERY_CODES_PER_SHEET);
		expect(new Set(sheet.codes).size).toBe(RECOVERY_CODES_PER_SHEET);
		expect(await recoveryStatus(c.db.db, [a.id])).toMatchObject({ left: 8 });

		// typed back in lower case, with spaces instead of dashes
		const ok = await signInWithRecoveryCode(c.db, sheet.codes[0].toLowerCase().replace(/-/g, ' '), { ip: '198.51.100.21' });
		expect(ok).toMatchObject({ status: 'ok', beneficiaryIds: [a.id] });
		if (ok.status !== 'ok') return;
		expect(await readPersonSession(c.db.db, ok.token)).toMatchObject({ beneficiaryIds: [a.id], via: 'recovery' });
		expect(await recoveryStatus(c.db.db, [a.id])).toMatchObject({ left: 7 });
		const [entry] = await c.db.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'person.signed_in'), eq(auditLog.targetId, a.id), eq(auditLog.ip, '198.51.100.0')));
		expect(entry).toBeTruthy();
		// each sign-in, whatever the method, says it
		const signIns = await c.db.db
			.select({ details: auditLog.details })
			.from(auditLog)
			.where(and(eq(auditLog.action, 'person.signed_in'), eq(auditLog.targetId, a.id)));
		expect(signIns.map((s) => (s.details as { by: string }).by).sort()).toEqual(['code', 'recovery']);

		// spent
		expect(await signInWithRecoveryCode(c.db, sheet.codes[0], { ip: '198.51.100.22' })).toMatchObject({ status: 'invalid' });
		// a new sheet: the old codes stop working, the new ones work
		const second = await issueRecoverySheet(c.db, a.session, { ip: '198.51.100.20' });
		expect(await signInWithRecoveryCode(c.db, sheet.codes[1], { ip: '198.51.100.23' })).toMatchObject({ status: 'invalid' });
		expect(await signInWithRecoveryCode(c.db, second.codes[1], { ip: '198.51.100.23' })).toMatchObject({ status: 'ok', beneficiaryIds: [a.id] });
	});

	it('refuses guessing from one address after 5 wrong codes, even with a right one', async () => {
		const b = await personWithSession('06 11 22 33 02');
		const sheet = await issueRecoverySheet(c.db, b.session, {});
		const ip = '203.0.113.77';
		for (let i = 0; i < 5; i++) await signInWithRecoveryCode(c.db, 'AAAA-AAAA-AAAA', { ip });
		expect(await signInWithRecoveryCode(c.db, sheet.codes[0], { ip })).toMatchObject({ status: 'throttled' });
		// the code was not spent by the refused attempt: from elsewhere it works
		expect(await signInWithRecoveryCode(c.db, sheet.codes[0], { ip: '203.0.113.78' })).toMatchObject({ status: 'ok' });
	});
});

describe('Mon espace: passkeys', () => {
	it('an answer that is not a passkey’s, or names a challenge never given, opens nothing', async () => {
		expect(await signInWithPasskey(c.db, 'pas du JSON', { origin: links.origin }, { ip: '192.0.2.10' })).toMatchObject({ status: 'invalid' });
		const options = await passkeySignInOptions(c.db, { origin: links.origin }, { ip: '192.0.2.10' });
		expect(options.status).toBe('ok');
		const forged = {
			id: 'AAAA',
			rawId: 'AAAA',
			type: 'public-key',
			response: {
				clientDataJSON: Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: 'inconnu', origin: links.origin })).toString('base64url'),
				authenticatorData: '',
				signature: ''
			},
			clientExtensionResults: {}
		};
		expect(await signInWithPasskey(c.db, JSON.stringify(forged), { origin: links.origin }, { ip: '192.0.2.10' })).toMatchObject({ status: 'invalid' });
		// the right challenge, an unknown key: refused, and the challenge is spent
		if (options.status !== 'ok') return;
		const withChallenge = {
			...forged,
			response: {
				...forged.response,
				clientDataJSON: Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: options.options.challenge })).toString('base64url')
			}
		};
		expect(await signInWithPasskey(c.db, JSON.stringify(withChallenge), { origin: links.origin }, { ip: '192.0.2.10' })).toMatchObject({ status: 'invalid' });
	});
});

describe('Mon espace: one person’s session never shows another’s data', () => {
	it('the journal, the grants, the sessions of one person are theirs only; one cannot end the other’s session', async () => {
		const a = await personWithSession('06 11 22 33 03');
		const b = await personWithSession('06 11 22 33 04');
		const [ra] = await referralIdsOf(c.db.db, [a.id]);
		const [rb] = await referralIdsOf(c.db.db, [b.id]);

		const ja = await personJournal(c.db, a.session.beneficiaryIds);
		expect(ja.entries.length).toBeGreaterThan(0);
		const ids = new Set(ja.entries.map((e) => e.id));
		const rows = await c.db.db.select().from(auditLog);
		const aboutB = rows.filter((r) => (r.targetType === 'beneficiary' && r.targetId === b.id) || (r.targetType === 'referral' && r.targetId === rb));
		expect(aboutB.length).toBeGreaterThan(0);
		expect(aboutB.filter((r) => ids.has(r.id))).toEqual([]);
		// and A's own lines are all there, said to them: the referral, the sign-in
		const aboutA = rows.filter((r) => (r.targetType === 'beneficiary' && r.targetId === a.id) || (r.targetType === 'referral' && r.targetId === ra));
		expect(aboutA.every((r) => ids.has(r.id))).toBe(true);
		const sentences = ja.entries.map((e) => e.sentence);
		expect(sentences).toContain('Vous vous êtes connecté(e) avec un code reçu par SMS ou e-mail.');
		expect(sentences.some((s) => /^Pat .* vous a orienté\(e\) vers /.test(s) || / vous a orienté\(e\) vers /.test(s))).toBe(true);
		// never a name of the person, never an id
		expect(sentences.join(' ')).not.toContain(CANARY.lastName);
		expect(sentences.join(' ')).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);

		const ga = await personGrants(c.db.db, a.session.beneficiaryIds);
		expect(ga.consent.length).toBe(1);
		expect(ga.consent[0].shows).toEqual(['votre nom, votre prénom, votre commune et votre langue', 'votre téléphone et votre adresse e-mail']);
		const gb = await personGrants(c.db.db, b.session.beneficiaryIds);
		expect(ga.consent.map((g) => g.id)).not.toContain(gb.consent[0].id);
		// A cannot withdraw B's consent
		await expect(withdrawConsent(c.db, { person: a.session.beneficiaryIds }, gb.consent[0].id)).rejects.toMatchObject({ code: 'not_found' });
		expect((await personGrants(c.db.db, b.session.beneficiaryIds)).consent[0].inForce).toBe(true);

		const sa = await openSessionsOf(c.db.db, a.session);
		expect(sa.map((s) => s.id)).toEqual([a.session.id]);
		expect(sa[0]).toMatchObject({ current: true, device: 'Téléphone Android', via: 'code' });
		// A tries to end B's session by its id: nothing happens
		expect(await endSessionsByPerson(c.db, a.session, b.session.id, {})).toBe(0);
		expect(await readPersonSession(c.db.db, b.token)).not.toBeNull();
		expect(await removePasskey(c.db, a.session, 'une-cle-de-b', {})).toBe(false);
		expect(await recoveryStatus(c.db.db, a.session.beneficiaryIds)).toBeNull();
	});

	it('ends the person’s other sessions, not the current one', async () => {
		const a = await personWithSession('06 11 22 33 05');
		const other = await openPersonSession(c.db, [a.id], {});
		expect(await endSessionsByPerson(c.db, a.session, null, {})).toBe(1);
		expect(await readPersonSession(c.db.db, other)).toBeNull();
		expect(await readPersonSession(c.db.db, a.token)).not.toBeNull();
	});
});

describe('Mon espace: where the sign-in leads back', () => {
	it('to a page of Mon espace only', () => {
		expect(personReturnPath('/mon-espace/pass')).toBe('/mon-espace/pass');
		expect(personReturnPath('/mon-espace/journal?avant=12')).toBe('/mon-espace/journal?avant=12');
		for (const bad of [
			'//evil.example/mon-espace',
			'https://evil.example/mon-espace',
			'/mon-espaceX',
			'/espace/personnes',
			'/mon-espace/connexion',
			'/\\evil.example',
			// dot segments and empty segments leave Mon espace once resolved (acceptance walk of issue 15)
			'/mon-espace/..//evil.example',
			'/mon-espace/../connexion',
			'/mon-espace/%2e%2e/%2E%2E//evil.example',
			'/mon-espace/./../espace',
			'/mon-espace//evil.example',
			null,
			''
		])
			expect(personReturnPath(bad), String(bad)).toBe('/mon-espace');
	});
});
