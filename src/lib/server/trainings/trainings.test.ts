/**
 * Trainings (issue 17) through the use cases, on PGlite and on PostgreSQL: organising a
 * training and its sessions, the catalogue and its filters, registering with and without an
 * account, the waiting list promoted in order (100 registrations at once for 10 seats), the
 * registrants' CSV, the personal-data hooks, the journal; on PostgreSQL, row-level security.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ical, { type VEvent } from 'node-ical';
import { and, asc, eq, sql } from 'drizzle-orm';
import { openWorld, type World } from '../../../../test/world.ts';
import { onPostgres } from '../../../../test/db.ts';
import type { Actor } from '../accounts/index.ts';
import { outbox } from '../mail/db.ts';
import { mergePlaces } from '../places/index.ts';
import { auditLog } from '../audit/db.ts';
import { runInScope } from '../db/request-scope.ts';
import { scopeOf } from '../accounts/index.ts';
import { addDays, parisDay } from '../../time.ts';
import { trainingRegistrations, trainingRelays, trainingSessions } from './db.ts';
import {
	cancelByToken,
	cancelMine,
	catalogue,
	confirmRegistration,
	createSession,
	createTraining,
	organisedTrainings,
	placeSessions,
	registerWithAccount,
	registrantsCsv,
	registrationByToken,
	requestRegistration,
	sessionForOrganiser,
	sessionPage,
	updateSession,
	updateTraining,
	personalData,
	parseCatalogueFilter,
	remindRegistrants,
	myFeed,
	organiserFeed,
	feedBySecret
} from './index.ts';

const links = { origin: 'http://localhost:3000', instanceName: 'maillage (tests)' };
const day = (n: number) => addDays(parisDay(), n);

let w: World;
let coordinator: Actor;
let manager: Actor;
let otherManager: Actor;
let prescriber: Actor;
let coordinator33: Actor;
let cd47: string;
let mediatheque: string;
let lacepede: string;
let boe: string;

const training = (over: Record<string, unknown> = {}) => ({
	organiserId: cd47,
	title: 'Les jeudis de l’inclusion numérique',
	objectives: 'Accompagner une personne dans ses démarches CAF en ligne.',
	programme: '',
	audiences: ['social_workers', 'volunteers'],
	theme: 'procedures',
	format: 'on_site',
	trainerOrganisationId: '',
	trainerStructure: 'Campus Numérique 47',
	trainerPerson: 'Claire Formatrice',
	prerequisites: '',
	accessibility: 'Salle accessible en fauteuil roulant.',
	...over
});
const session = (over: Record<string, unknown> = {}) => ({
	slots: [{ day: day(30), start: '14:00', end: '17:00' }],
	placeId: lacepede,
	location: 'Salle du premier étage',
	broadcastUrl: '',
	capacity: '10',
	registrationDeadline: '',
	status: 'published',
	eventId: '',
	...over
});

/** The link of the last e-mail of this template sent to this address. */
async function linkSent(to: string, template: string): Promise<string> {
	const [m] = await w.db.db
		.select({ text: outbox.text })
		.from(outbox)
		.where(and(eq(outbox.to, to), eq(outbox.template, template)))
		.orderBy(sql`${outbox.createdAt} desc`)
		.limit(1);
	const token = /formations\/inscription\/([A-Za-z0-9_-]{32})/.exec(m?.text ?? '')?.[1];
	if (!token) throw new Error(`no ${template} e-mail to ${to}`);
	return token;
}

beforeAll(async () => {
	w = await openWorld({ places: 'agen' });
	cd47 = await w.organisation('Département de Lot-et-Garonne', 'departement');
	mediatheque = await w.organisation('Médiathèque Lacépède', 'mediatheque');
	const ccas = await w.organisation('CCAS de Nérac', 'ccas');
	const other = await w.organisation('Association Clic', 'association');
	const cd33 = await w.organisation('Département de la Gironde', 'departement', '33');
	coordinator = await w.member('cam@cd47.test', cd47, 'coordinator', { displayName: 'Camille Coordination' });
	manager = await w.member('noa@mediatheque.test', mediatheque, 'place_manager', { displayName: 'Noa Responsable' });
	otherManager = await w.member('eli@clic.test', other, 'place_manager');
	prescriber = await w.member('pat@ccas.test', ccas, 'prescriber', { displayName: 'Pat Prescripteur' });
	coordinator33 = await w.member('dom@cd33.test', cd33, 'coordinator');
	lacepede = await w.runs(mediatheque, 'Médiathèque Lacépède');
	boe = await w.place('France services de Boé');
}, 120_000);

afterAll(async () => {
	await w?.close();
});

