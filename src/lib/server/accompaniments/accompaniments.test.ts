import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { openWorld, type World } from '../../../../test/world.ts';
import type { Database } from '../db/client.ts';
import { getBoss } from '../jobs/boss.ts';
import type { Actor } from '../accounts/index.ts';
import { searchJournal, verifyChain } from '../audit/index.ts';
import { outbox } from '../mail/db.ts';
import { MAIL_QUEUE } from '../mail/index.ts';
import { beneficiaries } from '../beneficiaries/db.ts';
import { CareError } from '../beneficiaries/index.ts';
import { referrals, referralEvents } from '../referral/db.ts';
import { sendReferral } from '../referral/index.ts';
import { accompaniments } from './db.ts';
import {
	emptyForm,
	lastAccompaniment,
	placeAccompaniments,
	recordAccompaniment,
	recordingForm,
	recordingOrganisations,
	type AccompanimentForm
} from './index.ts';

const TODAY = '2026-11-21';
const LINKS = { origin: 'https://maillage.test', instanceName: 'maillage 47' };

let w: World;
let db: Database;
let mediatheque: string;
let ccas: string;
let boe: string;
let mediator: Actor;
let manager: Actor;
let prescriber: Actor;
let otherMediator: Actor;
let loner: Actor;

beforeAll(async () => {
	// the job queue first (openWorld starts it), its queue known to it: messages are queued inside transactions, and on
	// PGlite (one connection) the queue cannot look anything up outside them; no worker: they stay in the outbox
	w = await openWorld({ places: 'agen' });
	db = w.db;
	const boss = await getBoss(db);
	await boss.createQueue(MAIL_QUEUE);
	expect(await boss.fetch(MAIL_QUEUE)).toEqual([]);
	mediatheque = await w.organisation('Médiathèque Lacépède', 'mediatheque');
	ccas = await w.organisation('CCAS d’Agen', 'ccas');
	boe = await w.organisation('Espace numérique de Boé');
	const alone = await w.organisation('Médiateurs itinérants');
	await w.runs(mediatheque, 'Médiathèque Lacépède'); // fixture-lacepede
	await w.runs(boe, 'France services de Boé'); // fixture-boe
	mediator = await w.member('lou@mediatheque.test', mediatheque, 'mediator');
	manager = await w.member('noa@mediatheque.test', mediatheque, 'place_manager');
	prescriber = await w.member('sacha@ccas.test', ccas, 'prescriber');
	otherMediator = await w.member('eli@boe.test', boe, 'mediator');
	loner = await w.member('max@itinerant.test', alone, 'mediator');
});
afterAll(async () => {
	await w?.close();
});

const individual = (over: Partial<AccompanimentForm> = {}): AccompanimentForm => ({
	...emptyForm(),
	organisationId: mediatheque,
	placeId: 'fixture-lacepede',
	date: '2026-11-20',
	kind: 'individual',
	duration: '30',
	location: 'place',
	themes: ['E-mail'],
	person: 'anonymous',
	...over
});
const record = (actor: Actor, form: AccompanimentForm) => recordAccompaniment(db, actor, form, LINKS, '192.0.2.7', TODAY);
const rowOf = async (id: string) => (await db.db.select().from(accompaniments).where(eq(accompaniments.id, id)))[0];
const failure = async (p: Promise<unknown>): Promise<CareError> => {
	const e = await p.then(
		() => null,
		(x: unknown) => x
	);
	expect(e).toBeInstanceOf(CareError);
	return e as CareError;
};
/** a person with a first name, a mobile, and (as always in this file) no birth year nor commune */
const newPerson = (actor: Actor, organisationId: string, firstName: string) =>
	w.person(actor, organisationId, { firstName, lastName: 'Martin', birthYear: '', commune: '', preferredContact: 'phone', phone: '06 12 34 56 78' });

describe('who records for what', () => {
	it('lists the organisations of the place’s team, with the places each runs', async () => {
		expect(await recordingOrganisations(db, mediator)).toEqual([
			{
				id: mediatheque,
				name: 'Médiathèque Lacépède',
				departmentCode: '47',
				places: [{ id: 'fixture-lacepede', nom: 'Médiathèque Lacépède', commune: 'Agen' }]
			}
		]);
		expect(await recordingOrganisations(db, prescriber)).toEqual([]);
		expect((await recordingOrganisations(db, loner))[0].places).toEqual([]);
	});
});

