/**
 * Consent given by SMS reply, on a real database: the prescriber refers a person and asks
 * their consent by SMS; the consent waits (it opens nothing, the referral is not sent);
 * the person's reply, posted by the provider to /api/sms/entrant, confirms it (the record
 * opens to the place, the referral leaves) or refuses it; unknown numbers, unclear texts,
 * expired requests and repeated replies change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { onPostgres } from '../../../../test/db.ts';
import { openWorld, type World } from '../../../../test/world.ts';
import { setDatabase, type Database } from '../db/client.ts';
import { outbox } from '../mail/db.ts';
import { auditLog } from '../audit/db.ts';
import type { Actor } from '../accounts/index.ts';
import { verifyChain } from '../audit/index.ts';
import { referrals } from '../referral/db.ts';
import { referOrAskConsent, sendReferral, referralsOfBeneficiary, answerConsentBySms } from '../referral/index.ts';
import { consentRequests } from './db.ts';
import { grants as consents } from '../grants/db.ts';
import { loadBeneficiary, beneficiaryDetail, withdrawConsent, consentsOf, CareError } from './index.ts';
import { eraseBeneficiary } from '../privacy/index.ts';
import { cancelConsentRequest, resendConsentRequest, consentRequestsOf, expireConsentRequests } from './consent-sms.ts';
import { parseConsentReply, consentRequestText } from './model.ts';
import { POST as inbound } from '../../../routes/api/sms/entrant/+server.ts';

let w: World;
let db: Database;
let prescriber: Actor;
let mediator: Actor;
let ccas: string;
let org33: string;
let withTeam: string;
let byLink: string;
const links = { origin: 'https://maillage.test', instanceName: 'maillage 47' };
const DAY = 86_400_000;
const SECRET = 'un-secret-partage-avec-le-fournisseur-sms';
const SMS_CONSENT = { method: 'sms', scope: ['identity', 'contact', 'referral_reason'] };

let phones = 0;
/** a fresh mobile number for each person: replies are matched on it */
const nextPhone = () => `06 98 76 ${String(10 + Math.floor(phones / 90)).padStart(2, '0')} ${String(10 + (phones++ % 90)).padStart(2, '0')}`;
const e164 = (p: string) => '+33' + p.replace(/\s/g, '').slice(1);

async function newPerson(over: Record<string, unknown> = {}): Promise<{ id: string; phone: string }> {
	const phone = nextPhone();
	const id = await w.person(prescriber, ccas, {
		firstName: 'Marie',
		lastName: `Durand${phones}`,
		birthYear: '1958',
		commune: 'Nérac',
		phone,
		preferredContact: 'sms',
		...over
	});
	return { id, phone: e164(phone) };
}

async function ask(beneficiaryId: string, placeId = withTeam, reason = 'Créer son compte Ameli.') {
	const r = await referOrAskConsent(db, prescriber, { beneficiaryId, organisationId: ccas, placeId, reason, consent: SMS_CONSENT }, links);
	if (r.status !== 'consent_requested') throw new Error('expected a consent request');
	return r;
}

const smsTo = (phone: string) =>
	db.db
		.select()
		.from(outbox)
		.where(and(eq(outbox.to, phone), eq(outbox.channel, 'sms')))
		.orderBy(outbox.createdAt);
const referenceIn = async (phone: string, nth = -1) => {
	const asks = (await smsTo(phone)).filter((m) => m.template === 'consent-request');
	return /OUI (\d{4})/.exec(asks.at(nth)!.text)![1];
};
const reply = (from: string, text: string, at = new Date()) => answerConsentBySms(db, { from, text, at }, links);
const statusOf = async (consentId: string) => (await db.db.select().from(consents).where(eq(consents.id, consentId)))[0];
const referralsOf = (beneficiaryId: string) => db.db.select().from(referrals).where(eq(referrals.beneficiaryId, beneficiaryId));
const journalOf = (beneficiaryId: string, action: string) =>
	db.db
		.select()
		.from(auditLog)
		.where(and(eq(auditLog.targetId, beneficiaryId), eq(auditLog.action, action)));

function post(body: unknown, headers: Record<string, string> = {}) {
	const url = new URL('http://localhost/api/sms/entrant');
	const request = new Request(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});
	return inbound({ request, url, locals: { ip: '203.0.113.7' } } as never);
}