describe('organising', () => {
	it('lets the coordination and the organising structure’s managers create and edit, nobody else; errors in French', async () => {
		const id = await createTraining(w.db, coordinator, training());
		await expect(createTraining(w.db, otherManager, training())).rejects.toMatchObject({ code: 'forbidden' });
		await expect(createTraining(w.db, manager, training())).rejects.toMatchObject({ code: 'forbidden' });
		const own = await createTraining(w.db, manager, training({ organiserId: mediatheque, title: 'Atelier « Mon Espace Santé »' }));
		await updateTraining(w.db, manager, own, training({ organiserId: mediatheque, title: 'Atelier « Mon Espace Santé » pour aidants' }));
		await expect(updateTraining(w.db, manager, id, training())).rejects.toMatchObject({ code: 'forbidden' });
		await expect(createTraining(w.db, coordinator, training({ audiences: [], trainerStructure: '', title: '' }))).rejects.toMatchObject({
			code: 'invalid',
			fields: { audiences: 'Cochez au moins un public.', title: 'Donnez un titre à la formation (3 caractères au moins).' }
		});
		await expect(createTraining(w.db, coordinator, training({ trainerStructure: '' }))).rejects.toMatchObject({
			fields: { trainerStructure: 'Indiquez la structure qui forme (choisissez-la dans la liste, ou écrivez son nom).' }
		});
		await expect(createSession(w.db, coordinator, id, session({ slots: [{ day: day(-1), start: '9h', end: '12h' }], capacity: '0' }))).rejects.toMatchObject({
			code: 'invalid',
			fields: { capacity: 'Une session a au moins une place.' }
		});
		await expect(createSession(w.db, coordinator, id, session({ slots: [{ day: day(-1), start: '9h', end: '12h' }] }))).rejects.toMatchObject({
			fields: { 'slot-0': 'Cette date est passée.' }
		});
		await expect(createSession(w.db, coordinator, id, session({ registrationDeadline: day(31) }))).rejects.toMatchObject({
			fields: { registrationDeadline: 'La date limite d’inscription est au plus tard le jour de la première demi-journée.' }
		});
		const webinar = await createTraining(w.db, coordinator, training({ format: 'webinar', title: 'Webinaire impots.gouv.fr' }));
		await expect(createSession(w.db, coordinator, webinar, session({ placeId: '' }))).rejects.toMatchObject({
			fields: { broadcastUrl: 'Indiquez le lien du webinaire\u00a0: il est envoyé aux personnes inscrites.' }
		});
		const list = await organisedTrainings(w.db, manager);
		expect(list.trainings.map((t) => t.title)).toEqual(['Atelier « Mon Espace Santé » pour aidants']);
		expect((await organisedTrainings(w.db, coordinator)).trainings.length).toBeGreaterThanOrEqual(3);
		const journaled = await w.db.db
			.select({ action: auditLog.action })
			.from(auditLog)
			.where(sql`${auditLog.action} like 'training.%'`);
		expect(new Set(journaled.map((j) => j.action))).toEqual(new Set(['training.created', 'training.updated']));
	});
});