describe('recording', () => {
	it('records an anonymous individual accompaniment with its profile, and journals it without personal data', async () => {
		const { id, referralId } = await record(
			mediator,
			individual({
				themes: ['E-mail', 'Santé'],
				equipment: ['Téléphone'],
				autonomy: 'partly',
				redirectedTo: ['Administration'],
				gender: 'F',
				ageBand: '60-69',
				socialStatus: 'retired',
				commune: 'Boé'
			})
		);
		expect(referralId).toBeNull();
		const a = await rowOf(id);
		expect(a).toMatchObject({
			organisationId: mediatheque,
			placeId: 'fixture-lacepede',
			mediatorId: mediator.userId,
			departmentCode: '47',
			date: '2026-11-20',
			kind: 'individual',
			durationMinutes: 30,
			location: 'place',
			themes: ['E-mail', 'Santé'],
			equipment: ['Téléphone'],
			autonomy: 'partly',
			redirectedTo: ['Administration'],
			beneficiaryId: null,
			gender: 'F',
			ageBand: '60-69',
			socialStatus: 'retired',
			communeCode: '47031',
			participants: 1,
			breakdown: null
		});
		const log = await searchJournal(db, { departmentCodes: ['47'], action: 'accompaniment.recorded' });
		const entry = log.rows.find((r) => r.targetId === id)!;
		expect(entry).toMatchObject({ actorId: mediator.userId, targetType: 'accompaniment', ip: '192.0.2.7' });
		expect(entry.details).toEqual({
			organisationId: mediatheque,
			placeId: 'fixture-lacepede',
			kind: 'individual',
			date: '2026-11-20',
			durationMinutes: 30,
			participants: 1,
			linked: false,
			referralId: null
		});
		expect(JSON.stringify(entry.details)).not.toMatch(/47031|Boé|60-69/);
	});

	it('records a workshop with its participants counted by gender, age band and status', async () => {
		const { id } = await record(
			mediator,
			individual({
				kind: 'collective',
				title: 'Découvrir sa messagerie',
				level: 'beginner',
				participants: '8',
				duration: '120',
				themes: ['E-mail', 'Navigation sur internet'],
				gender: 'F',
				byGender: { F: '5', M: '3', unknown: '' },
				byAgeBand: { ...emptyForm().byAgeBand, '60-69': '6', '70plus': '2' }
			})
		);
		expect(await rowOf(id)).toMatchObject({
			kind: 'collective',
			title: 'Découvrir sa messagerie',
			level: 'beginner',
			participants: 8,
			durationMinutes: 120,
			gender: null,
			breakdown: { gender: { F: 5, M: 3 }, ageBand: { '60-69': 6, '70plus': 2 } }
		});
	});

	it('links an accompaniment to a person the mediator follows', async () => {
		const person = await newPerson(mediator, mediatheque, 'Jeanne');
		await db.db
			.update(beneficiaries)
			.set({ lastActivityAt: new Date('2026-01-01T00:00:00Z') })
			.where(eq(beneficiaries.id, person));
		const { id, referralId } = await record(
			mediator,
			individual({ person: 'beneficiary', beneficiaryId: person, gender: 'F', duration: 'other', durationOther: '20' })
		);
		expect(referralId).toBeNull();
		expect(await rowOf(id)).toMatchObject({ beneficiaryId: person, gender: null, durationMinutes: 20, referralId: null });
		// recording is activity on the record: its 24-month clock starts again
		const [b] = await db.db.select({ at: beneficiaries.lastActivityAt }).from(beneficiaries).where(eq(beneficiaries.id, person));
		expect(b.at.getTime()).toBeGreaterThan(new Date('2026-01-01T00:00:00Z').getTime());
	});

	it('an organisation without a place records without one; with one place, that one when none is said', async () => {
		const { id } = await record(loner, individual({ organisationId: '', placeId: '' }));
		expect((await rowOf(id)).placeId).toBeNull();
		const only = await record(mediator, individual({ organisationId: '', placeId: '' }));
		expect(await rowOf(only.id)).toMatchObject({ organisationId: mediatheque, placeId: 'fixture-lacepede' });
	});

	it('explains each problem and writes nothing', async () => {
		const before = (await db.db.select({ id: accompaniments.id }).from(accompaniments)).length;
		const e = await failure(record(mediator, individual({ placeId: 'fixture-boe', themes: [], date: '2026-11-22' })));
		expect(e.code).toBe('invalid');
		expect(e.fields).toEqual({
			date: 'La date ne peut pas être dans le futur\u00a0: indiquez le jour où l’accompagnement a eu lieu.',
			themes: 'Cochez au moins un thème.',
			placeId: 'Choisissez un des lieux de votre structure.'
		});
		expect((await failure(record(mediator, individual({ commune: 'Zzxqwv' })))).fields).toEqual({
			commune: 'Nous ne trouvons pas la commune « Zzxqwv ». Vérifiez l’orthographe, ou indiquez le code postal.'
		});
		expect((await failure(record(loner, individual({ organisationId: '', placeId: 'fixture-lacepede' })))).fields).toEqual({
			placeId: 'Choisissez un des lieux de votre structure.'
		});
		expect((await db.db.select({ id: accompaniments.id }).from(accompaniments)).length).toBe(before);
	});
});