beforeAll(async () => {
	w = await openWorld({ places: 'agen' });
	db = w.db;
	setDatabase(db);
	process.env.SMS_INBOUND_SECRET = SECRET;
	ccas = await w.organisation('CCAS de Nérac', 'ccas');
	const mediatheque = await w.organisation('Médiathèque Lacépède', 'mediatheque');
	org33 = await w.organisation('Tiers-lieu de Bordeaux', 'association', '33');
	prescriber = await w.member('pat@ccas.test', ccas, 'prescriber');
	mediator = await w.member('lou@mediatheque.test', mediatheque, 'mediator');
	await w.member('sam@bordeaux.test', org33, 'mediator'); // the Gironde's team, whose place a consent may open the record to
	withTeam = await w.runs(mediatheque, 'Médiathèque Lacépède');
	byLink = await w.placeByEmail('France services de Boé', 'boe@france-services.test');
});
afterAll(async () => {
	setDatabase(undefined);
	delete process.env.SMS_INBOUND_SECRET;
	await w?.close();
});

describe('what the person reads and writes', () => {
	it('the SMS says who asks, what is shared with whom, and how to answer, within 3 SMS', () => {
		const t = consentRequestText({
			organisation: 'CCAS de Nérac',
			withName: 'Médiathèque Lacépède',
			scope: ['identity', 'contact', 'referral_reason'],
			reference: '4821'
		});
		expect(t).toBe(
			"CCAS de Nérac vous demande votre accord pour transmettre vos nom, commune et langue, vos téléphone et e-mail et le motif de votre demande à Médiathèque Lacépède, pour vous y orienter. Répondez OUI 4821 pour accepter, NON 4821 pour refuser. Sans réponse sous 7 jours, rien n'est transmis."
		);
		const long = consentRequestText(
			{
				organisation: 'Centre communal d’action sociale de la ville de Villeneuve-sur-Lot '.repeat(3),
				withName: 'Espace public numérique '.repeat(6),
				scope: ['identity'],
				reference: '1234'
			},
			(s) => s.length <= 459
		);
		expect(long.length).toBeLessThanOrEqual(459);
		expect(long).toContain('Répondez OUI 1234 pour accepter, NON 1234 pour refuser.');
	});

	it('reads OUI and NON as people write them, with the reference, and nothing that says more', () => {
		for (const yes of ['OUI', 'oui', 'Oui 4821', 'ok', 'OK.', 'oui merci', 'D’accord', "d'accord 4821", 'Oui oui', 'ouí', 'J’accepte'])
			expect(parseConsentReply(yes).answer, yes).toBe('yes');
		for (const no of ['NON', 'non merci', 'STOP', 'Stop 4821', 'Je refuse', "pas d'accord"]) expect(parseConsentReply(no).answer, no).toBe('no');
		for (const unclear of ['peut-être', 'oui mais pas mon téléphone', 'non oui', 'Qui êtes-vous\u00a0?', '4821', ''])
			expect(parseConsentReply(unclear).answer, unclear).toBeNull();
		expect(parseConsentReply('Oui 4821')).toEqual({ answer: 'yes', reference: '4821' });
		expect(parseConsentReply('OUI 48 21')).toEqual({ answer: 'yes', reference: '4821' });
		expect(parseConsentReply('non')).toEqual({ answer: 'no', reference: null });
	});
});

