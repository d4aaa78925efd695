/**
 * Issue 17, relayed webinars, events and the organiser's cancellations, attacked through the
 * use cases and, on PostgreSQL, through the request role (row-level security):
 * - a relay is registered, and its attendance recorded, by the place's own team only: not by
 *   another structure's manager, not by the département's coordinator by rank, never for a
 *   place of another département; crafted fields (another session's slot, another
 *   structure's registrant, a count out of range, a made-up place) change nothing;
 * - only the training's organisers cancel a session or a registration (not the place's
 *   manager, not another département's coordinator), and a registration of another session
 *   is not reached through this one;
 * - another département's requests neither read nor write the relays and their headcounts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { openWorld, type World } from '../world.ts';
import { onPostgres } from '../db.ts';
import type { Actor } from '../../src/lib/server/accounts/index.ts';
import { scopeOf } from '../../src/lib/server/accounts/index.ts';
import { runInScope } from '../../src/lib/server/db/request-scope.ts';
import { places } from '../../src/lib/server/places/db.ts';
import { addDays, parisDay } from '../../src/lib/time.ts';
import { trainingRegistrations, trainingRelayAttendance, trainingSlots } from '../../src/lib/server/trainings/db.ts';
import {
	cancelRegistration,
	cancelSession,
	createEvent,
	createSession,
	createTraining,
	recordRelayAttendance,
	registerRelay,
	registerWithAccount,
	relayPage,
	sessionRelays,
	updateEvent,
	withdrawRelay
} from '../../src/lib/server/trainings/index.ts';

const links = { origin: 'http://localhost:3000', instanceName: 'maillage (tests)' };
const day = (n: number) => addDays(parisDay(), n);

let w: World;
let coordinator: Actor;
let manager: Actor;
let mediator: Actor;
let otherManager: Actor;
let team33: Actor;
let coordinator33: Actor;
let prescriber: Actor;
let cd47: string;
let lacepede: string;
let boe: string;
let relayed: string;
let onSite: string;

const training = (over: Record<string, unknown> = {}) => ({
	organiserId: cd47,
	title: 'Webinaire relayé',
	objectives: 'Savoir faire une demande en ligne sans faire à la place de la personne.',
	programme: '',
	audiences: ['france_services'],
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
	slots: [{ day: day(20), start: '10:00', end: '11:30' }],
	placeId: '',
	location: '',
	broadcastUrl: 'https://visio.example.fr/x',
	capacity: '1',
	registrationDeadline: '',
	status: 'published',
	eventId: '',
	...over
});

beforeAll(async () => {
	w = await openWorld({ places: 'agen' });
	cd47 = await w.organisation('Département de Lot-et-Garonne', 'departement');
	const mediatheque = await w.organisation('Médiathèque Lacépède', 'mediatheque');
	const other = await w.organisation('Association Clic', 'association');
	const asso33 = await w.organisation('Association girondine', 'association', '33');
	const cd33 = await w.organisation('Département de la Gironde', 'departement', '33');
	const ccas = await w.organisation('CCAS de Nérac', 'ccas');
	coordinator = await w.member('cam@cd47.test', cd47, 'coordinator');
	manager = await w.member('noa@mediatheque.test', mediatheque, 'place_manager');
	mediator = await w.member('max@mediatheque.test', mediatheque, 'mediator');
	otherManager = await w.member('eli@clic.test', other, 'place_manager');
	team33 = await w.member('lou@asso33.test', asso33, 'place_manager');
	coordinator33 = await w.member('dom@cd33.test', cd33, 'coordinator');
	prescriber = await w.member('pat@ccas.test', ccas, 'prescriber');
	lacepede = await w.runs(mediatheque, 'Médiathèque Lacépède');
	boe = await w.runs(asso33, 'France services de Boé');
	await w.db.db.update(places).set({ departmentCode: '33' }).where(eq(places.id, boe));
	relayed = await createSession(w.db, coordinator, await createTraining(w.db, coordinator, training()), session());
	onSite = await createSession(
		w.db,
		coordinator,
		await createTraining(w.db, coordinator, training({ format: 'on_site', title: 'Sur place' })),
		session({ placeId: lacepede, broadcastUrl: '' })
	);
}, 120_000);

afterAll(async () => {
	await w?.close();
});

describe('relays: the place’s own team only', () => {
	it('refuses anyone else, another département’s place, a made-up place; crafted attendance changes nothing', async () => {
		for (const who of [otherManager, coordinator, coordinator33, prescriber])
			await expect(registerRelay(w.db, who, relayed, { placeId: lacepede })).rejects.toMatchObject({ code: 'forbidden' });
		await expect(registerRelay(w.db, team33, relayed, { placeId: boe })).rejects.toMatchObject({ code: 'forbidden' });
		await expect(registerRelay(w.db, manager, relayed, { placeId: 'lieu-invente' })).rejects.toMatchObject({ code: 'forbidden' });
		await expect(registerRelay(w.db, manager, relayed, { placeId: boe })).rejects.toMatchObject({ code: 'forbidden' });
		await expect(registerRelay(w.db, manager, 'pas-un-uuid', { placeId: lacepede })).rejects.toMatchObject({ code: 'not_found' });
		const relay = await registerRelay(w.db, mediator, relayed, { placeId: lacepede, expected: '10' });

		for (const who of [otherManager, coordinator33, team33]) {
			await expect(relayPage(w.db, who, relay)).rejects.toMatchObject({ code: 'forbidden' });
			await expect(recordRelayAttendance(w.db, who, relay, { counts: {}, present: {} })).rejects.toMatchObject({ code: 'forbidden' });
			await expect(withdrawRelay(w.db, who, relay)).rejects.toMatchObject({ code: 'forbidden' });
		}
		// another session's slot, a registrant of another structure, out of range counts
		const [foreignSlot] = await w.db.db.select().from(trainingSlots).where(eq(trainingSlots.sessionId, onSite));
		const foreign = await registerWithAccount(w.db, prescriber, relayed, links);
		const page = await relayPage(w.db, manager, relay);
		for (const bad of ['-1', '501', '1e3', ' 12abc'])
			await expect(recordRelayAttendance(w.db, manager, relay, { counts: { [`slot-${page.slots[0].id}`]: bad }, present: {} })).rejects.toMatchObject({
				code: 'invalid'
			});
		// a registrant of another structure ticked by hand: refused, nothing written
		await expect(
			recordRelayAttendance(
				w.db,
				manager,
				relay,
				{ counts: { [`slot-${page.slots[0].id}`]: '7' }, present: { [page.slots[0].id]: [foreign.id] } },
				{ today: day(20) }
			)
		).rejects.toMatchObject({ code: 'invalid' });
		// another session's slot: left alone
		await recordRelayAttendance(w.db, manager, relay, {
			counts: { [`slot-${foreignSlot.id}`]: '40', [`slot-${page.slots[0].id}`]: '7' },
			present: { [foreignSlot.id]: [] }
		});
		const rows = await w.db.db.select().from(trainingRelayAttendance).where(eq(trainingRelayAttendance.relayId, relay));
		expect(rows.map((r) => [r.slotId, r.attendees])).toEqual([[page.slots[0].id, 7]]);
		expect((await w.db.db.select().from(trainingRegistrations).where(eq(trainingRegistrations.id, foreign.id)))[0].relayId).toBeNull();
		// the organisers read the relays; nobody else
		expect((await sessionRelays(w.db, coordinator, relayed)).relays).toHaveLength(1);
		for (const who of [manager, otherManager, coordinator33]) await expect(sessionRelays(w.db, who, relayed)).rejects.toMatchObject({ code: 'forbidden' });
	});
});

describe('cancellations and events: the organisers only', () => {
	it('refuses a session’s or a registration’s cancellation to anyone but its organisers, and another session’s registration', async () => {
		const a = await registerWithAccount(w.db, otherManager, onSite, links);
		for (const who of [manager, mediator, otherManager, coordinator33, prescriber]) {
			await expect(cancelSession(w.db, who, onSite, {}, links)).rejects.toMatchObject({ code: 'forbidden' });
			await expect(cancelRegistration(w.db, who, onSite, a.id, links)).rejects.toMatchObject({ code: 'forbidden' });
		}
		const foreign = (await w.db.db.select().from(trainingRegistrations).where(eq(trainingRegistrations.sessionId, relayed)))[0];
		await expect(cancelRegistration(w.db, coordinator, onSite, foreign.id, links)).rejects.toMatchObject({ code: 'not_found' });
		await expect(cancelRegistration(w.db, coordinator, onSite, 'x', links)).rejects.toMatchObject({ code: 'not_found' });
		await expect(cancelSession(w.db, coordinator, onSite, { reason: 'x'.repeat(501) }, links)).rejects.toMatchObject({ code: 'invalid' });
		// an event: created and edited by its organisers only; another organiser's sessions are not attached by a crafted list
		const input = { organiserId: cd47, title: 'Forum', description: '', startsOn: day(40), endsOn: '', placeId: '', location: '', status: 'published' };
		for (const who of [manager, otherManager, coordinator33]) await expect(createEvent(w.db, who, input)).rejects.toMatchObject({ code: 'forbidden' });
		await expect(createEvent(w.db, coordinator, { ...input, placeId: boe })).rejects.toMatchObject({ code: 'invalid' });
		const event = await createEvent(w.db, coordinator, input);
		for (const who of [manager, otherManager, coordinator33])
			await expect(updateEvent(w.db, who, event, input, [onSite])).rejects.toMatchObject({ code: 'forbidden' });
	});
});

describe.skipIf(!onPostgres())('row-level security (PostgreSQL)', () => {
	it('keeps the relays’ writes and headcounts within the session’s département', async () => {
		const request = await w.requestDatabase(4);
		const as = <T>(actor: Actor | null, fn: () => Promise<T>) =>
			runInScope(fn, { departments: actor ? scopeOf(actor) : '', userId: actor?.userId ?? '', owner: '', voucherCode: '' });
		const s = await createSession(w.db, coordinator, await createTraining(w.db, coordinator, training({ title: 'RLS relais' })), session());
		const relay = await as(mediator, () => registerRelay(request, mediator, s, { placeId: lacepede, expected: '5' }));
		const page = await as(mediator, () => relayPage(request, mediator, relay));
		await as(mediator, () => recordRelayAttendance(request, mediator, relay, { counts: { [`slot-${page.slots[0].id}`]: '5' }, present: {} }));
		const count = (where: ReturnType<typeof sql>) => async () =>
			(await request.query<{ n: number }>(sql`select count(*)::int as n from training_relay_attendance where ${where}`))[0].n;
		expect(await as(coordinator, count(sql`relay_id = ${relay}`))).toBe(1);
		expect(await as(coordinator33, count(sql`relay_id = ${relay}`))).toBe(0);
		expect(await as(null, count(sql`relay_id = ${relay}`))).toBe(0);
		// a Gironde request cannot write a relay or a headcount of Lot-et-Garonne, even by hand
		await expect(
			as(team33, () => request.query(sql`insert into training_relays (session_id, department_code, place_id) values (${s}, '47', ${boe})`))
		).rejects.toThrow();
		await expect(
			as(team33, () =>
				request.query(
					sql`insert into training_relay_attendance (relay_id, slot_id, department_code, attendees) values (${relay}, ${page.slots[0].id}, '47', 99)`
				)
			)
		).rejects.toThrow();
		expect(await as(coordinator, count(sql`relay_id = ${relay} and attendees = 5`))).toBe(1);
		// the organiser cancels through the request role
		await as(coordinator, () => cancelSession(request, coordinator, s, { reason: 'RLS' }, links));
		await expect(as(coordinator33, () => cancelSession(request, coordinator33, onSite, {}, links))).rejects.toMatchObject({ code: 'forbidden' });
	});
});