describe('permissions', () => {
	it('refuses a prescriber, and a mediator of another organisation', async () => {
		expect((await failure(record(prescriber, individual({ organisationId: ccas, placeId: '' })))).code).toBe('forbidden');
		expect((await failure(record(prescriber, individual()))).code).toBe('forbidden');
		expect((await failure(record(otherMediator, individual()))).code).toBe('forbidden');
		// with their own organisation, not the médiathèque's place
		expect((await failure(record(otherMediator, individual({ organisationId: boe })))).fields).toEqual({
			placeId: 'Choisissez un des lieux de votre structure.'
		});
	});

	it('refuses a person of another organisation who gave no consent, without saying whether they exist', async () => {
		const theirs = await newPerson(prescriber, ccas, 'Paul');
		const e = await failure(record(mediator, individual({ person: 'beneficiary', beneficiaryId: theirs })));
		expect(e.code).toBe('invalid');
		expect(e.fields).toEqual({ beneficiaryId: 'Cette personne n’existe pas, ou vous n’y avez pas accès.' });
		const unknown = await failure(record(mediator, individual({ person: 'beneficiary', beneficiaryId: '00000000-0000-4000-8000-000000000000' })));
		expect(unknown.fields).toEqual(e.fields);
		expect(await db.db.select().from(accompaniments).where(eq(accompaniments.beneficiaryId, theirs))).toEqual([]);
	});

	it('shows the team view only to the place’s team', async () => {
		expect((await failure(placeAccompaniments(db, prescriber, { today: TODAY }))).code).toBe('forbidden');
		expect((await failure(placeAccompaniments(db, otherMediator, { organisationId: mediatheque, today: TODAY }))).code).toBe('forbidden');
		expect((await placeAccompaniments(db, otherMediator, { today: TODAY })).totals.count).toBe(0);
	});
});