describe('asking', () => {
	it('records a pending consent that opens nothing, sends no referral, and queues the SMS in the same transaction', async () => {
		const p = await newPerson();
		const r = await ask(p.id);
		const c = await statusOf(r.consentId);
		expect(c).toMatchObject({ status: 'pending', method: 'sms', revokedAt: null });
		// no access for the place, no referral, nothing for the place's team
		await expect(loadBeneficiary(db.db, mediator, p.id)).rejects.toThrow(/n’existe pas/);
		expect(await referralsOf(p.id)).toEqual([]);
		const [sms] = await smsTo(p.phone);
		expect(sms.template).toBe('consent-request');
		expect(sms.text).toMatch(
			/^CCAS de Nérac vous demande votre accord pour transmettre vos nom, commune et langue, vos téléphone et e-mail et le motif de votre demande à Médiathèque Lacépède, pour vous y orienter\. Répondez OUI (\d{4}) pour accepter, NON \1 pour refuser\. Sans réponse sous 7 jours, rien n'est transmis\.$/
		);
		// the professional sees it waiting
		const [view] = await consentRequestsOf(db, prescriber, p.id);
		expect(view).toMatchObject({ status: 'pending', withName: 'Médiathèque Lacépède', canResend: true });
		expect(view.expiresAt.getTime() - view.sentAt.getTime()).toBe(7 * DAY);
		expect((await journalOf(p.id, 'consent.requested')).length).toBe(1);
		// a pending consent cannot be "withdrawn": it is cancelled
		await expect(withdrawConsent(db, { actor: prescriber }, r.consentId)).rejects.toThrow(/annulez la demande/);
	});

	it('needs a French mobile number, and says so in French', async () => {
		const landline = await newPerson({ phone: '05 53 00 00 00', preferredContact: 'phone' });
		const err = await referOrAskConsent(
			db,
			prescriber,
			{ beneficiaryId: landline.id, organisationId: ccas, placeId: withTeam, reason: 'Créer son compte Ameli.', consent: SMS_CONSENT },
			links
		).catch((e) => e);
		expect(err).toBeInstanceOf(CareError);
		expect(err.fields.method).toMatch(/n’a pas de numéro de portable/);
		const none = await newPerson({ phone: '', preferredContact: 'none' });
		const err2 = await referOrAskConsent(
			db,
			prescriber,
			{ beneficiaryId: none.id, organisationId: ccas, placeId: withTeam, reason: 'x', consent: SMS_CONSENT },
			links
		).catch((e) => e);
		expect(err2.fields).toMatchObject({ method: expect.stringMatching(/portable/), reason: expect.stringMatching(/une ou deux phrases/) });
		expect(await db.db.select().from(consents).where(eq(consents.beneficiaryId, none.id))).toEqual([]);
		// sendReferral sends now: an SMS consent goes through referOrAskConsent
		await expect(
			sendReferral(
				db,
				prescriber,
				{ beneficiaryId: none.id, organisationId: ccas, placeId: withTeam, reason: 'Créer son compte.', consent: SMS_CONSENT },
				links
			)
		).rejects.toThrow(CareError);
	});
});