describe('registering', () => {
	let sessionId: string;
	beforeAll(async () => {
		const t = await createTraining(w.db, coordinator, training({ title: 'Accompagner les démarches CAF' }));
		sessionId = await createSession(
			w.db,
			coordinator,
			t,
			session({
				capacity: '2',
				slots: [
					{ day: day(20), start: '9:00', end: '12:00' },
					{ day: day(20), start: '14h', end: '17h' }
				]
			})
		);
	});

	it('a professional in one click: a seat, then the waiting list when full; twice refused', async () => {
		const a = await registerWithAccount(w.db, prescriber, sessionId, links);
		expect(a).toMatchObject({ status: 'confirmed', rank: null });
		await expect(registerWithAccount(w.db, prescriber, sessionId, links)).rejects.toMatchObject({
			code: 'conflict',
			message: 'Vous êtes déjà inscrit à cette session.'
		});
		expect(await registerWithAccount(w.db, manager, sessionId, links)).toMatchObject({ status: 'confirmed' });
		expect(await registerWithAccount(w.db, otherManager, sessionId, links)).toMatchObject({ status: 'waiting', rank: 1 });
		await expect(registerWithAccount(w.db, null, sessionId, links)).rejects.toMatchObject({ code: 'unauthenticated' });
		const [r] = await w.db.db.select().from(trainingRegistrations).where(eq(trainingRegistrations.id, a.id));
		expect(r).toMatchObject({ firstName: 'Pat', lastName: 'Prescripteur', email: 'pat@ccas.test', profile: 'social_worker', structureName: 'CCAS de Nérac' });
		const page = await sessionPage(w.db, prescriber, sessionId);
		expect(page.mine).toEqual({ status: 'confirmed', rank: null });
		expect(page.seats).toBe('Complet\u00a0: liste d’attente (1 personne)');
		expect((await linkSent('pat@ccas.test', 'training-confirmed')).length).toBe(32);
	});

	it('a helper without an account: 4 fields, a link by e-mail; no seat until confirmed; the same answer for a known address', async () => {
		await requestRegistration(
			w.db,
			sessionId,
			{ firstName: 'Inès', lastName: 'Duval', email: 'Ines.Duval@exemple.fr', profile: 'volunteer' },
			links,
			'192.0.2.10'
		);
		const token = await linkSent('ines.duval@exemple.fr', 'training-confirm');
		expect(await registrationByToken(w.db, token)).toMatchObject({ status: 'pending', firstName: 'Inès', open: true, expired: false });
		// asked again: the same link again (one registration, one link for all its e-mails)
		await requestRegistration(
			w.db,
			sessionId,
			{ firstName: 'Inès', lastName: 'Duval', email: 'ines.duval@exemple.fr', profile: 'volunteer' },
			links,
			'192.0.2.10'
		);
		const again = await linkSent('ines.duval@exemple.fr', 'training-confirm');
		expect(again).toBe(token);
		await expect(
			registrationByToken(
				w.db,
				token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))
			)
		).rejects.toMatchObject({ code: 'not_found' });
		const placed = await confirmRegistration(w.db, again, links);
		expect(placed).toMatchObject({ status: 'waiting', rank: 2 });
		expect(await confirmRegistration(w.db, again, links)).toMatchObject({ status: 'waiting', rank: 2 });
		await expect(requestRegistration(w.db, sessionId, { firstName: '', lastName: 'x', email: 'x', profile: '' }, links)).rejects.toMatchObject({
			code: 'invalid',
			fields: { firstName: 'Indiquez votre prénom.', email: 'Indiquez une adresse e-mail valide, par exemple prenom.nom@exemple.fr.' }
		});
		// an address with a place is told so, the form answers the same
		await requestRegistration(w.db, sessionId, { firstName: 'Autre', lastName: 'Nom', email: 'pat@ccas.test', profile: 'other' }, links);
		expect((await linkSent('pat@ccas.test', 'training-already')).length).toBe(32);
	});

	it('cancelling a seat gives it to the next on the waiting list, who is told by e-mail; the link cancels too', async () => {
		const promoted = await cancelMine(w.db, prescriber, sessionId, links);
		expect(promoted.promoted).toBe(1);
		const rows = await w.db.db
			.select()
			.from(trainingRegistrations)
			.where(eq(trainingRegistrations.sessionId, sessionId))
			.orderBy(asc(trainingRegistrations.position));
		expect(rows.map((r) => `${r.email} ${r.status}`)).toEqual([
			'pat@ccas.test cancelled',
			'noa@mediatheque.test confirmed',
			'eli@clic.test confirmed',
			'ines.duval@exemple.fr waiting'
		]);
		const link = await linkSent('eli@clic.test', 'training-promoted');
		expect(await registrationByToken(w.db, link)).toMatchObject({ status: 'confirmed' });
		const ines = await linkSent('ines.duval@exemple.fr', 'training-waiting');
		expect(await registrationByToken(w.db, ines)).toMatchObject({ status: 'waiting', rank: 1 });
		await cancelByToken(w.db, link, links);
		expect(await registrationByToken(w.db, ines)).toMatchObject({ status: 'confirmed', rank: null });
		const [s] = await w.db.db.select().from(trainingSessions).where(eq(trainingSessions.id, sessionId));
		expect([s.seatsTaken, s.waitingCount]).toEqual([2, 0]);
		const actions = await w.db.db
			.select({ action: auditLog.action })
			.from(auditLog)
			.where(sql`${auditLog.action} like 'training.registration.%'`);
		expect(new Set(actions.map((a) => a.action))).toEqual(
			new Set([
				'training.registration.created',
				'training.registration.requested',
				'training.registration.confirmed',
				'training.registration.cancelled',
				'training.registration.promoted'
			])
		);
	});

	it('more seats promote the waiting list; fewer than those taken are refused', async () => {
		const t = await createTraining(w.db, coordinator, training({ title: 'Sécurité numérique', theme: 'security' }));
		const id = await createSession(w.db, coordinator, t, session({ capacity: '1' }));
		await registerWithAccount(w.db, prescriber, id, links);
		expect(await registerWithAccount(w.db, manager, id, links)).toMatchObject({ status: 'waiting' });
		await expect(updateSession(w.db, coordinator, id, session({ capacity: '1', status: 'draft' }), links)).rejects.toMatchObject({
			fields: { status: 'Des personnes sont inscrites\u00a0: la session reste publiée.' }
		});
		await updateSession(w.db, coordinator, id, session({ capacity: '3' }), links);
		expect(await sessionPage(w.db, manager, id)).toMatchObject({ mine: { status: 'confirmed' } });
		await expect(updateSession(w.db, coordinator, id, session({ capacity: '1' }), links)).rejects.toMatchObject({
			fields: { capacity: '2 personnes ont déjà une place\u00a0: la session garde au moins 2 places.' }
		});
		await expect(updateSession(w.db, otherManager, id, session(), links)).rejects.toMatchObject({ code: 'forbidden' });
	});

	it('lists the registrants for the organisers, and exports them for a spreadsheet without formulas (journaled)', async () => {
		const t = await createTraining(w.db, coordinator, training({ title: 'Liste' }));
		const id = await createSession(w.db, coordinator, t, session());
		await requestRegistration(w.db, id, { firstName: '+33 cmd', lastName: '-Calc', email: 'formule@exemple.fr', profile: 'person' }, links);
		await confirmRegistration(w.db, await linkSent('formule@exemple.fr', 'training-confirm'), links);
		await registerWithAccount(w.db, prescriber, id, links);
		const d = await sessionForOrganiser(w.db, coordinator, id);
		expect(d.registrants.map((r) => [r.lastName, r.statusLabel, r.withAccount])).toEqual([
			['-Calc', 'Inscrit', false],
			['Prescripteur', 'Inscrit', true]
		]);
		await expect(sessionForOrganiser(w.db, prescriber, id)).rejects.toMatchObject({ code: 'forbidden' });
		const { csv } = await registrantsCsv(w.db, coordinator, id);
		const lines = csv.split('\r\n');
		expect(lines[0]).toBe('\ufeffNom;Prénom;E-mail;Profil;Structure;État;Rang en liste d’attente;Inscription;Compte professionnel');
		expect(lines[1].startsWith("'-Calc;'+33 cmd;formule@exemple.fr;Personne accompagnée;;Inscrit;;")).toBe(true);
		expect(lines[1].endsWith(';non')).toBe(true);
		const [e] = await w.db.db.select().from(auditLog).where(eq(auditLog.action, 'training.registrants.exported'));
		expect(e.details).toMatchObject({ title: 'Liste', rows: 2 });
		expect(JSON.stringify(e.details)).not.toContain('formule');
	});
});

