/**
 * The organisers' side: a training created and edited (what the catalogue says of it), its
 * sessions and their half-day slots; the list of what the actor organises. The département's
 * coordinators and the managers of the organising structure (can('training.manage')). Each
 * write is one transaction with its journal entry: bad input writes nothing.
 */
import { and, asc, desc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Database, Tx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { queueMail } from '../mail/index.ts';
import { fieldErrors, organisationInDepartment, organisationNames, organisationSummaries, type Actor } from '../accounts/index.ts';
import { placeCard, placeForReferral } from '../places/index.ts';
import { parisDay } from '../../time.ts';
import {
	trainingAttendance,
	trainingEvents,
	trainingRegistrations,
	trainingSessions,
	trainingSlots,
	trainings,
	type Training,
	type TrainingSession
} from './db.ts';
import { checkSlots, defaultDeadline, isWebinar, sessionInput, trainingInput, type Half, type TrainingInput } from './model.ts';
import {
	TrainingError,
	NO_SESSION,
	eventChoices,
	loadSession,
	mailLinks,
	loadTraining,
	mayManage,
	mustManage,
	organiserScope,
	placeChoices,
	slotsOf,
	userActor
} from './internal.ts';
import { AUDIENCES, FORMATS, THEMES } from './model.ts';
import { promoteWaiting, sessionWords } from './seats.ts';
import { changedMail, registrationLink } from './messages.ts';
import { linkToken } from './tokens.ts';
import type { Links } from './messages.ts';

const INCOMPLETE = 'La formation n’est pas complète.';
const SESSION_INCOMPLETE = 'La session n’est pas complète.';

/** The form checked against the organiser's département: every field error at once. */
async function checkTraining(
	database: Database,
	actor: Actor,
	input: unknown
): Promise<{ v: TrainingInput; departmentCode: string; trainerStructure: string }> {
	const parsed = trainingInput.safeParse(input);
	if (!parsed.success) throw new TrainingError('invalid', INCOMPLETE, fieldErrors(parsed.error.issues));
	const v = parsed.data;
	const orgs = await organisationSummaries(database.db, [v.organiserId, v.trainerOrganisationId]);
	const organiser = orgs.get(v.organiserId);
	if (!organiser || !organiser.active) throw new TrainingError('invalid', INCOMPLETE, { organiserId: 'Choisissez la structure qui organise la formation.' });
	mustManage(actor, { departmentCode: organiser.departmentCode, organiserOrganisationId: organiser.id });
	const fields: Record<string, string> = {};
	let trainerStructure = v.trainerStructure;
	if (v.trainerOrganisationId) {
		const trainer = await organisationInDepartment(database.db, v.trainerOrganisationId, organiser.departmentCode);
		if (!trainer) fields.trainerOrganisationId = 'Choisissez une structure du département, ou écrivez son nom.';
		else if (!trainerStructure) trainerStructure = orgs.get(v.trainerOrganisationId)?.name ?? '';
	}
	if (!trainerStructure) fields.trainerStructure = 'Indiquez la structure qui forme (choisissez-la dans la liste, ou écrivez son nom).';
	if (Object.keys(fields).length) throw new TrainingError('invalid', INCOMPLETE, fields);
	return { v, departmentCode: organiser.departmentCode, trainerStructure };
}

const trainingRow = (v: TrainingInput, trainerStructure: string) => ({
	organiserOrganisationId: v.organiserId,
	title: v.title,
	objectives: v.objectives,
	programme: v.programme,
	audiences: [...new Set(v.audiences)],
	theme: v.theme,
	format: v.format,
	trainerOrganisationId: v.trainerOrganisationId,
	trainerStructure,
	trainerPerson: v.trainerPerson,
	prerequisites: v.prerequisites,
	accessibility: v.accessibility
});

export async function createTraining(database: Database, actor: Actor, input: unknown, ip?: string | null): Promise<string> {
	const { v, departmentCode, trainerStructure } = await checkTraining(database, actor, input);
	return database.db.transaction(async (tx) => {
		const [row] = await tx
			.insert(trainings)
			.values({ ...trainingRow(v, trainerStructure), departmentCode, createdBy: actor.userId, updatedBy: actor.userId })
			.returning({ id: trainings.id });
		await journal(tx, {
			actor: userActor(actor),
			action: 'training.created',
			targetType: 'training',
			targetId: row.id,
			departmentCode,
			ip,
			details: { title: v.title, format: v.format, organisationId: v.organiserId }
		});
		return row.id;
	});
}

const TRAINING_FIELDS = [
	'organiserOrganisationId',
	'title',
	'objectives',
	'programme',
	'audiences',
	'theme',
	'format',
	'trainerOrganisationId',
	'trainerStructure',
	'trainerPerson',
	'prerequisites',
	'accessibility'
] as const;

export async function updateTraining(database: Database, actor: Actor, id: string, input: unknown, ip?: string | null): Promise<void> {
	const current = await loadTraining(database.db, id);
	mustManage(actor, current);
	const { v, departmentCode, trainerStructure } = await checkTraining(database, actor, input);
	if (departmentCode !== current.departmentCode)
		throw new TrainingError('invalid', INCOMPLETE, { organiserId: 'Choisissez une structure du même département que la formation.' });
	const next = trainingRow(v, trainerStructure);
	const links = await mailLinks(database);
	await database.db.transaction(async (tx) => {
		const [before] = await tx.select().from(trainings).where(eq(trainings.id, id)).for('update');
		const fields = TRAINING_FIELDS.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(next[k]));
		if (!fields.length) return;
		if (fields.includes('format') && isWebinar(before.format) !== isWebinar(next.format)) {
			const [{ n }] = await tx
				.select({ n: sql<number>`count(*)::int` })
				.from(trainingSessions)
				.where(and(eq(trainingSessions.trainingId, id), sql`${trainingSessions.seatsTaken} + ${trainingSessions.waitingCount} > 0`));
			if (n)
				throw new TrainingError('invalid', INCOMPLETE, {
					format: 'Des personnes sont inscrites\u00a0: une formation sur place ne devient pas un webinaire (ni l’inverse).'
				});
		}
		await tx
			.update(trainings)
			.set({ ...next, updatedBy: actor.userId, updatedAt: new Date() })
			.where(eq(trainings.id, id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'training.updated',
			targetType: 'training',
			targetId: id,
			departmentCode: current.departmentCode,
			ip,
			details: { title: v.title, fields }
		});
		// the title is the calendars' SUMMARY: the published sessions to come move on their SEQUENCE, and those with a seat are told
		if (fields.includes('title')) {
			const moved = await tx
				.update(trainingSessions)
				.set({ icsSequence: sql`${trainingSessions.icsSequence} + 1` })
				.where(and(eq(trainingSessions.trainingId, id), eq(trainingSessions.status, 'published'), sql`${trainingSessions.lastDay} >= ${parisDay()}`))
				.returning();
			for (const s of moved) await mailChange(database, tx, s, links);
		}
	});
}

