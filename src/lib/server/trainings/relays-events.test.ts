/**
 * Trainings, issue 17 items 4 and 6 and the organiser's cancellations, through the use cases
 * (PGlite and PostgreSQL): a place's team registers its place as a relay of a relayed
 * webinar and records its group's attendance; an event groups sessions; the organiser
 * cancels a session (every registrant gets the .ics CANCEL with the next SEQUENCE, parsed
 * back with node-ical) or one registration (the waiting list promoted in order); a seat freed
 * by an erasure goes to the waiting list in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ical, { type VEvent } from 'node-ical';
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { openWorld, type World } from '../../../../test/world.ts';
import type { Actor } from '../accounts/index.ts';
import { outbox } from '../mail/db.ts';
import { places } from '../places/db.ts';
import { addDays, parisDay } from '../../time.ts';
import { trainingAttendance, trainingAttestations, trainingRegistrations, trainingSessions } from './db.ts';
import { refreshSteeringFacts } from '../steering/index.ts';
import {
	cancelRegistration,
	cancelSession,
	catalogue,
	createEvent,
	createSession,
	createTraining,
	eventForOrganiser,
	issueAttestations,
	recordAttendance,
	sessionAttendance,
	eventPage,
	feedBySecret,
	organiserFeed,
	parseCatalogueFilter,
	personalData,
	placeSessions,
	promoteFreedSeats,
	recordRelayAttendance,
	registerRelay,
	registerWithAccount,
	relayChoices,
	relayPage,
	sessionPage,
	sessionRelays,
	upcomingEvents,
	updateEvent,
	withdrawRelay
} from './index.ts';

const links = { origin: 'http://localhost:3000', instanceName: 'maillage (tests)' };
const day = (n: number) => addDays(parisDay(), n);

let w: World;
let coordinator: Actor;
let manager: Actor;
let mediator: Actor;
let otherManager: Actor;
let team33: Actor;
let coordinator33: Actor;
let people: Actor[];
let cd47: string;
let mediatheque: string;
let lacepede: string;
let boe: string;

const training = (over: Record<string, unknown> = {}) => ({
	organiserId: cd47,
	title: 'Webinaire\u00a0: la prime d’activité en ligne',
	objectives: 'Savoir faire une demande de prime d’activité en ligne.',
	programme: '',
	audiences: ['france_services', 'mediators'],
	theme: 'procedures',
	format: 'relayed_webinar',
	trainerOrganisationId: '',
	trainerStructure: 'CAF de Lot-et-Garonne',
	trainerPerson: '',
	prerequisites: '',
	accessibility: '',
	...over
});
const session = (over: Record<string, unknown> = {}) => ({
	slots: [
		{ day: day(20), start: '09:00', end: '12:00' },
		{ day: day(20), start: '14:00', end: '16:00' }
	],
	placeId: '',
	location: '',
	broadcastUrl: 'https://visio.example.fr/prime',
	capacity: '',
	registrationDeadline: '',
	status: 'published',
	eventId: '',
	...over
});

const mails = (to: string, template: string) =>
	w.db.db
		.select()
		.from(outbox)
		.where(and(eq(outbox.to, to), eq(outbox.template, template)))
		.orderBy(asc(outbox.createdAt));
const veventsOf = (text: string) => Object.values(ical.sync.parseICS(text)).filter((c): c is VEvent => c?.type === 'VEVENT');
const statusOf = async (id: string) =>
	(await w.db.db.select({ status: trainingRegistrations.status }).from(trainingRegistrations).where(eq(trainingRegistrations.id, id)))[0]?.status;

beforeAll(async () => {
	w = await openWorld({ places: 'agen' });
	cd47 = await w.organisation('Département de Lot-et-Garonne', 'departement');
	mediatheque = await w.organisation('Médiathèque Lacépède', 'mediatheque');
	const other = await w.organisation('Association Clic', 'association');
	const asso33 = await w.organisation('Association girondine', 'association', '33');
	const cd33 = await w.organisation('Département de la Gironde', 'departement', '33');
	coordinator = await w.member('cam@cd47.test', cd47, 'coordinator', { displayName: 'Camille Coordination' });
	manager = await w.member('noa@mediatheque.test', mediatheque, 'place_manager', { displayName: 'Noa Responsable' });
	mediator = await w.member('max@mediatheque.test', mediatheque, 'mediator', { displayName: 'Max Médiateur' });
	otherManager = await w.member('eli@clic.test', other, 'place_manager');
	team33 = await w.member('lou@asso33.test', asso33, 'place_manager');
	coordinator33 = await w.member('dom@cd33.test', cd33, 'coordinator');
	lacepede = await w.runs(mediatheque, 'Médiathèque Lacépède');
	// a place of Gironde, run by a Gironde structure
	boe = await w.runs(asso33, 'France services de Boé');
	await w.db.db.update(places).set({ departmentCode: '33' }).where(eq(places.id, boe));
	people = [];
	for (let i = 1; i <= 4; i++) people.push(await w.member(`aidant${i}@ccas.test`, cd47, 'prescriber', { displayName: `Aidant${i} Test` }));
}, 120_000);

afterAll(async () => {
	await w?.close();
});

describe('relayed webinars', () => {
	it('lets the place’s team register its place as a relay, shows it on the session’s and the place’s pages, and records the group’s attendance', async () => {
		const t = await createTraining(w.db, coordinator, training());
		const s = await createSession(w.db, coordinator, t, session());
		// nobody but the place's team; never a place of another département
		await expect(registerRelay(w.db, otherManager, s, { placeId: lacepede, expected: '12' })).rejects.toMatchObject({ code: 'forbidden' });
		await expect(registerRelay(w.db, coordinator, s, { placeId: lacepede, expected: '12' })).rejects.toMatchObject({ code: 'forbidden' });
		await expect(registerRelay(w.db, team33, s, { placeId: boe, expected: '12' })).rejects.toMatchObject({
			code: 'forbidden',
			message: 'Ce lieu n’est pas dans le département de la session\u00a0: il ne peut pas la relayer.'
		});
		await expect(registerRelay(w.db, manager, s, { placeId: lacepede, expected: '0' })).rejects.toMatchObject({
			code: 'invalid',
			fields: { expected: 'Indiquez un nombre de personnes entre 1 et 500, ou rien.' }
		});
		const choices = await relayChoices(w.db, mediator);
		expect(choices.places.map((p) => p.value)).toEqual([lacepede]);
		expect(choices.sessions.map((x) => x.id)).toContain(s);
		const relay = await registerRelay(w.db, mediator, s, { placeId: lacepede, expected: '12' });
		await expect(registerRelay(w.db, manager, s, { placeId: lacepede })).rejects.toMatchObject({ code: 'conflict' });

		const page = await sessionPage(w.db, null, s);
		expect(page.relays).toEqual([expect.objectContaining({ placeId: lacepede, nom: 'Médiathèque Lacépède' })]);
		expect((await placeSessions(w.db, lacepede)).find((x) => x.id === s)?.format).toBe('Webinaire suivi en groupe dans ce lieu');
		expect((await catalogue(w.db, parseCatalogueFilter(new URLSearchParams()))).items.find((i) => i.id === s)?.where).toMatch(/en groupe dans 1 lieu/);

		// a registrant of the place's structure, named as followed there; others' registrants are never offered
		await registerWithAccount(w.db, manager, s, links);
		await registerWithAccount(w.db, people[0], s, links);
		const rp = await relayPage(w.db, mediator, relay);
		expect(rp.registrants.map((r) => r.name)).toEqual(['RESPONSABLE Noa']);
		await expect(relayPage(w.db, otherManager, relay)).rejects.toMatchObject({ code: 'forbidden' });
		await expect(recordRelayAttendance(w.db, mediator, relay, { counts: { [`slot-${rp.slots[0].id}`]: 'douze' }, present: {} })).rejects.toMatchObject({
			code: 'invalid',
			fields: { [`slot-${rp.slots[0].id}`]: 'Indiquez un nombre de personnes entre 0 et 500.' }
		});
		await expect(recordRelayAttendance(w.db, otherManager, relay, { counts: {}, present: {} })).rejects.toMatchObject({ code: 'forbidden' });
		const stranger = (
			await w.db.db.select({ id: trainingRegistrations.id }).from(trainingRegistrations).where(eq(trainingRegistrations.userId, people[0].userId))
		)[0].id;
		// another structure's registrant is refused, and a registrant is not ticked before the half-day's day
		await expect(
			recordRelayAttendance(w.db, mediator, relay, { counts: {}, present: { [rp.slots[0].id]: [stranger] } }, { today: day(20) })
		).rejects.toMatchObject({ code: 'invalid' });
		await expect(recordRelayAttendance(w.db, mediator, relay, { counts: {}, present: { [rp.slots[0].id]: [rp.registrants[0].id] } })).rejects.toMatchObject({
			code: 'invalid',
			fields: { [`slot-${rp.slots[0].id}`]: 'Cette demi-journée n’a pas encore eu lieu\u00a0: les inscrits présents se notent à partir de son jour.' }
		});
		await recordRelayAttendance(
			w.db,
			mediator,
			relay,
			{ counts: { [`slot-${rp.slots[0].id}`]: '11', [`slot-${rp.slots[1].id}`]: '9' }, present: { [rp.slots[0].id]: [rp.registrants[0].id] } },
			{ today: day(20) }
		);
		// again: the counts replaced, not added
		await recordRelayAttendance(
			w.db,
			mediator,
			relay,
			{ counts: { [`slot-${rp.slots[1].id}`]: '8' }, present: { [rp.slots[0].id]: [rp.registrants[0].id] } },
			{ today: day(20) }
		);
		expect((await relayPage(w.db, mediator, relay)).slots.map((x) => x.attendees)).toEqual([11, 8]);
		// the stranger (another structure's registrant) was not attached
		expect(
			(await w.db.db.select({ relayId: trainingRegistrations.relayId }).from(trainingRegistrations).where(eq(trainingRegistrations.id, stranger)))[0].relayId
		).toBeNull();

		const org = await sessionRelays(w.db, coordinator, s, t);
		expect(org.relays).toEqual([
			expect.objectContaining({
				place: 'Médiathèque Lacépède, Agen',
				contact: 'Max Médiateur (max@mediatheque.test)',
				expected: 12,
				attendees: [11, 8],
				named: 1
			})
		]);
		expect(org.totals).toEqual([11, 8]);
		await expect(sessionRelays(w.db, otherManager, s)).rejects.toMatchObject({ code: 'forbidden' });
		await expect(sessionRelays(w.db, coordinator33, s)).rejects.toMatchObject({ code: 'forbidden' });

		await withdrawRelay(w.db, mediator, relay);
		expect((await sessionPage(w.db, null, s)).relays).toEqual([]);
		// registered again: open again
		expect(await registerRelay(w.db, mediator, s, { placeId: lacepede, expected: '' })).toBe(relay);
	});

	it('writes the registrants present at a relay to the attendance (`relay`): the room’s sheet keeps them, their attestation and the figures count them', async () => {
		const first = day(-2);
		const t = await createTraining(w.db, coordinator, training({ title: 'Webinaire relayé passé' }));
		const s = await createSession(
			w.db,
			coordinator,
			t,
			session({
				slots: [
					{ day: first, start: '09:00', end: '12:00' },
					{ day: first, start: '14:00', end: '16:00' }
				]
			}),
			null,
			day(-12)
		);
		const relay = await registerRelay(w.db, mediator, s, { placeId: lacepede }, { today: day(-5) });
		// two registrants of the médiathèque, one of another structure, with a seat (registered before the session)
		const reg = async (actor: Actor, org: string, last: string) => {
			const id = randomUUID();
			await w.db.privileged.db.insert(trainingRegistrations).values({
				id,
				sessionId: s,
				departmentCode: '47',
				userId: actor.userId,
				organisationId: org,
				firstName: 'Test',
				lastName: last,
				email: `${last.toLowerCase()}@relais.test`,
				// a profile of their own, to find their figures
				profile: 'france_services',
				status: 'confirmed',
				position: 1,
				tokenHash: `relay-${id}`
			});
			return id;
		};
		const here = await reg(manager, mediatheque, 'Ici');
		const inRoom = await reg(mediator, mediatheque, 'Salle');
		const rp = await relayPage(w.db, mediator, relay);
		const [am, pm] = rp.slots.map((x) => x.id);
		const marks = async () =>
			(
				await w.db.privileged.db
					.select({
						r: trainingAttendance.registrationId,
						slot: trainingAttendance.slotId,
						present: trainingAttendance.present,
						method: trainingAttendance.method
					})
					.from(trainingAttendance)
					.where(inArray(trainingAttendance.registrationId, [here, inRoom]))
			)
				.map((m) => `${m.r === here ? 'ici' : 'salle'} ${m.slot === am ? 'matin' : 'après-midi'} ${m.present ? 'présent' : 'absent'} ${m.method}`)
				.sort();

		// the organiser checks in the room first: « Salle » present in the morning, « Ici » absent (they were at the médiathèque)
		await recordAttendance(w.db, coordinator, { sessionId: s, slotId: am, present: [inRoom], method: 'screen' });
		// the relay ticks both for the morning, « Ici » for the afternoon too: the room's presence stays the organiser's
		await recordRelayAttendance(w.db, mediator, relay, { counts: { [`slot-${am}`]: '9' }, present: { [am]: [here, inRoom], [pm]: [here] } });
		expect(await marks()).toEqual(['ici après-midi présent relay', 'ici matin présent relay', 'salle matin présent screen']);
		expect((await relayPage(w.db, mediator, relay)).slots.map((x) => x.present)).toEqual([{ [here]: 'here', [inRoom]: 'elsewhere' }, { [here]: 'here' }]);
		// unticked for the afternoon: its mark goes; the organiser's sheet saved again does not undo the relay's morning
		await recordRelayAttendance(w.db, mediator, relay, { counts: {}, present: { [am]: [here] } });
		await recordAttendance(w.db, coordinator, { sessionId: s, slotId: am, present: [inRoom], method: 'sheet' });
		expect(await marks()).toEqual(['ici matin présent relay', 'salle matin présent sheet']);
		const d = await sessionAttendance(w.db, coordinator, s);
		expect(d.slots[0].marks.get(here)).toEqual({ present: true, method: 'relay' });
		expect(
			(await w.db.db.select({ relayId: trainingRegistrations.relayId }).from(trainingRegistrations).where(eq(trainingRegistrations.id, here)))[0].relayId
		).toBe(relay);

		// the attestation: the morning's 3 hours
		await issueAttestations(w.db, links);
		const att = await w.db.privileged.db.select().from(trainingAttestations).where(eq(trainingAttestations.registrationId, here));
		expect(att.map((a) => a.minutes)).toEqual([180]);
		// the steering figures: a person trained, at the relay's session
		await refreshSteeringFacts(w.db, { full: true, departments: ['47'] });
		const [facts] = await w.db.query<{ n: number; minutes: number }>(
			sql`select coalesce(sum(n), 0)::int as n, coalesce(sum(amount_cents), 0)::int as minutes from steering_facts
				where kind = 'training_person' and organisation_id = ${mediatheque} and dim_a = 'france_services'`
		);
		expect(facts).toEqual({ n: 2, minutes: 360 });
	});

	it('refuses a relay for a session that is not a relayed webinar', async () => {
		const t = await createTraining(w.db, coordinator, training({ format: 'webinar', title: 'Webinaire simple' }));
		const s = await createSession(w.db, coordinator, t, session());
		await expect(registerRelay(w.db, manager, s, { placeId: lacepede })).rejects.toMatchObject({ code: 'conflict' });
	});
});

describe('events', () => {
	it('groups sessions, each with its own registrations, on a public page and in the catalogue', async () => {
		const forumDay = day(45);
		const input = {
			organiserId: cd47,
			title: 'Forum de la vie numérique & citoyenne',
			description: 'Le temps fort annuel du réseau.',
			startsOn: forumDay,
			endsOn: '',
			placeId: lacepede,
			location: '',
			status: 'draft'
		};
		await expect(createEvent(w.db, otherManager, input)).rejects.toMatchObject({ code: 'forbidden' });
		await expect(createEvent(w.db, coordinator33, input)).rejects.toMatchObject({ code: 'forbidden' });
		await expect(createEvent(w.db, coordinator, { ...input, title: '', endsOn: day(40) })).rejects.toMatchObject({
			code: 'invalid',
			fields: { title: 'Donnez un titre à l’événement (3 caractères au moins).' }
		});
		const id = await createEvent(w.db, coordinator, input);
		// a draft: its organisers only
		await expect(eventPage(w.db, null, id)).rejects.toMatchObject({ code: 'not_found' });
		const onSite = { slots: [{ day: forumDay, start: '09:30', end: '12:00' }], placeId: lacepede, broadcastUrl: '', capacity: '2' };
		const atelier = await createSession(
			w.db,
			coordinator,
			await createTraining(w.db, coordinator, training({ format: 'on_site', title: 'Atelier du forum' })),
			session(onSite)
		);
		const table = await createSession(
			w.db,
			coordinator,
			await createTraining(w.db, coordinator, training({ format: 'on_site', title: 'Table ronde du forum' })),
			session({ ...onSite, slots: [{ day: forumDay, start: '14:00', end: '16:30' }], eventId: id })
		);
		expect((await eventForOrganiser(w.db, coordinator, id)).sessions.filter((s) => s.attached).map((s) => s.id)).toEqual([table]);
		await expect(updateEvent(w.db, otherManager, id, { ...input, status: 'published' }, [atelier])).rejects.toMatchObject({ code: 'forbidden' });
		await updateEvent(w.db, coordinator, id, { ...input, status: 'published' }, [atelier, table]);
		const page = await eventPage(w.db, null, id);
		expect(page.sessions.map((s) => s.title)).toEqual(['Atelier du forum', 'Table ronde du forum']);
		expect(page.place?.nom).toBe('Médiathèque Lacépède');
		expect((await upcomingEvents(w.db)).find((e) => e.id === id)).toMatchObject({ sessions: 2, startsOn: forumDay, endsOn: forumDay });
		expect((await catalogue(w.db, parseCatalogueFilter(new URLSearchParams()))).items.find((i) => i.id === atelier)?.event).toBe(
			'Forum de la vie numérique & citoyenne'
		);
		// registrations per session
		await registerWithAccount(w.db, people[1], atelier, links);
		await registerWithAccount(w.db, people[2], atelier, links);
		await registerWithAccount(w.db, people[3], table, links);
		const after = await eventPage(w.db, null, id);
		expect(after.sessions.map((s) => s.full)).toEqual([true, false]);
		expect((await sessionPage(w.db, null, table)).event).toMatchObject({ id, title: 'Forum de la vie numérique & citoyenne' });
		// a session left out
		await updateEvent(w.db, coordinator, id, { ...input, status: 'published' }, [table]);
		expect((await eventPage(w.db, null, id)).sessions.map((s) => s.id)).toEqual([table]);
	});
});

describe('the organiser’s cancellations', () => {
	it('cancels a session: every registrant gets the .ics CANCEL with the next SEQUENCE, the catalogue and the feed say it is cancelled', async () => {
		const t = await createTraining(w.db, coordinator, training({ format: 'on_site', title: 'Session à annuler' }));
		const s = await createSession(
			w.db,
			coordinator,
			t,
			session({ placeId: lacepede, broadcastUrl: '', capacity: '1', slots: [{ day: day(25), start: '14:00', end: '17:00' }] })
		);
		await registerWithAccount(w.db, people[0], s, links);
		await registerWithAccount(w.db, people[1], s, links);
		const [before] = await w.db.db.select().from(trainingSessions).where(eq(trainingSessions.id, s));
		await expect(cancelSession(w.db, otherManager, s, {}, links)).rejects.toMatchObject({ code: 'forbidden' });
		await expect(cancelSession(w.db, coordinator33, s, {}, links)).rejects.toMatchObject({ code: 'forbidden' });
		await expect(cancelSession(w.db, manager, s, {}, links)).rejects.toMatchObject({ code: 'forbidden' });
		expect(await cancelSession(w.db, coordinator, s, { reason: 'Formatrice malade' }, links)).toEqual({ told: 2 });
		await expect(cancelSession(w.db, coordinator, s, {}, links)).rejects.toMatchObject({ code: 'conflict' });
		for (const email of ['aidant1@ccas.test', 'aidant2@ccas.test']) {
			const [m] = await mails(email, 'training-session-cancelled');
			expect(m.text).toContain('Motif\u00a0: Formatrice malade');
			expect(m.icsMethod).toBe('CANCEL');
			expect(m.ics).toContain('METHOD:CANCEL');
			const events = veventsOf(m.ics!);
			expect(events).toHaveLength(1);
			expect(Number(events[0].sequence)).toBe(before.icsSequence + 1);
			expect(events[0].status).toBe('CANCELLED');
		}
		const regs = await w.db.db.select().from(trainingRegistrations).where(eq(trainingRegistrations.sessionId, s));
		expect(regs.map((r) => [r.status, r.cancelledBy])).toEqual([
			['cancelled', 'organiser'],
			['cancelled', 'organiser']
		]);
		const item = (await catalogue(w.db, parseCatalogueFilter(new URLSearchParams()))).items.find((i) => i.id === s);
		expect(item).toMatchObject({ cancelled: true, open: false });
		const page = await sessionPage(w.db, null, s);
		expect(page).toMatchObject({ status: 'cancelled', state: 'cancelled', cancelReason: 'Formatrice malade' });
		const url = await organiserFeed(w.db, coordinator, cd47, links);
		const text = await feedBySecret(w.db, url.split('/').pop()!.replace('.ics', ''), links);
		const mine = veventsOf(text!).filter((e) => String(e.uid).includes(s));
		expect(mine.map((e) => [e.status, Number(e.sequence)])).toEqual([['CANCELLED', before.icsSequence + 1]]);
	});

	it('cancels one registration: the person is told, the first on the waiting list gets the seat and is told, in order', async () => {
		const t = await createTraining(w.db, coordinator, training({ format: 'on_site', title: 'Une place' }));
		const s = await createSession(
			w.db,
			coordinator,
			t,
			session({ placeId: lacepede, broadcastUrl: '', capacity: '1', slots: [{ day: day(26), start: '14:00', end: '17:00' }] })
		);
		const a = await registerWithAccount(w.db, people[0], s, links);
		const b = await registerWithAccount(w.db, people[1], s, links);
		const c = await registerWithAccount(w.db, people[2], s, links);
		expect([a.status, b.status, c.status]).toEqual(['confirmed', 'waiting', 'waiting']);
		await expect(cancelRegistration(w.db, otherManager, s, a.id, links)).rejects.toMatchObject({ code: 'forbidden' });
		await expect(cancelRegistration(w.db, coordinator33, s, a.id, links)).rejects.toMatchObject({ code: 'forbidden' });
		expect(await cancelRegistration(w.db, coordinator, s, a.id, links)).toEqual({ promoted: 1 });
		expect([await statusOf(a.id), await statusOf(b.id), await statusOf(c.id)]).toEqual(['cancelled', 'confirmed', 'waiting']);
		const [told] = await mails('aidant1@ccas.test', 'training-cancelled-by-organiser');
		expect(told.icsMethod).toBe('CANCEL');
		expect((await mails('aidant2@ccas.test', 'training-promoted')).length).toBeGreaterThan(0);
		expect((await mails('aidant3@ccas.test', 'training-promoted')).length).toBe(0);
		await expect(cancelRegistration(w.db, coordinator, s, a.id, links)).rejects.toMatchObject({ code: 'conflict' });
		// a registration of another session is not found through this one
		const other = await createSession(
			w.db,
			coordinator,
			t,
			session({ placeId: lacepede, broadcastUrl: '', capacity: '1', slots: [{ day: day(27), start: '14:00', end: '17:00' }] })
		);
		await expect(cancelRegistration(w.db, coordinator, other, c.id, links)).rejects.toMatchObject({ code: 'not_found' });

		// the seat freed by the erasure of the one who got it goes to the next, in order, at the maintenance's sweep
		await w.db.db.transaction((tx) => personalData.erase!(tx, { id: 'x', departmentCode: '47', phone: null, email: 'aidant2@ccas.test' }, new Date()));
		const [mid] = await w.db.db.select().from(trainingSessions).where(eq(trainingSessions.id, s));
		expect([mid.seatsTaken, mid.waitingCount]).toEqual([0, 1]);
		expect(await promoteFreedSeats(w.db, links)).toBe(1);
		expect(await statusOf(c.id)).toBe('confirmed');
		expect((await mails('aidant3@ccas.test', 'training-promoted')).length).toBe(1);
		expect(await promoteFreedSeats(w.db, links)).toBe(0);
	});

	it('gives a seat freed by an erasure to the waiting list before a newcomer', async () => {
		const t = await createTraining(w.db, coordinator, training({ format: 'on_site', title: 'File d’attente' }));
		const s = await createSession(
			w.db,
			coordinator,
			t,
			session({ placeId: lacepede, broadcastUrl: '', capacity: '1', slots: [{ day: day(28), start: '14:00', end: '17:00' }] })
		);
		await registerWithAccount(w.db, people[0], s, links);
		const waiting = await registerWithAccount(w.db, people[1], s, links);
		await w.db.db.transaction((tx) => personalData.erase!(tx, { id: 'x', departmentCode: '47', phone: null, email: 'aidant1@ccas.test' }, new Date()));
		const late = await registerWithAccount(w.db, people[2], s, links);
		expect(await statusOf(waiting.id)).toBe('confirmed');
		expect(late.status).toBe('waiting');
		const [row] = await w.db.db.select().from(trainingSessions).where(eq(trainingSessions.id, s));
		expect([row.seatsTaken, row.waitingCount]).toEqual([1, 1]);
	});
});