describe('a referred person', () => {
	it('gets their referral honoured when the place’s mediator records an accompaniment with them, and the prescriber is told', async () => {
		const person = await newPerson(prescriber, ccas, 'Odette');
		const { id: referralId } = await sendReferral(
			db,
			prescriber,
			{
				beneficiaryId: person,
				organisationId: ccas,
				placeId: 'fixture-lacepede',
				reason: 'Créer son compte Ameli et le garder en mémoire.',
				consent: { method: 'oral', scope: ['identity', 'contact'] }
			},
			LINKS
		);
		// the consent opens the record to the médiathèque: the mediator finds the person in the form
		const view = await recordingForm(db, mediator, { personId: person, referralId, today: TODAY });
		expect(view.person).toEqual({ id: person, name: 'Odette M.' });
		expect(view.values).toMatchObject({ kind: 'individual', person: 'beneficiary', beneficiaryId: person, referralId });
		expect(view.people.map((p) => p.id)).toContain(person);

		const before = await db.db.select().from(outbox).where(eq(outbox.to, 'sacha@ccas.test'));
		const result = await record(mediator, { ...view.values, themes: ['Santé'], procedureThemes: ['Social – Santé'] });
		expect(result.referralId).toBe(referralId);

		const [r] = await db.db.select().from(referrals).where(eq(referrals.id, referralId));
		expect(r).toMatchObject({ status: 'honoured', honouredByAccompanimentId: result.id });
		expect(await rowOf(result.id)).toMatchObject({ beneficiaryId: person, referralId, themes: ['Santé', 'Aide aux démarches administratives'] });
		const events = await db.db.select().from(referralEvents).where(eq(referralEvents.referralId, referralId)).orderBy(referralEvents.id);
		expect(events.map((e) => [e.type, e.toStatus])).toEqual([
			['send', 'sent'],
			['accept', 'accepted'],
			['honour', 'honoured']
		]);
		expect(events.at(-1)).toMatchObject({ actorKind: 'place', userId: mediator.userId });
		const mails = (await db.db.select().from(outbox).where(eq(outbox.to, 'sacha@ccas.test'))).slice(before.length);
		expect(mails.map((m) => m.template)).toContain('referral-update');
		expect(mails.find((m) => m.template === 'referral-update')?.text).toContain('Odette M.');

		const log = await searchJournal(db, { departmentCodes: ['47'], action: 'accompaniment.recorded' });
		expect(log.rows.find((e) => e.targetId === result.id)?.details).toMatchObject({ linked: true, referralId });
		expect((await verifyChain(db)).ok).toBe(true);

		// a second accompaniment with them closes nothing more
		expect((await record(mediator, individual({ person: 'beneficiary', beneficiaryId: person }))).referralId).toBeNull();
	});

	it('a place manager may record for a referred person (through the consent); a referral that is no longer open is refused', async () => {
		const person = await newPerson(prescriber, ccas, 'Lucien');
		const { id: referralId } = await sendReferral(
			db,
			prescriber,
			{
				beneficiaryId: person,
				organisationId: ccas,
				placeId: 'fixture-lacepede',
				reason: 'Apprendre à utiliser sa messagerie.',
				consent: { method: 'signature', scope: ['identity'] }
			},
			LINKS
		);
		const form = individual({ person: 'beneficiary', beneficiaryId: person, referralId });
		const { referralId: honoured } = await record(manager, form);
		expect(honoured).toBe(referralId);
		const e = await failure(record(manager, form));
		expect(e.fields).toEqual({ referralId: 'Choisissez une orientation reçue par votre lieu et encore ouverte.' });
		// the failed attempt left nothing behind
		expect(
			await db.db
				.select()
				.from(accompaniments)
				.where(and(eq(accompaniments.beneficiaryId, person)))
		).toHaveLength(1);
	});
});

describe('fast entry', () => {
	it('starts from the defaults, or repeats the mediator’s own last one without its person', async () => {
		const fresh = await recordingForm(db, mediator, { today: TODAY });
		expect(fresh.values).toMatchObject({
			date: TODAY,
			kind: 'individual',
			duration: '30',
			location: 'place',
			organisationId: mediatheque,
			placeId: 'fixture-lacepede',
			themes: []
		});
		expect(fresh.repeated).toBeNull();
		expect(fresh.canCreatePerson).toBe(true);

		const person = await newPerson(mediator, mediatheque, 'Rose');
		await record(
			mediator,
			individual({
				person: 'beneficiary',
				beneficiaryId: person,
				duration: '45',
				location: 'home',
				themes: ['Bureautique'],
				procedureThemes: ['Logement'],
				equipment: ['Ordinateur'],
				autonomy: 'autonomous'
			})
		);
		expect(await lastAccompaniment(db, mediator)).toMatchObject({
			durationMinutes: 45,
			location: 'home',
			themes: ['Bureautique', 'Aide aux démarches administratives']
		});
		const again = await recordingForm(db, mediator, { repeat: true, today: TODAY });
		expect(again.repeated).toBe('last');
		expect(again.values).toMatchObject({
			date: TODAY,
			kind: 'individual',
			duration: '45',
			location: 'home',
			placeId: 'fixture-lacepede',
			themes: ['Bureautique', 'Aide aux démarches administratives'],
			procedureThemes: ['Logement'],
			equipment: ['Ordinateur'],
			person: 'anonymous',
			beneficiaryId: '',
			autonomy: ''
		});
		// someone who never recorded anything gets the defaults, and is told
		const none = await recordingForm(db, otherMediator, { repeat: true, today: TODAY });
		expect(none.repeated).toBe('none');
		expect(none.values.placeId).toBe('fixture-boe');
		// a place manager does not hold records of people
		expect((await recordingForm(db, manager, { today: TODAY })).canCreatePerson).toBe(false);
		expect((await failure(recordingForm(db, prescriber))).code).toBe('forbidden');
	});

	it('ignores a person the actor may not read', async () => {
		const theirs = await newPerson(prescriber, ccas, 'Irène');
		const view = await recordingForm(db, mediator, { personId: theirs, today: TODAY });
		expect(view.person).toBeNull();
		expect(view.values.beneficiaryId).toBe('');
		expect(view.people.map((p) => p.id)).not.toContain(theirs);
	});
});