interface CheckedSession {
	row: Pick<
		TrainingSession,
		'placeId' | 'communeCode' | 'location' | 'broadcastUrl' | 'capacity' | 'registrationDeadline' | 'firstDay' | 'lastDay' | 'status' | 'eventId'
	>;
	slots: { day: string; half: Half; startTime: string; endTime: string }[];
}

async function checkSession(database: Database, t: Training, input: unknown, today: string): Promise<CheckedSession> {
	const parsed = sessionInput.safeParse(input);
	const fields: Record<string, string> = parsed.success ? {} : fieldErrors(parsed.error.issues);
	if (!parsed.success) throw new TrainingError('invalid', SESSION_INCOMPLETE, fields);
	const v = parsed.data;
	const checked = checkSlots(v.slots, today);
	Object.assign(fields, checked.fields);
	let communeCode: string | null = null;
	if (v.placeId) {
		const [place, card] = await Promise.all([placeForReferral(database.db, v.placeId), placeCard(database.db, v.placeId)]);
		if (!place || place.departmentCode !== t.departmentCode) fields.placeId = 'Choisissez un lieu du département.';
		else if (place.closure === 'permanent') fields.placeId = 'Ce lieu est fermé définitivement.';
		else communeCode = card?.codeInsee ?? null;
	}
	if (t.format === 'on_site' && !v.placeId && !v.location) fields.placeId = 'Dites où a lieu la session\u00a0: choisissez un lieu, ou écrivez l’adresse.';
	if (isWebinar(t.format) && v.status === 'published' && !v.broadcastUrl)
		fields.broadcastUrl = 'Indiquez le lien du webinaire\u00a0: il est envoyé aux personnes inscrites.';
	if (v.eventId) {
		const [e] = await database.db
			.select({ id: trainingEvents.id })
			.from(trainingEvents)
			.where(and(eq(trainingEvents.id, v.eventId), eq(trainingEvents.departmentCode, t.departmentCode)));
		if (!e) fields.eventId = 'Choisissez un événement du département, ou aucun.';
	}
	const first = checked.slots[0];
	const last = checked.slots.at(-1);
	if (first && v.registrationDeadline && v.registrationDeadline > first.day)
		fields.registrationDeadline = 'La date limite d’inscription est au plus tard le jour de la première demi-journée.';
	if (Object.keys(fields).length || !first || !last) throw new TrainingError('invalid', SESSION_INCOMPLETE, fields);
	return {
		row: {
			placeId: v.placeId,
			communeCode,
			location: v.location,
			broadcastUrl: isWebinar(t.format) ? v.broadcastUrl : null,
			capacity: v.capacity,
			registrationDeadline: v.registrationDeadline ?? defaultDeadline(first.day, today),
			firstDay: first.day,
			lastDay: last.day,
			status: v.status,
			eventId: v.eventId
		},
		slots: checked.slots
	};
}