/** The .ics of the last e-mail of this template sent to this address, parsed back by node-ical. */
async function icsSent(to: string, template: string) {
	const [m] = await w.db.db
		.select({ ics: outbox.ics, method: outbox.icsMethod })
		.from(outbox)
		.where(and(eq(outbox.to, to), eq(outbox.template, template)))
		.orderBy(sql`${outbox.createdAt} desc`)
		.limit(1);
	if (!m?.ics) throw new Error(`no ${template} .ics to ${to}`);
	const events = Object.values(ical.sync.parseICS(m.ics)).filter((c): c is VEvent => c?.type === 'VEVENT');
	return { method: m.method, text: m.ics, events };
}

describe('calendars in the e-mails', () => {
	it('a seat carries a REQUEST; a change of hours the same UID with SEQUENCE + 1 to those with a seat; a cancellation a CANCEL', async () => {
		const t = await createTraining(w.db, coordinator, training({ title: 'Agenda partagé' }));
		const id = await createSession(w.db, coordinator, t, session({ capacity: '1', slots: [{ day: day(40), start: '9:00', end: '12:00' }] }));
		await registerWithAccount(w.db, prescriber, id, links);
		expect(await registerWithAccount(w.db, manager, id, links)).toMatchObject({ status: 'waiting' });
		const first = await icsSent('pat@ccas.test', 'training-confirmed');
		expect(first.method).toBe('REQUEST');
		expect(first.text).toContain('METHOD:REQUEST');
		expect(first.text).toMatch(new RegExp(`DTSTART;TZID=Europe/Paris:${day(40).replaceAll('-', '')}T090000`));
		expect(first.events).toHaveLength(1);
		expect(Number(first.events[0].sequence)).toBe(0);
		expect(first.events[0].location).toContain('Médiathèque Lacépède');
		// the waiting list gets no calendar entry
		const [waiting] = await w.db.db
			.select({ ics: outbox.ics })
			.from(outbox)
			.where(and(eq(outbox.to, 'noa@mediatheque.test'), eq(outbox.template, 'training-waiting')));
		expect(waiting.ics).toBeNull();

		await updateSession(w.db, coordinator, id, session({ capacity: '1', slots: [{ day: day(40), start: '9:30', end: '12:00' }] }), links);
		const [s] = await w.db.db.select().from(trainingSessions).where(eq(trainingSessions.id, id));
		expect(s.icsSequence).toBe(1);
		const changed = await icsSent('pat@ccas.test', 'training-changed');
		expect(changed.events[0].uid).toBe(first.events[0].uid);
		expect(Number(changed.events[0].sequence)).toBe(1);
		expect(changed.text).toMatch(/DTSTART;TZID=Europe\/Paris:\d{8}T093000/);
		const none = await w.db.db
			.select()
			.from(outbox)
			.where(and(eq(outbox.to, 'noa@mediatheque.test'), eq(outbox.template, 'training-changed')));
		expect(none).toEqual([]);
		// a change that is not the calendar's (the seats) keeps the SEQUENCE and sends nothing
		await updateSession(
			w.db,
			coordinator,
			id,
			session({ capacity: '1', registrationDeadline: addDays(day(40), -2), slots: [{ day: day(40), start: '9:30', end: '12:00' }] }),
			links
		);
		expect((await w.db.db.select().from(trainingSessions).where(eq(trainingSessions.id, id)))[0].icsSequence).toBe(1);

		// the training's title is the entries' SUMMARY: renamed, the SEQUENCE moves on and those with a seat are told
		await updateTraining(w.db, coordinator, t, training({ title: 'Agenda partagé, nouvelle formule' }));
		const renamed = await icsSent('pat@ccas.test', 'training-changed');
		expect(Number(renamed.events[0].sequence)).toBe(2);
		expect(renamed.events[0].summary).toBe('Agenda partagé, nouvelle formule');

		await cancelMine(w.db, prescriber, id, links);
		const cancelled = await icsSent('pat@ccas.test', 'training-cancelled');
		expect(cancelled.method).toBe('CANCEL');
		expect(cancelled.text).toContain('METHOD:CANCEL');
		expect(cancelled.events[0]).toMatchObject({ uid: first.events[0].uid, status: 'CANCELLED' });
		expect(Number(cancelled.events[0].sequence)).toBe(2);
		// the next one promoted gets the current entry
		const promoted = await icsSent('noa@mediatheque.test', 'training-promoted');
		expect(Number(promoted.events[0].sequence)).toBe(2);
		expect(promoted.events[0].status).toBe('CONFIRMED');
	});
});

