/**
 * Issue 12, item 1: the places a prescriber may refer a person to. Any place, found by its
 * name or its commune; those that receive referrals first (their team, then their e-mail),
 * then the nearest; a place without an account nor an e-mail can still be chosen, the
 * prescriber telling it themselves (recorded, journaled). On PostgreSQL, the same through
 * the request role (RLS): the prescriber sees which places have a team.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { careNetwork, messagesTo, links, type Care } from '../../../../test/security/care-fixture.ts';
import { onPostgres } from '../../../../test/db.ts';
import { stopBoss } from '../jobs/boss.ts';
import type { Database } from '../db/client.ts';
import { places } from '../places/db.ts';
import { auditLog } from '../audit/db.ts';
import { recordAssessment, beneficiaryDetail, contactLabel, CareError, NO_CONTACT, PERSON_FORM_VOCAB } from '../beneficiaries/index.ts';
import { formatDistance } from '../../components/format.ts';
import { candidateWords } from '../places/index.ts';
import { referralCandidates, distanceLabel, scoreCandidates, referOrAskConsent, referralDetail, actOnReferral, personReferrals } from './index.ts';
import { recordAccompaniment, emptyForm } from '../accompaniments/index.ts';
import { referrals } from './db.ts';
import { beneficiaries } from '../beneficiaries/db.ts';
import { openRequestDatabase } from '../db/request-pool.ts';
import { runInScope } from '../db/request-scope.ts';
import { scopeOf } from '../accounts/index.ts';

const AGEN = { latitude: 44.2033, longitude: 0.6163 };
let c: Care;
let bus: string;
const ids = async () => Object.fromEntries((await c.db.db.select({ id: places.id, nom: places.nom }).from(places)).map((p) => [p.nom, p.id]));

beforeAll(async () => {
	c = await careNetwork();
	bus = (await ids())['Bus numérique 47'];
}, 120_000);
let request: Database | null = null;
afterAll(async () => {
	if (!request) return c?.close();
	// the request pool closes the owner's too (and drops the test database)
	await stopBoss(c.db);
	await request.close();
});

const names = async (db: Database, q: Parameters<typeof referralCandidates>[1]) => (await referralCandidates(db, q)).items.map((p) => p.nom);

describe('the places a prescriber can refer to', () => {
	it('lists the places that receive referrals first (team, then e-mail), then the others nearest first', async () => {
		const r = await referralCandidates(c.db, { point: AGEN, limit: 10 });
		expect(r.items.map((p) => [p.nom, p.receives])).toEqual([
			['Médiathèque Lacépède', 'team'],
			['France services de Boé', 'email'],
			['Bus numérique 47', null],
			['EPN de Villeneuve-sur-Lot', null]
		]);
		// Bordeaux is more than 30 km away: not listed without words typed
		expect(r.total).toBe(4);
		expect(r.items[1].distanceMeters).toBeGreaterThan(1000);
	});

	it('finds any place by its name or its commune, accents and case aside, however far', async () => {
		expect(await names(c.db, { point: AGEN, text: 'lacepede', limit: 10 })).toEqual(['Médiathèque Lacépède']);
		expect(await names(c.db, { point: AGEN, text: 'FRANCE SERVICES', limit: 10 })).toEqual(['France services de Boé']);
		expect(await names(c.db, { point: AGEN, text: 'villeneuve', limit: 10 })).toEqual(['EPN de Villeneuve-sur-Lot']);
		expect(await names(c.db, { point: AGEN, text: 'Bordeaux', limit: 10 })).toEqual(['Tiers-lieu numérique de Bordeaux']);
		expect(await names(c.db, { point: null, text: 'bus numerique', limit: 10 })).toEqual(['Bus numérique 47']);
		expect(await names(c.db, { point: AGEN, text: 'nulle part', limit: 10 })).toEqual([]);
		expect(candidateWords('  L’EPN   de  Villeneuve ')).toEqual(['epn', 'de', 'villeneuve']);
	});

	it('scores every candidate, a place with neither phone nor e-mail included (the referral page crashed on one)', async () => {
		const r = await referralCandidates(c.db, { point: AGEN, limit: 10 });
		expect(r.items.some((p) => !p.telephone && !p.courriels.length)).toBe(true);
		const scored = scoreCandidates(r.items, null);
		expect(scored.map((x) => x.c.nom)).toEqual(r.items.map((p) => p.nom));
		const bare = scored.find((x) => !x.c.telephone && !x.c.courriels.length)!;
		expect(bare.s.missing).toContain('Ni téléphone ni e-mail connus');
	});

	it('shows more than a page on asking: a limit and whether there are more', async () => {
		const first = await referralCandidates(c.db, { point: AGEN, limit: 2 });
		expect(first.items).toHaveLength(2);
		expect(first.more).toBe(true);
		const all = await referralCandidates(c.db, { point: AGEN, limit: 4 });
		expect(all.more).toBe(false);
	});

	it('says "dans la commune" for a place of the person’s commune placed at its centre, else a distance', () => {
		expect(distanceLabel({ codeInsee: '47001', locationPrecision: 'municipality', distanceMeters: 3 }, '47001', formatDistance)).toBe('dans la commune');
		expect(distanceLabel({ codeInsee: '47001', locationPrecision: 'address', distanceMeters: 190 }, '47001', formatDistance)).toBe('à 190 m');
		expect(distanceLabel({ codeInsee: '47031', locationPrecision: 'municipality', distanceMeters: 4200 }, '47001', formatDistance)).toBe('à 4,2 km');
	});
});

describe('referring to a place that receives nothing online', () => {
	const input = (beneficiaryId: string, over: Record<string, unknown> = {}) => ({
		beneficiaryId,
		organisationId: c.ccas,
		placeId: bus,
		reason: 'Apprendre à envoyer une photo.',
		consent: { method: 'oral', scope: ['identity', 'referral_reason'] },
		...over
	});

	it('asks the prescriber to say they will tell the place, then records it so, journaled, with no e-mail to the place', async () => {
		const id = await c.newPerson({ preferredContact: 'none', email: '', phone: '' });
		const refused = await referOrAskConsent(c.db, c.prescriber, input(id), links).catch((e) => e);
		expect(refused).toBeInstanceOf(CareError);
		expect(refused.fields.selfNotify).toMatch(/Je préviens le lieu moi-même/);
		const before = (await c.db.db.select({ n: sql<number>`count(*)::int` }).from(referrals))[0].n;
		const r = await referOrAskConsent(c.db, c.prescriber, input(id, { selfNotify: true }), links);
		expect(r.status).toBe('sent');
		if (r.status !== 'sent') return;
		expect((await c.db.db.select({ n: sql<number>`count(*)::int` }).from(referrals))[0].n).toBe(before + 1);
		const d = await referralDetail(c.db, c.prescriber, r.id);
		expect(d.delivery).toBe('prescriber');
		const [entry] = await c.db.db
			.select({ details: auditLog.details })
			.from(auditLog)
			.where(and(eq(auditLog.action, 'referral.sent'), eq(auditLog.targetId, r.id)));
		expect(entry.details).toMatchObject({ delivery: 'prescriber', placeId: bus });
		// the person reads who tells the place, not that the place will call
		expect((await personReferrals(c.db, [id]))[0].statusLabel).toBe('Envoyée\u00a0: la structure qui vous oriente prévient le lieu');
	});

	it('never to a place closed for good: not offered, and refused', async () => {
		const id = await c.newPerson({ preferredContact: 'none', email: '', phone: '' });
		await c.db.db.update(places).set({ closure: 'permanent' }).where(eq(places.id, c.byLink));
		try {
			expect((await referralCandidates(c.db, { point: AGEN, limit: 10 })).items.map((p) => p.id)).not.toContain(c.byLink);
			const refused = await referOrAskConsent(c.db, c.prescriber, input(id, { placeId: c.byLink }), links).catch((e) => e);
			expect(refused.fields?.placeId).toMatch(/fermé définitivement/);
		} finally {
			await c.db.db.update(places).set({ closure: null }).where(eq(places.id, c.byLink));
		}
	});

	it('offers a place closed for a while, saying so (the prescriber reads until when)', async () => {
		const until = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
		await c.db.db.update(places).set({ closure: 'temporary', closedUntil: until }).where(eq(places.id, c.byLink));
		try {
			const items = (await referralCandidates(c.db, { point: AGEN, limit: 10 })).items;
			expect(items.find((p) => p.id === c.byLink)!.closure).toEqual({ kind: 'temporary', until });
			expect(items.filter((p) => p.id !== c.byLink).every((p) => p.closure === null)).toBe(true);
		} finally {
			await c.db.db.update(places).set({ closure: null, closedUntil: null }).where(eq(places.id, c.byLink));
		}
	});

	it('sends the link to the place’s e-mail when it has no team', async () => {
		const id = await c.newPerson({ preferredContact: 'none', email: '', phone: '' });
		const r = await referOrAskConsent(c.db, c.prescriber, input(id, { placeId: c.byLink }), links);
		if (r.status !== 'sent') throw new Error('not sent');
		expect((await referralDetail(c.db, c.prescriber, r.id)).delivery).toBe('email');
		expect((await messagesTo(c.db, 'boe@france-services.test')).some((m) => m.text.includes('/orientation/'))).toBe(true);
	});
});

describe('the referral form’s errors', () => {
	it('are all given at once: place, reason, consent, method', async () => {
		const id = await c.newPerson();
		const e = await referOrAskConsent(
			c.db,
			c.prescriber,
			{ beneficiaryId: id, organisationId: c.ccas, placeId: '', reason: '', consent: { method: '', scope: [] } },
			links
		).catch((x) => x);
		expect(e).toBeInstanceOf(CareError);
		expect(Object.keys(e.fields).sort()).toEqual(['method', 'placeId', 'reason', 'scope']);
		expect(e.fields.scope).toMatch(/Cochez/);
	});

	it('refuses a consent without « Identité », and an assessment joined without its consent', async () => {
		const id = await c.newPerson();
		const noIdentity = await referOrAskConsent(
			c.db,
			c.prescriber,
			{
				beneficiaryId: id,
				organisationId: c.ccas,
				placeId: c.withTeam,
				reason: 'Créer son compte Ameli.',
				consent: { method: 'oral', scope: ['referral_reason'] }
			},
			links
		).catch((x) => x);
		expect(noIdentity.fields.scope).toMatch(/Identité/);
		const a = await recordAssessment(c.db, c.prescriber, id, { appareils: ['smartphone'], internet: 'telephone', besoin: ['demarche'] });
		const noAssessment = await referOrAskConsent(
			c.db,
			c.prescriber,
			{
				beneficiaryId: id,
				organisationId: c.ccas,
				placeId: c.withTeam,
				reason: 'Créer son compte Ameli.',
				assessmentId: a.id,
				assessmentNeedsScope: true,
				consent: { method: 'oral', scope: ['identity'] }
			},
			links
		).catch((x) => x);
		expect(noAssessment.fields.scope).toMatch(/Diagnostic numérique/);
	});

	it('refuses consent by SMS when the site cannot send SMS and receive the replies', async () => {
		const id = await c.newPerson();
		const e = await referOrAskConsent(
			c.db,
			c.prescriber,
			{ beneficiaryId: id, organisationId: c.ccas, placeId: c.withTeam, reason: 'Créer son compte Ameli.', consent: { method: 'sms', scope: ['identity'] } },
			{ ...links, smsReady: false }
		).catch((x) => x);
		expect(e.fields.method).toMatch(/pas configuré/);
	});
});

describe('an honoured referral', () => {
	it('cites the day of the accompaniment that honoured it, not an earlier appointment', async () => {
		const id = await c.newPerson();
		const sent = await referOrAskConsent(
			c.db,
			c.prescriber,
			{
				beneficiaryId: id,
				organisationId: c.ccas,
				placeId: c.withTeam,
				reason: 'Créer son compte Ameli.',
				consent: { method: 'oral', scope: ['identity', 'referral_reason'] }
			},
			links
		);
		if (sent.status !== 'sent') throw new Error('not sent');
		await actOnReferral(c.db, c.mediator, sent.id, { type: 'accept', appointmentAt: '2026-12-08T10:00' }, links);
		const { referralId } = await recordAccompaniment(
			c.db,
			c.mediator,
			{
				...emptyForm(),
				organisationId: c.mediatheque,
				placeId: c.withTeam,
				date: '2026-12-02',
				kind: 'individual',
				duration: '30',
				location: 'place',
				themes: ['E-mail'],
				person: 'beneficiary',
				beneficiaryId: id,
				referralId: sent.id
			},
			links,
			null,
			'2026-12-06'
		);
		expect(referralId).toBe(sent.id);
		for (const actor of [c.prescriber, c.mediator]) {
			const d = await referralDetail(c.db, actor, sent.id);
			expect(d.status).toBe('honoured');
			expect(d.honouredOn).toEqual(actor === c.mediator ? '2026-12-02' : expect.stringMatching(/^\d{4}-\d\d-\d\d$/));
		}
	});
});

describe('a new person without a chosen way to be contacted', () => {
	it('gets a way that works with what was given: never SMS without a portable', async () => {
		const way = async (over: Record<string, unknown>) => {
			const id = await c.newPerson({ preferredContact: '', ...over });
			return (await c.db.db.select({ w: beneficiaries.preferredContact }).from(beneficiaries).where(eq(beneficiaries.id, id)))[0].w;
		};
		// no phone nor e-mail: no way recorded, which is not a refusal ('none' is chosen, never guessed)
		expect(await way({ phone: '', email: '' })).toBe(NO_CONTACT);
		expect(await way({ phone: '', email: 'elle@exemple.test' })).toBe('email');
		expect(await way({ phone: '05 53 00 00 00', email: '' })).toBe('phone');
		expect(await way({ phone: '06 12 34 56 78', email: '' })).toBe('sms');
		expect(await way({ phone: '', email: '', preferredContact: 'none' })).toBe('none');
	});

	it('a person with no phone nor e-mail reads « Pas de moyen de contact enregistré », not a refusal', async () => {
		const id = await c.newPerson({ preferredContact: '', phone: '', email: '' });
		const d = await beneficiaryDetail(c.db, c.prescriber, id);
		expect(d.record.preferredContactLabel).toBe('Pas de moyen de contact enregistré');
		expect(contactLabel('none')).toBe('Ne souhaite pas être contactée');
		// the state is not a choice offered on the form, nor accepted from it
		expect(PERSON_FORM_VOCAB.contacts.map((o) => o.value)).not.toContain(NO_CONTACT);
		await expect(c.newPerson({ preferredContact: NO_CONTACT, phone: '', email: '' })).rejects.toThrow(CareError);
	});
});

describe.skipIf(!onPostgres())('through the request role (RLS)', () => {
	it('the prescriber sees which places receive referrals, and refers to a place without an account', async () => {
		const rq = (request = await openRequestDatabase(c.db, 2));
		const as = <T>(fn: () => Promise<T>) => runInScope(fn, { departments: scopeOf(c.prescriber), userId: c.prescriber.userId, owner: '', voucherCode: '' });
		const r = await as(() => referralCandidates(rq, { point: AGEN, limit: 3 }));
		expect(r.items.map((p) => p.receives)).toEqual(['team', 'email', null]);
		const id = await c.newPerson({ preferredContact: 'none', email: '', phone: '' });
		const sent = await as(() =>
			referOrAskConsent(
				rq,
				c.prescriber,
				{
					beneficiaryId: id,
					organisationId: c.ccas,
					placeId: bus,
					reason: 'Apprendre à envoyer une photo.',
					consent: { method: 'oral', scope: ['identity'] },
					selfNotify: true
				},
				links
			)
		);
		expect(sent.status).toBe('sent');
	});
});