describe('the person answers', () => {
	it('OUI: the consent is in force from the reply, the record opens to the place, the referral leaves, the prescriber is told', async () => {
		const p = await newPerson();
		const r = await ask(p.id);
		const at = new Date(Date.now() - 60_000);
		expect(await reply(p.phone, 'Oui', at)).toBe('confirmed');
		const c = await statusOf(r.consentId);
		expect(c.status).toBe('in_force');
		expect(c.validFrom.toISOString()).toBe(at.toISOString());
		// the proof of an SMS consent: the request and its reference, never the number nor the text
		expect(c.evidence).toMatchObject({ smsRequestId: r.requestId, repliedAt: at.toISOString() });
		expect(JSON.stringify(c.evidence)).not.toContain(p.phone);
		const seen = await beneficiaryDetail(db, mediator, p.id);
		expect(seen.record).toMatchObject({ firstName: 'Marie', phone: p.phone });
		const [ref] = await referralsOf(p.id);
		expect(ref).toMatchObject({ status: 'sent', consentId: r.consentId, reason: 'Créer son compte Ameli.', prescriberId: prescriber.userId });
		expect((await referralsOfBeneficiary(db, prescriber, p.id)).map((x) => x.placeName)).toEqual(['Médiathèque Lacépède']);
		const [j] = await journalOf(p.id, 'consent.confirmed');
		expect(j).toMatchObject({ actorKind: 'person', actorId: null });
		const mails = await db.db.select().from(outbox).where(eq(outbox.to, 'pat@ccas.test'));
		expect(mails.find((m) => m.template === 'consent-confirmed')!.text).toMatch(
			/a répondu OUI par SMS.*\n\nL’orientation vers Médiathèque Lacépède est envoyée\./s
		);
		expect(
			(await db.db.select().from(outbox).where(eq(outbox.to, 'lou@mediatheque.test'))).some((m) => m.text.includes(`/espace/orientations/${ref.id}`))
		).toBe(true);
		// the person prefers SMS: the referral's own SMS tells them what comes next
		expect((await smsTo(p.phone)).map((m) => m.template)).toEqual(['consent-request', 'referral-person']);
		const [view] = await consentRequestsOf(db, prescriber, p.id);
		expect(view).toMatchObject({ status: 'in_force', referralId: ref.id, canResend: false });
		expect((await verifyChain(db)).ok).toBe(true);
	});

	it('the same reply twice changes nothing', async () => {
		const p = await newPerson();
		await ask(p.id);
		const ref = await referenceIn(p.phone);
		expect(await reply(p.phone, `OUI ${ref}`)).toBe('confirmed');
		expect(await reply(p.phone, `OUI ${ref}`)).toBe('already_answered');
		expect(await reply(p.phone, 'oui')).toBe('already_answered');
		// a NON after the OUI does not undo it either (the person withdraws from their page)
		expect(await reply(p.phone, `NON ${ref}`)).toBe('already_answered');
		expect((await referralsOf(p.id)).length).toBe(1);
		expect((await journalOf(p.id, 'consent.confirmed')).length).toBe(1);
		expect((await journalOf(p.id, 'consent.refused')).length).toBe(0);
	});

	it('NON: the consent is refused, nothing is shared nor sent, the prescriber is told', async () => {
		const p = await newPerson();
		const r = await ask(p.id);
		expect(await reply(p.phone, 'STOP')).toBe('refused');
		expect((await statusOf(r.consentId)).status).toBe('refused');
		await expect(loadBeneficiary(db.db, mediator, p.id)).rejects.toThrow(/n’existe pas/);
		expect(await referralsOf(p.id)).toEqual([]);
		expect((await journalOf(p.id, 'consent.refused'))[0].actorKind).toBe('person');
		expect(
			(await db.db.select().from(outbox).where(eq(outbox.to, 'pat@ccas.test'))).some(
				(m) => m.template === 'consent-refused' && /a répondu NON par SMS/.test(m.text)
			)
		).toBe(true);
		expect((await smsTo(p.phone)).at(-1)!.text).toMatch(/Rien n'est transmis à Médiathèque Lacépède/);
		expect(await reply(p.phone, 'oui')).toBe('already_answered');
		expect((await statusOf(r.consentId)).status).toBe('refused');
		// the record shows it refused
		const [c] = await consentsOf(db.db, p.id);
		expect(c).toMatchObject({ status: 'refused', statusLabel: 'Refusé par SMS' });
	});

	it('an unknown number, or a text that is not an answer, changes nothing', async () => {
		const p = await newPerson();
		const r = await ask(p.id);
		const before = await db.db.select({ n: sql<number>`count(*)::int` }).from(outbox);
		expect(await reply('+33798765432', 'OUI')).toBe('unknown_number');
		expect(await answerConsentBySms(db, { from: null, text: 'OUI', at: new Date() }, links)).toBe('unknown_number');
		expect(await reply(p.phone, 'Qui êtes-vous\u00a0?')).toBe('not_understood');
		expect(await reply(p.phone, 'oui mais pas mon téléphone')).toBe('not_understood');
		expect(await reply(p.phone, 'OUI 0000')).toBe('unknown_reference');
		expect((await statusOf(r.consentId)).status).toBe('pending');
		expect((await db.db.select({ n: sql<number>`count(*)::int` }).from(outbox))[0].n).toBe(before[0].n);
	});

	it('two requests waiting: the reference tells them apart; a bare OUI gets a question back and changes nothing', async () => {
		const p = await newPerson();
		const first = await ask(p.id, withTeam, 'Créer son compte Ameli.');
		const second = await ask(p.id, byLink, 'Refaire sa carte grise.');
		const [ref1, ref2] = [await referenceIn(p.phone, 0), await referenceIn(p.phone, 1)];
		expect(ref1).not.toBe(ref2);
		expect(await reply(p.phone, 'oui')).toBe('ambiguous');
		expect((await smsTo(p.phone)).at(-1)!.text).toMatch(/plusieurs demandes .* par exemple : OUI \d{4}/);
		expect((await statusOf(first.consentId)).status).toBe('pending');
		expect((await statusOf(second.consentId)).status).toBe('pending');
		expect(await reply(p.phone, `Oui ${ref2}`)).toBe('confirmed');
		expect((await statusOf(second.consentId)).status).toBe('in_force');
		expect((await statusOf(first.consentId)).status).toBe('pending');
		const [ref] = await referralsOf(p.id);
		expect(ref.placeId).toBe(byLink);
		// one left waiting: a bare answer is now clear
		expect(await reply(p.phone, 'non')).toBe('refused');
		expect((await statusOf(first.consentId)).status).toBe('refused');
	});

	it('an expired request cannot be confirmed; the hourly job closes the others and tells the prescriber', async () => {
		const p = await newPerson();
		const r = await ask(p.id);
		const [req] = await db.db.select().from(consentRequests).where(eq(consentRequests.consentId, r.consentId));
		expect(await reply(p.phone, 'OUI', new Date(req.expiresAt.getTime() + 1000))).toBe('expired');
		expect((await statusOf(r.consentId)).status).toBe('expired');
		await expect(loadBeneficiary(db.db, mediator, p.id)).rejects.toThrow(/n’existe pas/);
		expect(await referralsOf(p.id)).toEqual([]);
		expect((await smsTo(p.phone)).at(-1)!.text).toMatch(/a expiré : rien n'a été transmis/);
		expect(await reply(p.phone, 'OUI')).toBe('already_answered');

		const q = await newPerson();
		const r2 = await ask(q.id);
		const [req2] = await db.db.select().from(consentRequests).where(eq(consentRequests.consentId, r2.consentId));
		// a second before its end it stays open (earlier tests' requests may close at that instant:
		// the count depends on how long this file took, this request's status does not)
		await expireConsentRequests(db, links, new Date(req2.expiresAt.getTime() - 1000));
		expect((await statusOf(r2.consentId)).status).toBe('pending');
		expect((await consentRequestsOf(db, prescriber, q.id, new Date(req2.expiresAt.getTime() + 1)))[0].status).toBe('expired');
		expect(await expireConsentRequests(db, links, new Date(req2.expiresAt.getTime() + 1000))).toBeGreaterThanOrEqual(1);
		expect(await expireConsentRequests(db, links, new Date(req2.expiresAt.getTime() + 2000))).toBe(0);
		expect((await statusOf(r2.consentId)).status).toBe('expired');
		expect((await db.db.select().from(outbox).where(eq(outbox.to, 'pat@ccas.test'))).some((m) => m.template === 'consent-expired')).toBe(true);
		expect(await reply(q.phone, 'oui')).toBe('already_answered');
	});
});

describe('the professional', () => {
	it('resends once (7 more days, same reference), cancels; a later OUI opens nothing', async () => {
		const p = await newPerson();
		const r = await ask(p.id);
		const ref = await referenceIn(p.phone);
		const [req] = await consentRequestsOf(db, prescriber, p.id);
		await expect(resendConsentRequest(db, mediator, req.id)).rejects.toThrow(/n’existe pas/);
		await resendConsentRequest(db, prescriber, req.id, null, new Date(Date.now() + 3 * DAY));
		expect(await referenceIn(p.phone)).toBe(ref);
		const [again] = await consentRequestsOf(db, prescriber, p.id);
		expect(again).toMatchObject({ resends: 1, canResend: false });
		expect(again.expiresAt.getTime()).toBeGreaterThan(req.expiresAt.getTime());
		await expect(resendConsentRequest(db, prescriber, req.id)).rejects.toThrow(/déjà été renvoyé une fois/);
		await expect(cancelConsentRequest(db, mediator, req.id)).rejects.toThrow(/n’existe pas/);
		await cancelConsentRequest(db, prescriber, req.id);
		await cancelConsentRequest(db, prescriber, req.id);
		expect((await statusOf(r.consentId)).status).toBe('cancelled');
		expect(await reply(p.phone, `OUI ${ref}`)).toBe('already_answered');
		expect(await referralsOf(p.id)).toEqual([]);
		await expect(loadBeneficiary(db.db, mediator, p.id)).rejects.toThrow(/n’existe pas/);
		expect((await journalOf(p.id, 'consent.request_cancelled')).length).toBe(1);
		expect((await journalOf(p.id, 'consent.request_resent')).length).toBe(1);
	});

	it('erasing the record cancels its requests and forgets the number they went to', async () => {
		const p = await newPerson();
		const r = await ask(p.id);
		await eraseBeneficiary(db, prescriber, p.id);
		expect((await statusOf(r.consentId)).status).toBe('cancelled');
		const [req] = await db.db.select().from(consentRequests).where(eq(consentRequests.consentId, r.consentId));
		expect(req).toMatchObject({ phone: '', referral: null });
		expect(req.closedAt).not.toBeNull();
		expect(await reply(p.phone, 'OUI')).toBe('unknown_number');
	});
});

describe('the provider’s webhook (/api/sms/entrant)', () => {
	it('refuses a missing or wrong secret with 401 and no detail, and answers 200 to any reply it reads', async () => {
		const p = await newPerson();
		const r = await ask(p.id);
		const body = { msg_status: 'replied', to: p.phone.slice(1), reply: 'OUI' };
		for (const headers of [
			{},
			{ authorization: 'Bearer nope' },
			{ authorization: `Bearer ${SECRET}x` },
			{ authorization: 'Basic ' + Buffer.from('u:nope').toString('base64') }
		] as Record<string, string>[]) {
			const res = await post(body, headers);
			expect(res.status).toBe(401);
			expect(await res.json()).toEqual({ ok: false });
		}
		expect((await statusOf(r.consentId)).status).toBe('pending');
		// not JSON: refused before anything is read
		expect((await post('to=33&reply=OUI', { authorization: `Bearer ${SECRET}`, 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
		expect((await post('{not json', { authorization: `Bearer ${SECRET}` })).status).toBe(400);
		// an unknown number: 200 all the same (nothing to learn, nothing to retry)
		const unknown = await post({ from: '+33798765432', text: 'OUI' }, { authorization: `Bearer ${SECRET}` });
		expect(unknown.status).toBe(200);
		// Brevo's 'replied' event, with Basic authentication (the secret as password)
		const ok = await post(body, { authorization: 'Basic ' + Buffer.from(`brevo:${SECRET}`).toString('base64') });
		expect(ok.status).toBe(200);
		expect(await ok.json()).toEqual({ ok: true });
		expect((await statusOf(r.consentId)).status).toBe('in_force');
		expect((await post(body, { authorization: `Bearer ${SECRET}` })).status).toBe(200);
		expect((await referralsOf(p.id)).length).toBe(1);
	});

	it('locks out an address after repeated wrong secrets', async () => {
		const url = new URL('http://localhost/api/sms/entrant');
		const call = (authorization: string) =>
			inbound({
				request: new Request(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: '{}' }),
				url,
				locals: { ip: '198.51.100.23' }
			} as never);
		const statuses: number[] = [];
		for (let i = 0; i < 31; i++) statuses.push((await call('Bearer wrong')).status);
		expect(statuses.slice(0, 29).every((s) => s === 401)).toBe(true);
		expect(statuses.at(-1)).toBe(429);
		expect((await call(`Bearer ${SECRET}`)).status).toBe(429);
	});
});

const pgOnly = onPostgres() ? describe : describe.skip;
pgOnly('row-level security (PostgreSQL, as the scoped role)', () => {
	const asRole = <T>(departments: string, q: ReturnType<typeof sql>) =>
		db.db.transaction(async (tx) => {
			await tx.execute(sql`set local role maillage_scoped`);
			await tx.execute(sql`select set_config('maillage.departments', ${departments}, true)`);
			return ((await tx.execute(q)) as unknown as { rows: T[] }).rows;
		});

	it('a consent waiting for its SMS answer opens nothing to another département; the OUI opens it', async () => {
		const p = await newPerson();
		const count = async (dep: string) => (await asRole<{ n: number }>(dep, sql`select count(*)::int as n from beneficiaries where id = ${p.id}`))[0].n;
		const bordeaux = await w.runs(org33, 'Tiers-lieu numérique de Bordeaux');
		await ask(p.id, bordeaux, 'Suivre ses démarches depuis Bordeaux.');
		expect(await count('47')).toBe(1);
		expect(await count('33')).toBe(0);
		// the request itself stays with the département that asked
		expect((await asRole<{ n: number }>('33', sql`select count(*)::int as n from consent_requests where beneficiary_id = ${p.id}`))[0].n).toBe(0);
		expect((await asRole<{ n: number }>('47', sql`select count(*)::int as n from consent_requests where beneficiary_id = ${p.id}`))[0].n).toBe(1);
		expect(await reply(p.phone, 'OUI')).toBe('confirmed');
		expect(await count('33')).toBe(1);
		expect(await count('64')).toBe(0);
	});
});