describe('the reminders', () => {
	it('at D-7 and D-1 (Paris days), to the registrants with a seat only, each once however often the job runs', async () => {
		const t = await createTraining(w.db, coordinator, training({ title: 'Rappels' }));
		const id = await createSession(w.db, coordinator, t, session({ capacity: '1', slots: [{ day: day(7), start: '9:00', end: '12:00' }] }));
		await registerWithAccount(w.db, prescriber, id, links);
		expect(await registerWithAccount(w.db, manager, id, links)).toMatchObject({ status: 'waiting' });
		const sent = async (to: string, template: string) =>
			(
				await w.db.db
					.select()
					.from(outbox)
					.where(and(eq(outbox.to, to), eq(outbox.template, template)))
			).length;
		expect(await remindRegistrants(w.db, links)).toMatchObject({ d7: 1 });
		expect(await remindRegistrants(w.db, links)).toEqual({ d7: 0, d1: 0 });
		expect(await sent('pat@ccas.test', 'training-reminder-d7')).toBe(1);
		expect(await sent('noa@mediatheque.test', 'training-reminder-d7')).toBe(0);
		const sixDaysOn = new Date(Date.now() + 6 * 86_400_000);
		expect(await remindRegistrants(w.db, links, sixDaysOn)).toMatchObject({ d1: 1 });
		expect(await remindRegistrants(w.db, links, sixDaysOn)).toEqual({ d7: 0, d1: 0 });
		expect(await sent('pat@ccas.test', 'training-reminder-d1')).toBe(1);
		const [r] = await w.db.db
			.select()
			.from(trainingRegistrations)
			.where(and(eq(trainingRegistrations.sessionId, id), eq(trainingRegistrations.email, 'pat@ccas.test')));
		expect(r.remindedD7At).not.toBeNull();
		expect(r.remindedD1At).not.toBeNull();
	});
});