describe('the team view', () => {
	it('lists the period’s accompaniments newest first, with simple totals', async () => {
		const org = (await db.db.select({ id: accompaniments.id }).from(accompaniments).where(eq(accompaniments.organisationId, mediatheque))).length;
		await record(mediator, individual({ date: '2026-10-15', duration: '60', autonomy: 'guided' }));
		const v = await placeAccompaniments(db, mediator, { today: TODAY });
		expect(v).toMatchObject({ from: '2026-11-01', to: TODAY, organisationId: null, placeId: null, page: 1, pages: 1 });
		// this month: all but the one of October
		expect(v.totals.count).toBe(org);
		expect(v.totals.collective).toBe(1);
		expect(v.totals.individual).toBe(org - 1);
		// the workshop's 8 participants + one per individual accompaniment
		expect(v.totals.peopleReached).toBe(org - 1 + 8);
		const minutes = (
			await db.db
				.select({ m: accompaniments.durationMinutes, d: accompaniments.date })
				.from(accompaniments)
				.where(eq(accompaniments.organisationId, mediatheque))
		)
			.filter((r) => r.d >= '2026-11-01')
			.reduce((s, r) => s + r.m, 0);
		expect(v.totals.minutes).toBe(minutes);
		expect(v.totals.topThemes[0]).toEqual({ theme: 'E-mail', count: expect.any(Number) });
		expect(v.totals.topThemes.length).toBeLessThanOrEqual(5);
		expect(v.totals.autonomy).toEqual([
			{ code: 'guided', label: 'Avec guidage', count: 0 },
			{ code: 'partly', label: 'Autonome avec guidage en cas de besoin', count: 1 },
			{ code: 'autonomous', label: 'Autonome', count: 1 }
		]);
		expect(v.items).toHaveLength(org);
		expect(v.items.every((i, n) => n === 0 || v.items[n - 1].date >= i.date)).toBe(true);
		const workshop = v.items.find((i) => i.kind === 'collective')!;
		expect(workshop).toMatchObject({
			who: 'Découvrir sa messagerie',
			participants: 8,
			duration: '2 h',
			kindLabel: 'Collectif',
			placeName: 'Médiathèque Lacépède',
			mediatorName: 'lou'
		});
		expect(v.items.some((i) => i.who === 'Odette M.' && i.honouredReferral)).toBe(true);
		expect(v.items.some((i) => i.who === 'Personne anonyme')).toBe(true);

		const october = await placeAccompaniments(db, mediator, { from: '2026-10-01', to: '2026-10-31', placeId: 'fixture-lacepede', today: TODAY });
		expect(october.totals).toMatchObject({ count: 1, individual: 1, collective: 0, peopleReached: 1, minutes: 60, time: '1 h' });
		expect(october.totals.autonomy[0].count).toBe(1);
		expect(october.placeId).toBe('fixture-lacepede');
	});

	it('shows a person’s name only to those who may read their record', async () => {
		// the place manager holds no records: the people the médiathèque follows are not theirs to name
		const v = await placeAccompaniments(db, manager, { today: TODAY });
		expect(v.items.some((i) => i.who === 'Jeanne M.')).toBe(false);
		expect(v.items.some((i) => i.who === 'Personne suivie')).toBe(true);
		// but a referred person (their consent covers the médiathèque) is named
		expect(v.items.some((i) => i.who === 'Odette M.')).toBe(true);
		expect((await placeAccompaniments(db, mediator, { today: TODAY })).items.some((i) => i.who === 'Jeanne M.')).toBe(true);
	});

	it('pages through a long month', async () => {
		const v = await placeAccompaniments(db, mediator, { today: TODAY, page: 99 });
		expect(v.page).toBe(1);
		const bad = await placeAccompaniments(db, mediator, { from: 'hier', today: TODAY });
		expect(bad.periodErrors.from).toMatch(/^Cette date n’existe pas/);
	});
});