export async function createSession(
	database: Database,
	actor: Actor,
	trainingId: string,
	input: unknown,
	ip?: string | null,
	today = parisDay()
): Promise<string> {
	const t = await loadTraining(database.db, trainingId);
	mustManage(actor, t);
	const c = await checkSession(database, t, input, today);
	return database.db.transaction(async (tx) => {
		const [row] = await tx
			.insert(trainingSessions)
			.values({ ...c.row, trainingId: t.id, departmentCode: t.departmentCode, createdBy: actor.userId, updatedBy: actor.userId })
			.returning({ id: trainingSessions.id });
		await tx.insert(trainingSlots).values(c.slots.map((s) => ({ ...s, sessionId: row.id })));
		await journal(tx, {
			actor: userActor(actor),
			action: 'training.session.created',
			targetType: 'training_session',
			targetId: row.id,
			departmentCode: t.departmentCode,
			ip,
			details: { title: t.title, firstDay: c.row.firstDay, status: c.row.status, capacity: c.row.capacity }
		});
		return row.id;
	});
}

/** The slots of a session replaced by those of the form, half-day by half-day (a half-day with attendance recorded cannot go). */
async function writeSlots(tx: Tx, sessionId: string, next: CheckedSession['slots']): Promise<boolean> {
	const current = await tx.select().from(trainingSlots).where(eq(trainingSlots.sessionId, sessionId));
	const key = (s: { day: string; half: string }) => `${s.day} ${s.half}`;
	const wanted = new Map(next.map((s) => [key(s), s]));
	const gone = current.filter((s) => !wanted.has(key(s)));
	if (gone.length) {
		const [{ n }] = await tx
			.select({ n: sql<number>`count(*)::int` })
			.from(trainingAttendance)
			.where(
				inArray(
					trainingAttendance.slotId,
					gone.map((s) => s.id)
				)
			);
		if (n) throw new TrainingError('invalid', SESSION_INCOMPLETE, { slots: 'Une demi-journée dont la présence est enregistrée ne peut pas être retirée.' });
		await tx.delete(trainingSlots).where(
			inArray(
				trainingSlots.id,
				gone.map((s) => s.id)
			)
		);
	}
	let changed = gone.length > 0;
	for (const s of next) {
		const was = current.find((c) => key(c) === key(s));
		if (!was) {
			await tx.insert(trainingSlots).values({ ...s, sessionId });
			changed = true;
		} else if (was.startTime !== s.startTime || was.endTime !== s.endTime) {
			await tx.update(trainingSlots).set({ startTime: s.startTime, endTime: s.endTime }).where(eq(trainingSlots.id, was.id));
			changed = true;
		}
	}
	return changed;
}

