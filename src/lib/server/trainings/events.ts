/**
 * Events (issue 17, item 6): the yearly forum and other days grouping several sessions, each
 * with its own registrations. The organisers (can('training.manage') on the event's
 * organising structure) create and edit an event and attach their sessions to it (also from
 * the session's form); its public page (`/formations/evenements/<id>`) lists its sessions,
 * each with its seats and its own registration; the catalogue lists the events to come.
 */
import { and, asc, eq, gte, inArray, ne, or } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { fieldErrors, organisationNames, organisationSummaries, type Actor } from '../accounts/index.ts';
import { placeCard, placeForReferral } from '../places/index.ts';
import { parisDay } from '../../time.ts';
import { trainingEvents, trainingSessions, trainings } from './db.ts';
import { FORMATS, isUuid, registrationState, seatsLeft, seatsText, slotLabel, type Format } from './model.ts';
import { TrainingError, mayManage, mustManage, organiserScope, placeChoices, slotsOf, userActor } from './internal.ts';

const NO_EVENT = 'Cet événement n’existe pas, ou il n’est pas publié.';
const EVENT_INCOMPLETE = 'L’événement n’est pas complet.';
export const EVENT_STATUSES = { draft: 'Brouillon (non publié)', published: 'Publié' } as const;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
export const eventInput = z
	.object({
		organiserId: z.string().regex(/^[0-9a-f-]{36}$/i, { message: 'Choisissez la structure qui organise l’événement.' }),
		title: z.string().trim().min(3, { message: 'Donnez un titre à l’événement (3 caractères au moins).' }).max(160, { message: '160 caractères au plus.' }),
		description: z
			.string()
			.optional()
			.transform((s) => (s ?? '').trim())
			.refine((s) => s.length <= 2000, { message: '2\u00a0000 caractères au plus.' }),
		startsOn: z.string().regex(DAY, { message: 'Indiquez le premier jour (jj/mm/aaaa).' }),
		endsOn: z
			.string()
			.optional()
			.transform((s) => (s ?? '').trim()),
		placeId: z
			.string()
			.optional()
			.transform((s) => (s ?? '').trim() || null),
		location: z
			.string()
			.optional()
			.transform((s) => (s ?? '').trim())
			.refine((s) => s.length <= 300, { message: '300 caractères au plus.' }),
		status: z.enum(['draft', 'published'], { message: 'Dites si l’événement est publié.' })
	})
	.transform((v) => ({ ...v, endsOn: v.endsOn || v.startsOn }))
	.refine((v) => DAY.test(v.endsOn) && v.endsOn >= v.startsOn, { message: 'Le dernier jour vient après le premier (ou le même jour).', path: ['endsOn'] });
export type EventInput = z.infer<typeof eventInput>;

async function checkEvent(database: Database, actor: Actor, input: unknown) {
	const parsed = eventInput.safeParse(input);
	if (!parsed.success) throw new TrainingError('invalid', EVENT_INCOMPLETE, fieldErrors(parsed.error.issues));
	const v = parsed.data;
	const organiser = (await organisationSummaries(database.db, [v.organiserId])).get(v.organiserId);
	if (!organiser || !organiser.active)
		throw new TrainingError('invalid', EVENT_INCOMPLETE, { organiserId: 'Choisissez la structure qui organise l’événement.' });
	mustManage(actor, { departmentCode: organiser.departmentCode, organiserOrganisationId: organiser.id });
	if (v.placeId) {
		const place = await placeForReferral(database.db, v.placeId);
		if (!place || place.departmentCode !== organiser.departmentCode)
			throw new TrainingError('invalid', EVENT_INCOMPLETE, { placeId: 'Choisissez un lieu du département.' });
	}
	return { v, departmentCode: organiser.departmentCode };
}

const eventRow = (v: EventInput) => ({
	organiserOrganisationId: v.organiserId,
	title: v.title,
	description: v.description,
	startsOn: v.startsOn,
	endsOn: v.endsOn,
	placeId: v.placeId,
	location: v.location,
	status: v.status
});

export async function createEvent(database: Database, actor: Actor, input: unknown, ip?: string | null): Promise<string> {
	const { v, departmentCode } = await checkEvent(database, actor, input);
	return database.db.transaction(async (tx) => {
		const [row] = await tx
			.insert(trainingEvents)
			.values({ ...eventRow(v), departmentCode, createdBy: actor.userId, updatedBy: actor.userId })
			.returning({ id: trainingEvents.id });
		await journal(tx, {
			actor: userActor(actor),
			action: 'training.event.created',
			targetType: 'training_event',
			targetId: row.id,
			departmentCode,
			ip,
			details: { title: v.title, startsOn: v.startsOn }
		});
		return row.id;
	});
}