describe('calendar feeds by secret address', () => {
	const secretOf = (url: string) => /\/formations\/agenda\/([A-Za-z0-9_-]{32})\.ics$/.exec(url)![1];
	it('a personal feed: my seats only, nothing of the others; the same address until renewed, then the old one is unknown', async () => {
		const t = await createTraining(w.db, coordinator, training({ title: 'Flux personnel', format: 'webinar' }));
		const id = await createSession(
			w.db,
			coordinator,
			t,
			session({ placeId: '', location: '', broadcastUrl: 'https://visio.example.fr/flux', slots: [{ day: day(50), start: '14:00', end: '16:00' }] })
		);
		await registerWithAccount(w.db, prescriber, id, links);
		await registerWithAccount(w.db, manager, id, links);
		await expect(myFeed(w.db, null, links)).rejects.toMatchObject({ code: 'unauthenticated' });
		const url = await myFeed(w.db, prescriber, links);
		expect(url).toMatch(/^http:\/\/localhost:3000\/formations\/agenda\/[A-Za-z0-9_-]{32}\.ics$/);
		expect(await myFeed(w.db, prescriber, links)).toBe(url);
		const text = (await feedBySecret(w.db, secretOf(url), links))!;
		expect(text).toContain('METHOD:PUBLISH');
		const events = Object.values(ical.sync.parseICS(text)).filter((c): c is VEvent => c?.type === 'VEVENT');
		expect(events.some((e) => e.summary === 'Flux personnel')).toBe(true);
		expect(text).toContain('https://visio.example.fr/flux');
		expect(text).not.toMatch(/noa@|Noa|ATTENDEE|pat@ccas/);
		const renewed = await myFeed(w.db, prescriber, links, { renew: true });
		expect(renewed).not.toBe(url);
		expect(await feedBySecret(w.db, secretOf(url), links)).toBeNull();
		expect(await feedBySecret(w.db, secretOf(renewed), links)).toContain('Flux personnel');
		expect(await feedBySecret(w.db, 'A'.repeat(32), links)).toBeNull();
		expect(await feedBySecret(w.db, '../etc', links)).toBeNull();
	});

	it('an organiser’s feed: the structure’s sessions with counts, no names; its managers and the coordination only', async () => {
		const url = await organiserFeed(w.db, coordinator, cd47, links);
		const text = (await feedBySecret(w.db, secretOf(url), links))!;
		expect(text).toContain('SUMMARY:Flux personnel');
		expect(text).toMatch(/2 inscrits sur 10 places/);
		expect(text).not.toMatch(/Prescripteur|Pat |pat@|noa@|ATTENDEE/);
		await expect(organiserFeed(w.db, otherManager, cd47, links)).rejects.toMatchObject({ code: 'forbidden' });
		await expect(organiserFeed(w.db, coordinator33, cd47, links)).rejects.toMatchObject({ code: 'forbidden' });
		const renewed = await organiserFeed(w.db, coordinator, cd47, links, { renew: true });
		expect(await feedBySecret(w.db, secretOf(url), links)).toBeNull();
		expect(await feedBySecret(w.db, secretOf(renewed), links)).toContain('Flux personnel');
	});
});