/**
 * A session edited. Seats never go below those taken; more seats promote the waiting list
 * (in order, each person told by e-mail). A change of dates, place or link increments the
 * calendar entry's SEQUENCE (RFC 5545), so that the calendars of the registrants update.
 */
export async function updateSession(
	database: Database,
	actor: Actor,
	sessionId: string,
	input: unknown,
	links: Links,
	opts: { ip?: string | null; trainingId?: string; today?: string } = {}
): Promise<void> {
	const { ip, today = parisDay() } = opts;
	const current = await loadSession(database.db, sessionId);
	// the session of the address's training only
	if (opts.trainingId && current.trainingId !== opts.trainingId) throw new TrainingError('not_found', NO_SESSION);
	const t = await loadTraining(database.db, current.trainingId);
	mustManage(actor, t);
	const c = await checkSession(database, t, input, today);
	await database.db.transaction(async (tx) => {
		const [s] = await tx.select().from(trainingSessions).where(eq(trainingSessions.id, sessionId)).for('update');
		if (s.status === 'cancelled') throw new TrainingError('conflict', 'Cette session est annulée\u00a0: elle ne se modifie plus.');
		if (c.row.capacity !== null && c.row.capacity < s.seatsTaken)
			throw new TrainingError('invalid', SESSION_INCOMPLETE, {
				capacity: `${s.seatsTaken} personnes ont déjà une place\u00a0: la session garde au moins ${s.seatsTaken} places.`
			});
		if (s.status === 'published' && c.row.status === 'draft' && s.seatsTaken + s.waitingCount > 0)
			throw new TrainingError('invalid', SESSION_INCOMPLETE, { status: 'Des personnes sont inscrites\u00a0: la session reste publiée.' });
		const slotsChanged = await writeSlots(tx, sessionId, c.slots);
		const fields: string[] = (['placeId', 'location', 'broadcastUrl', 'capacity', 'registrationDeadline', 'status', 'eventId'] as const).filter(
			(k) => s[k] !== c.row[k]
		);
		if (slotsChanged) fields.push('slots');
		if (!fields.length) return;
		const calendar = slotsChanged || s.placeId !== c.row.placeId || s.location !== c.row.location || s.broadcastUrl !== c.row.broadcastUrl;
		const next = { ...s, ...c.row, icsSequence: s.icsSequence + (calendar && s.status === 'published' ? 1 : 0) };
		await tx
			.update(trainingSessions)
			.set({ ...c.row, icsSequence: next.icsSequence, updatedBy: actor.userId, updatedAt: new Date() })
			.where(eq(trainingSessions.id, sessionId));
		await journal(tx, {
			actor: userActor(actor),
			action: 'training.session.updated',
			targetType: 'training_session',
			targetId: sessionId,
			departmentCode: t.departmentCode,
			ip,
			details: { title: t.title, firstDay: c.row.firstDay, fields, ...(s.capacity !== c.row.capacity ? { from: s.capacity, to: c.row.capacity } : {}) }
		});
		if (next.icsSequence !== s.icsSequence) await mailChange(database, tx, next, links);
		await promoteWaiting(database, tx, next, links);
	});
}

/** The session's dates, place or link changed (its SEQUENCE moved on): each registrant with a seat gets the change and its .ics, in the change's transaction. */
async function mailChange(database: Database, tx: Tx, s: TrainingSession, links: Links): Promise<void> {
	const seated = await tx
		.select({ id: trainingRegistrations.id, email: trainingRegistrations.email, firstName: trainingRegistrations.firstName })
		.from(trainingRegistrations)
		.where(and(eq(trainingRegistrations.sessionId, s.id), eq(trainingRegistrations.status, 'confirmed')));
	if (!seated.length) return;
	const words = await sessionWords(tx, s);
	for (const r of seated)
		await queueMail(database, tx, changedMail({ to: r.email, firstName: r.firstName, session: words, link: registrationLink(links, linkToken(r.id)), links }));
}