async function loadEvent(database: Database, id: string) {
	if (!isUuid(id)) throw new TrainingError('not_found', NO_EVENT);
	const [e] = await database.db.select().from(trainingEvents).where(eq(trainingEvents.id, id));
	if (!e) throw new TrainingError('not_found', NO_EVENT);
	return e;
}

/**
 * The event edited, and its sessions: `sessionIds` are those the actor attaches (sessions of
 * trainings they organise in the event's département); those of theirs not listed leave it.
 * The sessions of other organisers attached to it stay.
 */
export async function updateEvent(
	database: Database,
	actor: Actor,
	id: string,
	input: unknown,
	sessionIds: readonly string[] | null,
	ip?: string | null
): Promise<void> {
	const e = await loadEvent(database, id);
	mustManage(actor, { departmentCode: e.departmentCode, organiserOrganisationId: e.organiserOrganisationId });
	const { v, departmentCode } = await checkEvent(database, actor, input);
	if (departmentCode !== e.departmentCode)
		throw new TrainingError('invalid', EVENT_INCOMPLETE, { organiserId: 'Choisissez une structure du département de l’événement.' });
	const candidates = sessionIds === null ? [] : await attachable(database, actor, e.departmentCode, e.id);
	const wanted = new Set((sessionIds ?? []).filter((s) => candidates.some((c) => c.id === s)));
	await database.db.transaction(async (tx) => {
		await tx
			.update(trainingEvents)
			.set({ ...eventRow(v), updatedBy: actor.userId, updatedAt: new Date() })
			.where(eq(trainingEvents.id, e.id));
		if (sessionIds !== null) {
			const add = candidates.filter((c) => wanted.has(c.id) && c.eventId !== e.id).map((c) => c.id);
			const remove = candidates.filter((c) => !wanted.has(c.id) && c.eventId === e.id).map((c) => c.id);
			if (add.length)
				await tx.update(trainingSessions).set({ eventId: e.id, updatedBy: actor.userId, updatedAt: new Date() }).where(inArray(trainingSessions.id, add));
			if (remove.length)
				await tx.update(trainingSessions).set({ eventId: null, updatedBy: actor.userId, updatedAt: new Date() }).where(inArray(trainingSessions.id, remove));
		}
		await journal(tx, {
			actor: userActor(actor),
			action: 'training.event.updated',
			targetType: 'training_event',
			targetId: e.id,
			departmentCode: e.departmentCode,
			ip,
			details: { title: v.title, startsOn: v.startsOn, sessions: sessionIds === null ? undefined : wanted.size }
		});
	});
}

/** The sessions the actor may attach to an event of this département: those of trainings they organise, to come (or attached already), not cancelled. */
async function attachable(database: Database, actor: Actor, departmentCode: string, eventId: string | null) {
	const rows = await database.db
		.select({ s: trainingSessions, t: trainings })
		.from(trainingSessions)
		.innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
		.where(
			and(
				eq(trainingSessions.departmentCode, departmentCode),
				ne(trainingSessions.status, 'cancelled'),
				or(gte(trainingSessions.lastDay, parisDay()), eventId ? eq(trainingSessions.eventId, eventId) : undefined)
			)
		)
		.orderBy(asc(trainingSessions.firstDay));
	return rows.filter((r) => mayManage(actor, r.t)).map((r) => ({ id: r.s.id, title: r.t.title, firstDay: r.s.firstDay, eventId: r.s.eventId }));
}

/** The events the actor organises (their départements' as coordinator, their structures' as manager). */
export async function organisedEvents(database: Database, actor: Actor) {
	const scope = await organiserScope(database, actor);
	const orgIds = scope.organisations.map((o) => o.id);
	if (!orgIds.length) return { scope, events: [] };
	const rows = await database.db
		.select()
		.from(trainingEvents)
		.where(inArray(trainingEvents.organiserOrganisationId, orgIds))
		.orderBy(asc(trainingEvents.startsOn));
	const mine = rows.filter((e) => mayManage(actor, { departmentCode: e.departmentCode, organiserOrganisationId: e.organiserOrganisationId }));
	const names = await organisationNames(
		database.db,
		mine.map((e) => e.organiserOrganisationId)
	);
	return { scope, events: mine.map((e) => ({ ...e, organiser: names.get(e.organiserOrganisationId) ?? 'Structure inconnue' })) };
}

