/**
 * Mandates (issue 15, item 8), on a real database: a helper prepares a mandate, the person
 * confirms it on the screen or with a code sent to their phone; it is in force per theme
 * until its end; one theme can be withdrawn while the others stay; uses are recorded only
 * under a theme in force and by the structure that holds it; the attestation's public check
 * answers valid or not, and nothing else; the reminders go once at D-30 and D-7; a legal
 * representative is recorded as such.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { openWorld, type World } from '../../../../test/world.ts';
import type { Actor } from '../accounts/index.ts';
import { can } from '../accounts/index.ts';
import { outbox } from '../mail/db.ts';
import { auditLog } from '../audit/db.ts';
import { loadBeneficiary, type PersonSession } from '../beneficiaries/index.ts';
import { eraseBeneficiary } from '../privacy/index.ts';
import { mandates, mandateUses } from './db.ts';
import {
	checkAttestation,
	confirmByCode,
	confirmOnScreen,
	mandateDetail,
	mandateReaching,
	mandatesOfRecord,
	personMandates,
	prepareMandate,
	recordProcedure,
	revokeMandate,
	revokeTheme,
	runMandateClock,
	sendMandateCode,
	verificationToken,
	MANDATE_THEMES,
	canonicalJson,
	mandateDigest,
	mandateEnd,
	vaultCategoriesOf,
	type MandateContent
} from './index.ts';
import { CATEGORY_KEYS } from '../vault/index.ts';
import { PROCEDURE_THEMES } from '../accompaniments/vocabulary.ts';

let w: World;
let ccas: string;
let epn: string;
let prescriber: Actor;
let mediator: Actor;
let otherMediator: Actor;
let coordinator: Actor;
const DAY = 86_400_000;
const links = { origin: 'https://maillage.test', instanceName: 'maillage 47' };
const t0 = new Date('2027-03-05T10:00:00Z');

beforeAll(async () => {
	w = await openWorld();
	ccas = await w.organisation('CCAS de Nérac', 'ccas');
	epn = await w.organisation('Espace numérique de Lavardac');
	const cd47 = await w.organisation('Département de Lot-et-Garonne', 'departement');
	prescriber = await w.member('pat@ccas.test', ccas, 'prescriber', { displayName: 'Pat Ccas' });
	mediator = await w.member('lou@ccas.test', ccas, 'mediator');
	otherMediator = await w.member('max@epn.test', epn, 'mediator');
	coordinator = await w.member('cam@cd47.test', cd47, 'coordinator');
}, 120_000);
afterAll(async () => {
	await w?.close();
});

let phones = 10;
const person = (over: Record<string, unknown> = {}) =>
	w.person(prescriber, ccas, { firstName: 'Rosa', lastName: 'Lafitte', phone: `06 12 34 56 ${phones++}`, email: `rosa${phones}@example.test`, ...over });
const prepare = (id: string, over: Record<string, unknown> = {}, by = prescriber) =>
	prepareMandate(w.db, by, id, { organisationId: ccas, themes: ['logement', 'argent'], duration: '6m', ...over });
const sms = async (phone: string) =>
	w.db.db
		.select()
		.from(outbox)
		.where(and(eq(outbox.to, phone), eq(outbox.channel, 'sms')))
		.orderBy(outbox.createdAt);
const row = async (id: string) => (await w.db.db.select().from(mandates).where(eq(mandates.id, id)))[0];
const session = (beneficiaryId: string): PersonSession => ({ id: 's', beneficiaryIds: [beneficiaryId], via: 'code', linkId: null });
const actions = async (beneficiaryId: string) =>
	(await w.db.db.select().from(auditLog).where(eq(auditLog.targetId, beneficiaryId))).map((e) => e.action).filter((a) => a.startsWith('mandate.'));

describe('the words and rules', () => {
	it('covers the 10 procedure themes of the national vocabulary, in its words', () => {
		expect(Object.values(MANDATE_THEMES)).toEqual([...PROCEDURE_THEMES]);
	});
	it('maps each theme to the vault’s categories it reaches, in the vault’s own words; leisure, transport and justice reach none', () => {
		expect(vaultCategoriesOf(['argent'])).toEqual(['impots', 'ressources']);
		expect(vaultCategoriesOf(['logement', 'social', 'argent'])).toEqual(['sante', 'ressources', 'logement', 'impots']);
		expect(vaultCategoriesOf(['papiers', 'etrangers'])).toEqual(['identite']);
		expect(vaultCategoriesOf(['loisirs', 'transports', 'justice'])).toEqual([]);
		for (const c of vaultCategoriesOf(Object.keys(MANDATE_THEMES))) expect(CATEGORY_KEYS).toContain(c);
	});
	it('ends a day 24 hours later, months at the end of the same date', () => {
		expect(mandateEnd('1d', t0).toISOString()).toBe('2027-03-06T10:00:00.000Z');
		// 5 April 2027 included, Paris time (summer time: UTC+2)
		expect(mandateEnd('1m', t0).toISOString()).toBe('2027-04-05T22:00:00.000Z');
		expect(mandateEnd('12m', new Date('2027-01-31T10:00:00Z')).toISOString()).toBe('2028-01-31T23:00:00.000Z');
		expect(mandateEnd('1m', new Date('2027-01-31T10:00:00Z')).toISOString()).toBe('2027-02-28T23:00:00.000Z');
	});
	it('gives the same digest for the same content, whatever the order of its keys', () => {
		const c = { v: 1, mandate: 'm', person: 'Rosa', themes: ['Logement'] } as unknown as MandateContent;
		const d = { themes: ['Logement'], person: 'Rosa', mandate: 'm', v: 1 } as unknown as MandateContent;
		expect(canonicalJson(c)).toBe(canonicalJson(d));
		expect(mandateDigest(c)).toBe(mandateDigest(d));
		expect(mandateDigest({ ...c, person: 'Rosa L.' })).not.toBe(mandateDigest(c));
	});
	it('lets the helpers of the structure create and act, never a coordinator nor the administrator by rank', () => {
		expect(can(prescriber, 'mandate.create', { organisationId: ccas })).toBe(true);
		expect(can(otherMediator, 'mandate.create', { organisationId: ccas })).toBe(false);
		expect(can(coordinator, 'mandate.create', { organisationId: ccas })).toBe(false);
		expect(can({ ...coordinator, isAdmin: true, memberships: [] }, 'mandate.act', { organisationId: ccas })).toBe(false);
	});
});

describe('the lifecycle', () => {
	it('prepared, it opens nothing; confirmed on the screen, each theme is in force until the end; one theme withdrawn, the others stay; then it ends', async () => {
		const id = await person();
		const m = await prepare(id);
		expect(await mandateReaching(w.db.db, mediator, id, 'logement', t0)).toBeNull();
		const d = await mandateDetail(w.db, prescriber, m, t0);
		expect(d.summary.lead).toBe('Vous autorisez CCAS de Nérac à faire pour vous les démarches de ces domaines\u00a0:');
		expect(d.summary.themes).toEqual(['Logement', 'Argent – Impôts']);
		expect(d.summary.end).toContain('jusqu’au 5 septembre 2027 inclus');

		await expect(confirmOnScreen(w.db, prescriber, m, { personAgrees: true, professionalAttests: false }, null, t0)).rejects.toMatchObject({
			code: 'invalid',
			fields: { professionalAttests: expect.any(String) }
		});
		await confirmOnScreen(w.db, prescriber, m, { personAgrees: true, professionalAttests: true }, null, t0);
		const signed = await row(m);
		expect(signed).toMatchObject({ status: 'signed', method: 'signature', confirmedBy: prescriber.userId });
		expect(signed.digest).toBe(mandateDigest(signed.content as MandateContent));
		expect((signed.content as MandateContent).law).toContain('article 2004');

		const later = new Date(t0.getTime() + 10 * DAY);
		// any helper of the structure acts; another structure's does not
		expect(await mandateReaching(w.db.db, mediator, id, 'logement', later)).toMatchObject({ mandateId: m, organisationId: ccas });
		expect(await mandateReaching(w.db.db, otherMediator, id, 'logement', later)).toBeNull();
		expect(await mandateReaching(w.db.db, mediator, id, 'justice', later)).toBeNull();

		// the person withdraws one theme: at once, the other stays
		await revokeTheme(w.db, { kind: 'person', session: session(id) }, m, 'logement', later);
		expect(await mandateReaching(w.db.db, mediator, id, 'logement', later)).toBeNull();
		expect(await mandateReaching(w.db.db, mediator, id, 'argent', later)).not.toBeNull();
		const [view] = await personMandates(w.db.db, [id], later);
		expect(view.state).toBe('in_force');
		expect(view.themes.map((t) => [t.label, t.inForce])).toEqual([
			['Logement', false],
			['Argent – Impôts', true]
		]);

		// past its end, nothing is in force, and the state says so
		const after = new Date(signed.validUntil!.getTime() + 1000);
		expect(await mandateReaching(w.db.db, mediator, id, 'argent', after)).toBeNull();
		expect((await personMandates(w.db.db, [id], after))[0].state).toBe('expired');
		expect(await actions(id)).toEqual(['mandate.prepared', 'mandate.signed', 'mandate.theme_revoked']);
	});

	it('ends whole at once when the person or the structure revokes it', async () => {
		const id = await person();
		const m = await prepare(id, { duration: '1d' });
		await confirmOnScreen(w.db, prescriber, m, { personAgrees: true, professionalAttests: true }, null, t0);
		const soon = new Date(t0.getTime() + 3_600_000);
		await revokeMandate(w.db, { kind: 'structure', actor: mediator }, m, soon);
		expect(await mandateReaching(w.db.db, mediator, id, 'argent', soon)).toBeNull();
		expect((await personMandates(w.db.db, [id], soon))[0].state).toBe('revoked');
		await expect(revokeMandate(w.db, { kind: 'person', session: session(id) }, m, soon)).rejects.toMatchObject({ code: 'conflict' });
		// another structure, or another person, cannot touch it
		await expect(revokeMandate(w.db, { kind: 'structure', actor: otherMediator }, m, soon)).rejects.toMatchObject({ code: 'not_found' });
		await expect(revokeTheme(w.db, { kind: 'person', session: session(await person()) }, m, 'argent', soon)).rejects.toMatchObject({ code: 'not_found' });
	});

	it('is confirmed with a code sent to the person’s phone, typed on the helper’s screen', async () => {
		const id = await person();
		const b = await loadBeneficiary(w.db.db, prescriber, id);
		const m = await prepare(id, { themes: ['social'] });
		await expect(confirmByCode(w.db, prescriber, m, '000000', null, t0)).rejects.toMatchObject({ code: 'conflict' });
		await sendMandateCode(w.db, prescriber, m, 'sms', null, t0);
		const [text] = (await sms(b.phone!)).map((s) => s.text);
		expect(text).toMatch(/^Votre code pour confirmer le mandat donné à CCAS de Nérac : \d{6}\./);
		const code = /: (\d{6})\./.exec(text)![1];
		const wrong = code === '111111' ? '222222' : '111111';
		await expect(confirmByCode(w.db, prescriber, m, wrong, null, t0)).rejects.toMatchObject({
			code: 'invalid',
			message: expect.stringContaining('Encore 4 essais')
		});
		await confirmByCode(w.db, prescriber, m, code, null, new Date(t0.getTime() + 60_000));
		expect(await row(m)).toMatchObject({ status: 'signed', method: 'code', codeHash: null });
		expect(await actions(id)).toEqual(['mandate.prepared', 'mandate.code_sent', 'mandate.signed']);
	});

	it('throttles the code: 5 tries, 15 minutes, 3 sendings', async () => {
		const id = await person();
		const b = await loadBeneficiary(w.db.db, prescriber, id);
		const m = await prepare(id);
		await sendMandateCode(w.db, prescriber, m, 'sms', null, t0);
		const code = /: (\d{6})\./.exec((await sms(b.phone!))[0].text)![1];
		const wrong = code === '111111' ? '222222' : '111111';
		for (let i = 0; i < 5; i++) await expect(confirmByCode(w.db, prescriber, m, wrong, null, t0)).rejects.toMatchObject({ code: 'invalid' });
		// the right code no longer works after 5 wrong tries
		await expect(confirmByCode(w.db, prescriber, m, code, null, t0)).rejects.toMatchObject({ message: expect.stringContaining('Envoyez un nouveau code') });
		await sendMandateCode(w.db, prescriber, m, 'sms', null, t0);
		const second = /: (\d{6})\./.exec((await sms(b.phone!))[1].text)![1];
		// nor after 15 minutes
		await expect(confirmByCode(w.db, prescriber, m, second, null, new Date(t0.getTime() + 15 * 60_000))).rejects.toMatchObject({ code: 'invalid' });
		await sendMandateCode(w.db, prescriber, m, 'email', null, t0);
		await expect(sendMandateCode(w.db, prescriber, m, 'sms', null, t0)).rejects.toMatchObject({ code: 'throttled' });
		expect(await row(m)).toMatchObject({ status: 'prepared' });
	});

	it('is refused to a structure the actor is not a helper of, and to a coordinator', async () => {
		const id = await person();
		await expect(prepare(id, { organisationId: epn })).rejects.toMatchObject({ code: 'forbidden' });
		await expect(prepare(id, {}, coordinator)).rejects.toMatchObject({ code: 'forbidden' });
		await expect(prepare(id, { themes: [] })).rejects.toMatchObject({ code: 'invalid', fields: { themes: 'Choisissez au moins un domaine.' } });
	});

	it('records a legal representative: the confirmation is theirs, on the screen, and the attestation says so', async () => {
		const id = await person({ firstName: 'Jean', lastName: 'Marty' });
		await expect(prepare(id, { representativeKind: 'tutelle' })).rejects.toMatchObject({ fields: { representativeName: expect.any(String) } });
		const m = await prepare(id, { representativeKind: 'tutelle', representativeName: 'Association tutélaire UDAF 47' });
		const d = await mandateDetail(w.db, prescriber, m, t0);
		expect(d.codeChannels).toEqual([]);
		expect(d.summary.lead).toContain('à faire pour Jean Marty');
		await expect(sendMandateCode(w.db, prescriber, m, 'sms', null, t0)).rejects.toMatchObject({ code: 'invalid' });
		await expect(confirmOnScreen(w.db, prescriber, m, { personAgrees: true, professionalAttests: true }, null, t0)).rejects.toMatchObject({
			fields: { decisionSeen: expect.any(String) }
		});
		await confirmOnScreen(w.db, prescriber, m, { personAgrees: true, professionalAttests: true, decisionSeen: true }, null, t0);
		const r = await row(m);
		expect((r.content as MandateContent).representative).toEqual({ kind: 'tutelle', name: 'Association tutélaire UDAF 47' });
		expect((await personMandates(w.db.db, [id], t0))[0].representative).toMatchObject({ label: 'Tuteur ou tutrice (tutelle)' });
	});
});

describe('uses', () => {
	it('are recorded under a theme in force, by the structure holding it, and shown to the person', async () => {
		const id = await person();
		const m = await prepare(id);
		await expect(recordProcedure(w.db, mediator, m, { theme: 'logement', label: 'Demande d’APL' }, null, t0)).rejects.toMatchObject({ code: 'forbidden' });
		await confirmOnScreen(w.db, prescriber, m, { personAgrees: true, professionalAttests: true }, null, t0);
		await recordProcedure(w.db, mediator, m, { theme: 'logement', label: 'Demande d’APL' }, null, t0);
		await expect(recordProcedure(w.db, mediator, m, { theme: 'justice', label: 'Aide juridictionnelle' }, null, t0)).rejects.toMatchObject({
			code: 'forbidden'
		});
		await expect(recordProcedure(w.db, otherMediator, m, { theme: 'logement', label: 'Demande d’APL' }, null, t0)).rejects.toMatchObject({ code: 'not_found' });
		await revokeTheme(w.db, { kind: 'structure', actor: prescriber }, m, 'logement', t0);
		await expect(recordProcedure(w.db, mediator, m, { theme: 'logement', label: 'Demande d’APL' }, null, t0)).rejects.toMatchObject({ code: 'forbidden' });
		const [view] = await personMandates(w.db.db, [id], t0);
		expect(view.uses.map((u) => [u.theme, u.kind, u.label, u.structure])).toEqual([
			['Logement', 'Démarche faite pour la personne', 'Demande d’APL', 'CCAS de Nérac']
		]);
		expect((await actions(id)).filter((a) => a === 'mandate.used')).toHaveLength(1);
		const mine = await mandatesOfRecord(w.db, mediator, id, t0);
		expect(mine.mandates[0].uses).toHaveLength(1);
	});
});

describe('the attestation’s public check', () => {
	it('answers valid until when, or not valid, the same for revoked, ended and unknown', async () => {
		const id = await person();
		const m = await prepare(id, { duration: '1m' });
		await confirmOnScreen(w.db, prescriber, m, { personAgrees: true, professionalAttests: true }, null, t0);
		const token = verificationToken(await row(m))!;
		expect(token.length).toBeGreaterThanOrEqual(32);
		expect((await row(m)).tokenHash).not.toContain(token);
		expect(await checkAttestation(w.db.db, token, t0)).toEqual({ valid: true, until: (await row(m)).validUntil, duration: '1m' });
		expect(await checkAttestation(w.db.db, token, new Date(t0.getTime() + 40 * DAY))).toEqual({ valid: false });
		expect(await checkAttestation(w.db.db, 'x'.repeat(32), t0)).toEqual({ valid: false });
		// whoever holds the attestation ends it
		await revokeMandate(w.db, { kind: 'attestation' }, token, t0);
		expect(await checkAttestation(w.db.db, token, t0)).toEqual({ valid: false });
		await expect(revokeMandate(w.db, { kind: 'attestation' }, token, t0)).rejects.toMatchObject({ code: 'conflict' });
		await expect(revokeMandate(w.db, { kind: 'attestation' }, 'y'.repeat(32), t0)).rejects.toMatchObject({ code: 'conflict' });
		expect(await actions(id)).toContain('mandate.revoked');
	});
});

describe('the reminders', () => {
	it('go once at D-30 and once at D-7, to the person and to the structure', async () => {
		const id = await person();
		const b = await loadBeneficiary(w.db.db, prescriber, id);
		const m = await prepare(id, { duration: '6m' });
		await confirmOnScreen(w.db, prescriber, m, { personAgrees: true, professionalAttests: true }, null, t0);
		const end = (await row(m)).validUntil!;
		const at = (days: number) => new Date(end.getTime() - days * DAY);
		const count = async () => (await sms(b.phone!)).filter((s) => s.template === 'mandate-reminder').length;
		await runMandateClock(w.db, links, at(31));
		expect(await count()).toBe(0);
		await runMandateClock(w.db, links, at(30));
		await runMandateClock(w.db, links, at(29));
		expect(await count()).toBe(1);
		const [first] = (await sms(b.phone!)).filter((s) => s.template === 'mandate-reminder');
		expect(first.text).toContain('se termine dans 30 jours (5 septembre 2027)');
		await runMandateClock(w.db, links, at(7));
		await runMandateClock(w.db, links, at(6));
		await runMandateClock(w.db, links, at(1));
		expect(await count()).toBe(2);
		const toStructure = await w.db.db.select().from(outbox).where(eq(outbox.template, 'mandate-reminder-structure'));
		expect(toStructure.filter((o) => o.text.includes('Rosa Lafitte') && o.beneficiaryId === id).length).toBe(4); // 2 helpers × 2 reminders
		expect((await actions(id)).filter((a) => a === 'mandate.reminded')).toHaveLength(2);
	});

	it('are not sent for a mandate revoked before', async () => {
		const id = await person();
		const b = await loadBeneficiary(w.db.db, prescriber, id);
		const m = await prepare(id, { duration: '1m' });
		await confirmOnScreen(w.db, prescriber, m, { personAgrees: true, professionalAttests: true }, null, t0);
		const end = (await row(m)).validUntil!;
		await revokeTheme(w.db, { kind: 'person', session: session(id) }, m, 'logement', t0);
		await revokeTheme(w.db, { kind: 'person', session: session(id) }, m, 'argent', t0);
		expect((await row(m)).revokedAt).not.toBeNull();
		await runMandateClock(w.db, links, new Date(end.getTime() - 7 * DAY));
		expect((await sms(b.phone!)).filter((s) => s.template === 'mandate-reminder')).toHaveLength(0);
	});
});

describe('erasure', () => {
	it('ends every mandate and clears what was signed, the digest staying', async () => {
		const id = await person();
		const m = await prepare(id, { representativeKind: 'curatelle', representativeName: 'Paul Lafitte' });
		await confirmOnScreen(w.db, prescriber, m, { personAgrees: true, professionalAttests: true, decisionSeen: true }, null, t0);
		await eraseBeneficiary(w.db, prescriber, id);
		const r = await row(m);
		expect(r).toMatchObject({ content: null, representativeName: null, revokedBy: 'system' });
		expect(r.digest).toMatch(/^[0-9a-f]{64}$/);
		expect(await mandateReaching(w.db.db, mediator, id, 'logement')).toBeNull();
		expect(await w.db.db.select().from(mandateUses).where(eq(mandateUses.beneficiaryId, id))).toEqual([]);
	});
});