/** What the actor organises: the trainings of their départements (coordinators) and of their structures (managers), each with its sessions. */
export async function organisedTrainings(database: Database, actor: Actor, today = parisDay()) {
	const scope = await organiserScope(database, actor);
	const coordinated = scope.departments.filter((d) => mayManage(actor, { departmentCode: d, organiserOrganisationId: '' }));
	const orgIds = scope.organisations.map((o) => o.id);
	if (!coordinated.length && !orgIds.length) return { scope, trainings: [] };
	const rows = await database.db
		.select()
		.from(trainings)
		.where(
			or(
				coordinated.length ? inArray(trainings.departmentCode, coordinated) : undefined,
				orgIds.length ? inArray(trainings.organiserOrganisationId, orgIds) : undefined
			)
		)
		.orderBy(asc(trainings.title));
	const mine = rows.filter((t) => mayManage(actor, t));
	const sessions = mine.length
		? await database.db
				.select()
				.from(trainingSessions)
				.where(
					inArray(
						trainingSessions.trainingId,
						mine.map((t) => t.id)
					)
				)
				.orderBy(desc(trainingSessions.firstDay))
		: [];
	const names = await organisationNames(
		database.db,
		mine.map((t) => t.organiserOrganisationId)
	);
	return {
		scope,
		trainings: mine.map((t) => {
			const own = sessions.filter((s) => s.trainingId === t.id);
			return {
				...t,
				organiser: names.get(t.organiserOrganisationId) ?? 'Structure inconnue',
				upcoming: own.filter((s) => s.lastDay >= today).sort((a, b) => (a.firstDay < b.firstDay ? -1 : 1)),
				past: own.filter((s) => s.lastDay < today).length
			};
		})
	};
}

/** One training for its organisers: its fields and every session, with its slots and seats. */
export async function trainingForOrganiser(database: Database, actor: Actor, id: string) {
	const t = await loadTraining(database.db, id);
	mustManage(actor, t);
	const sessions = await database.db.select().from(trainingSessions).where(eq(trainingSessions.trainingId, id)).orderBy(asc(trainingSessions.firstDay));
	const slots = await slotsOf(
		database.db,
		sessions.map((s) => s.id)
	);
	const names = await organisationNames(database.db, [t.organiserOrganisationId]);
	return {
		training: t,
		organiser: names.get(t.organiserOrganisationId) ?? 'Structure inconnue',
		sessions: sessions.map((s) => ({ ...s, slots: slots.get(s.id) ?? [] }))
	};
}

/** What the training's form offers: the structures the actor organises for (and may name as trainer), the vocabularies. */
export async function trainingFormChoices(database: Database, actor: Actor) {
	const scope = await organiserScope(database, actor);
	if (!scope.organisations.length)
		throw new TrainingError('forbidden', 'Les formations sont organisées par la coordination du département et par les responsables de structure.');
	return {
		organisations: scope.organisations.map((o) => ({ value: o.id, label: scope.departments.length > 1 ? `${o.name} (${o.departmentCode})` : o.name })),
		audiences: Object.entries(AUDIENCES).map(([value, label]) => ({ value, label })),
		themes: Object.entries(THEMES).map(([value, label]) => ({ value, label })),
		formats: Object.entries(FORMATS).map(([value, label]) => ({ value, label }))
	};
}

/** What the session's form offers: the places of the training's département, its events. */
export async function sessionFormChoices(database: Database, actor: Actor, trainingId: string) {
	const t = await loadTraining(database.db, trainingId);
	mustManage(actor, t);
	const [places, events] = await Promise.all([placeChoices(database, t.departmentCode), eventChoices(database.db, t.departmentCode)]);
	return {
		training: { id: t.id, title: t.title, format: t.format },
		places: places.map((p) => ({ value: p.id, label: p.label })),
		events: events.map((e) => ({ value: e.id, label: e.title }))
	};
}