/** What the event's form offers: the structures the actor organises for, the places of their départements. */
export async function eventFormChoices(database: Database, actor: Actor, departmentCode?: string) {
	const scope = await organiserScope(database, actor);
	if (!scope.organisations.length)
		throw new TrainingError('forbidden', 'Les événements sont organisés par la coordination du département et par les responsables de structure.');
	const departments = departmentCode ? [departmentCode] : scope.departments;
	const places = (await Promise.all(departments.map((d) => placeChoices(database, d)))).flat();
	return {
		organisations: scope.organisations
			.filter((o) => !departmentCode || o.departmentCode === departmentCode)
			.map((o) => ({ value: o.id, label: scope.departments.length > 1 ? `${o.name} (${o.departmentCode})` : o.name })),
		places: places.map((p) => ({ value: p.id, label: p.label }))
	};
}

/** An event for its organisers: its fields, and the sessions they may attach (with those attached). */
export async function eventForOrganiser(database: Database, actor: Actor, id: string) {
	const e = await loadEvent(database, id);
	mustManage(actor, { departmentCode: e.departmentCode, organiserOrganisationId: e.organiserOrganisationId });
	const sessions = await attachable(database, actor, e.departmentCode, e.id);
	return { event: e, sessions: sessions.map((s) => ({ ...s, attached: s.eventId === e.id })) };
}

export interface EventPageSession {
	id: string;
	title: string;
	format: string;
	when: string[];
	seats: string;
	full: boolean;
	open: boolean;
	cancelled: boolean;
}

/** The event's public page: what it is, where, and its sessions (published or cancelled), each with its seats and whether one may register. */
export async function eventPage(database: Database, actor: Actor | null, id: string, now = new Date()) {
	const e = await loadEvent(database, id);
	const manage = mayManage(actor, { departmentCode: e.departmentCode, organiserOrganisationId: e.organiserOrganisationId });
	if (e.status === 'draft' && !manage) throw new TrainingError('not_found', NO_EVENT);
	const rows = await database.db
		.select({ s: trainingSessions, t: trainings })
		.from(trainingSessions)
		.innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
		.where(and(eq(trainingSessions.eventId, e.id), inArray(trainingSessions.status, ['published', 'cancelled'])))
		.orderBy(asc(trainingSessions.firstDay), asc(trainings.title));
	const slots = await slotsOf(
		database.db,
		rows.map((r) => r.s.id)
	);
	const place = e.placeId ? await placeCard(database.db, e.placeId) : undefined;
	const sessions: EventPageSession[] = rows
		.map(({ s, t }) => {
			const sl = slots.get(s.id) ?? [];
			return {
				id: s.id,
				title: t.title,
				format: FORMATS[t.format as Format] ?? t.format,
				when: sl.map(slotLabel),
				start: sl[0] ? `${sl[0].day} ${sl[0].startTime}` : s.firstDay,
				seats: seatsText(s.capacity, s.seatsTaken, s.waitingCount),
				full: seatsLeft(s.capacity, s.seatsTaken) === 0,
				open: registrationState(s, sl[0], now) === 'open',
				cancelled: s.status === 'cancelled'
			};
		})
		.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
		.map(({ start: _start, ...rest }) => rest);
	return {
		id: e.id,
		title: e.title,
		description: e.description,
		startsOn: e.startsOn,
		endsOn: e.endsOn,
		status: e.status,
		place: place ? { id: place.id, nom: place.nom, adresse: place.adresse, codePostal: place.codePostal, commune: place.commune } : null,
		location: e.location,
		sessions,
		manage
	};
}

/** The events to come for the catalogue: published, with their number of sessions open to the public. */
export async function upcomingEvents(database: Database, today = parisDay()) {
	const events = await database.db
		.select()
		.from(trainingEvents)
		.where(and(eq(trainingEvents.status, 'published'), gte(trainingEvents.endsOn, today)))
		.orderBy(asc(trainingEvents.startsOn));
	if (!events.length) return [];
	const sessions = await database.db
		.select({ eventId: trainingSessions.eventId })
		.from(trainingSessions)
		.where(
			and(
				inArray(
					trainingSessions.eventId,
					events.map((e) => e.id)
				),
				eq(trainingSessions.status, 'published')
			)
		);
	return events.map((e) => ({
		id: e.id,
		title: e.title,
		startsOn: e.startsOn,
		endsOn: e.endsOn,
		sessions: sessions.filter((s) => s.eventId === e.id).length
	}));
}