describe('no overbooking under concurrency', () => {
	it('100 registrations at once for 10 seats: 10 confirmed, 90 waiting, promoted in order when seats free up', async () => {
		const t = await createTraining(w.db, coordinator, training({ title: 'Forte demande' }));
		const id = await createSession(w.db, coordinator, t, session({ capacity: '10' }));
		const emails = Array.from({ length: 100 }, (_, i) => `aidant${i}@exemple.fr`);
		await Promise.all(emails.map((email, i) => requestRegistration(w.db, id, { firstName: 'Aidant', lastName: `N${i}`, email, profile: 'volunteer' }, links)));
		const tokens = await Promise.all(emails.map((e) => linkSent(e, 'training-confirm')));
		const results = await Promise.all(tokens.map((tk) => confirmRegistration(w.db, tk, links)));
		expect(results.filter((r) => r.status === 'confirmed')).toHaveLength(10);
		expect(results.filter((r) => r.status === 'waiting')).toHaveLength(90);
		expect(
			results
				.map((r) => r.rank)
				.filter((r) => r !== null)
				.sort((a, b) => a! - b!)
		).toEqual(Array.from({ length: 90 }, (_, i) => i + 1));
		const [s] = await w.db.db.select().from(trainingSessions).where(eq(trainingSessions.id, id));
		expect([s.seatsTaken, s.waitingCount, s.lastPosition]).toEqual([10, 90, 100]);
		const rows = await w.db.db.select().from(trainingRegistrations).where(eq(trainingRegistrations.sessionId, id)).orderBy(asc(trainingRegistrations.position));
		expect(rows.map((r) => r.position)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
		expect(rows.slice(0, 10).every((r) => r.status === 'confirmed')).toBe(true);
		// three seats freed at once: the first three of the waiting list, in order
		const firstWaiting = rows.slice(10, 13).map((r) => r.id);
		const confirmedTokens = tokens.filter((_, i) => results[i].status === 'confirmed').slice(0, 3);
		await Promise.all(confirmedTokens.map((tk) => cancelByToken(w.db, tk, links)));
		const after = await w.db.db
			.select()
			.from(trainingRegistrations)
			.where(eq(trainingRegistrations.sessionId, id))
			.orderBy(asc(trainingRegistrations.position));
		expect(after.filter((r) => r.promotedAt).map((r) => r.id)).toEqual(firstWaiting);
		expect(after.filter((r) => r.status === 'confirmed')).toHaveLength(10);
		expect(after.filter((r) => r.status === 'waiting')).toHaveLength(87);
		const [s2] = await w.db.db.select().from(trainingSessions).where(eq(trainingSessions.id, id));
		expect([s2.seatsTaken, s2.waitingCount]).toEqual([10, 87]);
		const mails = await w.db.db.select({ to: outbox.to }).from(outbox).where(eq(outbox.template, 'training-promoted'));
		const promotedEmails = after.filter((r) => r.promotedAt).map((r) => r.email);
		for (const e of promotedEmails) expect(mails.map((m) => m.to)).toContain(e);
	}, 120_000);
});

describe('the catalogue', () => {
	it('lists the published sessions to come with their filters; a draft is the organisers’; a place shows its sessions', async () => {
		const t = await createTraining(w.db, coordinator, training({ title: 'Repérer les fragilités', theme: 'detection', audiences: ['france_services'] }));
		const at = await createSession(w.db, coordinator, t, session({ placeId: boe, slots: [{ day: day(40), start: '9h', end: '12h' }] }));
		const draft = await createSession(w.db, coordinator, t, session({ status: 'draft', slots: [{ day: day(41), start: '9h', end: '12h' }] }));
		const web = await createTraining(w.db, coordinator, training({ title: 'Webinaire ameli', format: 'webinar', theme: 'procedures', audiences: ['public'] }));
		await createSession(
			w.db,
			coordinator,
			web,
			session({ placeId: '', broadcastUrl: 'https://visio.exemple.fr/ameli', capacity: '', slots: [{ day: day(45), start: '10h', end: '11h30' }] })
		);
		const all = await catalogue(w.db, parseCatalogueFilter(new URLSearchParams()));
		expect(all.items.map((i) => i.id)).toContain(at);
		expect(all.items.map((i) => i.id)).not.toContain(draft);
		const fs = await catalogue(w.db, parseCatalogueFilter(new URLSearchParams('public=france_services&theme=detection')));
		expect(fs.items.map((i) => i.title)).toEqual(['Repérer les fragilités']);
		expect(fs.items[0]).toMatchObject({ where: 'France services de Boé, Boé', seats: '10 places restantes sur 10', open: true, hours: '3\u00a0h' });
		const month = day(45).slice(0, 7);
		const webinars = await catalogue(w.db, parseCatalogueFilter(new URLSearchParams(`public=public&mois=${month}`)));
		expect(webinars.items.map((i) => [i.title, i.where, i.seats, i.hours])).toEqual([
			['Webinaire ameli', 'En ligne', 'Places sans limite', '1\u00a0h\u00a030']
		]);
		const epci = all.choices.areas.flatMap((g) => g.options).find((o) => o.label.includes('Agen'));
		expect(epci, 'the EPCI of Agen in the choices').toBeTruthy();
		const agen = await catalogue(w.db, parseCatalogueFilter(new URLSearchParams(`territoire=${epci!.value}&theme=detection`)));
		expect(agen.items.map((i) => i.title)).toEqual(['Repérer les fragilités']);
		await expect(sessionPage(w.db, null, draft)).rejects.toMatchObject({ code: 'not_found' });
		expect((await sessionPage(w.db, coordinator, draft)).manage).toBe(true);
		const page = await sessionPage(w.db, null, at);
		expect(page).toMatchObject({
			state: 'open',
			broadcastUrl: null,
			mine: null,
			manage: false,
			training: { trainer: 'Claire Formatrice, Campus Numérique 47' }
		});
		expect((await placeSessions(w.db, boe)).map((s) => s.title)).toEqual(['Repérer les fragilités']);
	});
});

describe('places merged', () => {
	it('move the sessions and relay groups held at the merged place to the survivor (maillage_move_place_references)', async () => {
		const t = await createTraining(w.db, coordinator, training({ title: 'Fusion', format: 'relayed_webinar' }));
		const id = await createSession(w.db, coordinator, t, session({ placeId: '', broadcastUrl: 'https://visio.exemple.fr/f' }));
		const here = await createSession(w.db, coordinator, await createTraining(w.db, coordinator, training({ title: 'Sur place' })), session({ placeId: boe }));
		const villeneuve = await w.place('EPN de Villeneuve-sur-Lot');
		await w.db.db.insert(trainingRelays).values([
			{ sessionId: id, departmentCode: '47', placeId: boe },
			{ sessionId: id, departmentCode: '47', placeId: villeneuve }
		]);
		await mergePlaces(w.db, coordinator, { survivorId: villeneuve, otherId: boe, choices: {} });
		const [s] = await w.db.db.select().from(trainingSessions).where(eq(trainingSessions.id, here));
		expect(s.placeId).toBe(villeneuve);
		const relays = await w.db.db.select().from(trainingRelays).where(eq(trainingRelays.sessionId, id));
		expect(relays.map((r) => r.placeId)).toEqual([villeneuve]);
		boe = villeneuve;
	});
});

describe('personal data', () => {
	it('exports and erases the registrations made with the person’s address', async () => {
		const t = await createTraining(w.db, coordinator, training({ title: 'Webinaire CAF', format: 'webinar', audiences: ['public'] }));
		const id = await createSession(w.db, coordinator, t, session({ placeId: '', broadcastUrl: 'https://visio.exemple.fr/caf', capacity: '1' }));
		await requestRegistration(w.db, id, { firstName: 'Rosa', lastName: 'Lafitte', email: 'rosa@exemple.fr', profile: 'person' }, links);
		await confirmRegistration(w.db, await linkSent('rosa@exemple.fr', 'training-confirm'), links);
		const person = { id: 'x', departmentCode: '47', phone: null, email: 'rosa@exemple.fr' };
		const exported = await personalData.exportOf!(w.db.db, person);
		expect(exported).toMatchObject({ trainings: [{ training: 'Webinaire CAF', state: 'Inscrit', firstName: 'Rosa' }] });
		await w.db.db.transaction((tx) => personalData.erase!(tx, person, new Date()));
		expect(await w.db.db.select().from(trainingRegistrations).where(eq(trainingRegistrations.email, 'rosa@exemple.fr'))).toEqual([]);
		const [s] = await w.db.db.select().from(trainingSessions).where(eq(trainingSessions.id, id));
		expect(s.seatsTaken).toBe(0);
	});
});

describe.skipIf(!onPostgres())('row-level security (PostgreSQL)', () => {
	it('shows the catalogue to anyone, drafts and registrations only within the training’s département (and a registrant their own)', async () => {
		const request = await w.requestDatabase(4);
		const as = <T>(actor: Actor | null, fn: () => Promise<T>) =>
			runInScope(fn, { departments: actor ? scopeOf(actor) : '', userId: actor?.userId ?? '', owner: '', voucherCode: '' });
		const t = await createTraining(w.db, coordinator, training({ title: 'RLS' }));
		const published = await createSession(w.db, coordinator, t, session());
		const draft = await createSession(w.db, coordinator, t, session({ status: 'draft', slots: [{ day: day(50), start: '9h', end: '12h' }] }));
		await registerWithAccount(w.db, prescriber, published, links);
		const count =
			(table: string, where = sql`true`) =>
			async () =>
				(await request.query<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)} where ${where}`))[0].n;
		const sessionsOf = (id: string) => count('training_sessions', sql`id = ${id}`);
		expect(await as(null, sessionsOf(published))).toBe(1);
		expect(await as(null, sessionsOf(draft))).toBe(0);
		expect(await as(coordinator33, sessionsOf(draft))).toBe(0);
		expect(await as(coordinator, sessionsOf(draft))).toBe(1);
		const regs = count('training_registrations', sql`session_id = ${published}`);
		expect(await as(null, regs)).toBe(0);
		expect(await as(coordinator33, regs)).toBe(0);
		expect(await as(coordinator, regs)).toBe(1);
		// the registrant sees their own, in whatever département
		expect(await as(prescriber, regs)).toBe(1);
		// through the use cases: another département's coordinator is refused, and would see nothing
		await expect(as(coordinator33, () => sessionForOrganiser(request, coordinator33, published))).rejects.toMatchObject({ code: 'forbidden' });
		await expect(as(null, () => sessionPage(request, null, draft))).rejects.toMatchObject({ code: 'not_found' });
		expect((await as(null, () => sessionPage(request, null, published))).training.title).toBe('RLS');
		// the anonymous catalogue reads through the policies
		const cat = await as(null, () => catalogue(request, parseCatalogueFilter(new URLSearchParams())));
		expect(cat.items.map((i) => i.id)).toContain(published);
		expect(cat.items.map((i) => i.id)).not.toContain(draft);
		// an organiser's writes and reads through the request role
		const mine = await as(coordinator, () => createTraining(request, coordinator, training({ title: 'RLS, par le rôle des requêtes' })));
		await as(coordinator, () => createSession(request, coordinator, mine, session()));
		await as(manager, () => createTraining(request, manager, training({ organiserId: mediatheque, title: 'RLS, une structure' })));
		expect((await as(coordinator, () => registrantsCsv(request, coordinator, published))).csv).toContain('pat@ccas.test');
		expect((await as(coordinator, () => organisedTrainings(request, coordinator))).trainings.map((x) => x.title)).toContain('RLS, par le rôle des requêtes');
		await as(coordinator, () => updateSession(request, coordinator, published, session({ capacity: '12' }), links));
		await expect(as(coordinator33, () => updateSession(request, coordinator33, published, session({ capacity: '12' }), links))).rejects.toMatchObject({
			code: 'forbidden'
		});
	});
});
