/**
 * Attendance (issue 17, item 5): per half-day, each registrant with a seat is present or
 * absent — ticked on screen during the session (`screen`), or copied from the signed paper
 * sheet afterwards (`sheet`). The organisers and the members of the structure that trains
 * (can('training.attendance')); reads and writes within the training's département
 * (row-level security). A slot is checked in from its day on (Paris), never before; each
 * save replaces the half-day's marks for every registrant with a seat in one transaction
 * with its journal entry (counts only, never a name).
 */
import { and, asc, eq, gte, inArray, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, organisationNames, type Actor } from '../accounts/index.ts';
import { placeCard } from '../places/index.ts';
import { addDays, parisDay } from '../../time.ts';
import { trainingAttendance, trainingRegistrations, trainingSessions, trainingSlots, trainings } from './db.ts';
import { slotLabel, slotMinutes } from './model.ts';
import { NO_SESSION, TrainingError, loadSession, loadTraining, mayManage, slotsOf, userActor } from './internal.ts';

export type AttendanceMethod = 'screen' | 'sheet';
export const ATTENDANCE_METHODS: Record<string, string> = {
	screen: 'pointée à l’écran',
	sheet: 'reportée de la feuille d’émargement',
	relay: 'relevée au lieu relais'
};

const FORBIDDEN = 'Seules la structure qui organise la formation, la coordination du département et la structure qui forme tiennent les présences.';

/** Whether the actor checks in this training's sessions. */
export const mayCheckIn = (
	actor: Actor | null,
	t: { departmentCode: string; organiserOrganisationId: string; trainerOrganisationId: string | null }
): boolean =>
	can(actor, 'training.attendance', {
		departmentCode: t.departmentCode,
		organisationId: t.organiserOrganisationId,
		trainerOrganisationId: t.trainerOrganisationId
	});

/** A session's half-days and its registrants with a seat, with the marks recorded so far. */
export async function sessionAttendance(database: Database, actor: Actor, sessionId: string, trainingId?: string, today = parisDay()) {
	const s = await loadSession(database.db, sessionId);
	if (trainingId && s.trainingId !== trainingId) throw new TrainingError('not_found', NO_SESSION);
	const t = await loadTraining(database.db, s.trainingId);
	if (!mayCheckIn(actor, t)) throw new TrainingError('forbidden', FORBIDDEN);
	const slots = (await slotsOf(database.db, [s.id])).get(s.id) ?? [];
	const [registrants, marks, place, names] = await Promise.all([
		database.db
			.select({
				id: trainingRegistrations.id,
				firstName: trainingRegistrations.firstName,
				lastName: trainingRegistrations.lastName,
				structure: trainingRegistrations.structureName
			})
			.from(trainingRegistrations)
			.where(and(eq(trainingRegistrations.sessionId, s.id), eq(trainingRegistrations.status, 'confirmed')))
			.orderBy(asc(trainingRegistrations.lastName), asc(trainingRegistrations.firstName)),
		slots.length
			? database.db
					.select()
					.from(trainingAttendance)
					.where(
						inArray(
							trainingAttendance.slotId,
							slots.map((x) => x.id)
						)
					)
			: Promise.resolve([]),
		s.placeId ? placeCard(database.db, s.placeId) : Promise.resolve(undefined),
		organisationNames(database.db, [t.organiserOrganisationId])
	]);
	const bySlot = new Map<string, Map<string, { present: boolean; method: string }>>();
	for (const m of marks) {
		if (!bySlot.has(m.slotId)) bySlot.set(m.slotId, new Map());
		bySlot.get(m.slotId)!.set(m.registrationId, { present: m.present, method: m.method });
	}
	return {
		training: t,
		session: s,
		/** an organiser (beyond the trainer's structure): issues and revokes the attestations */
		organiser: mayManage(actor, t),
		organiserName: names.get(t.organiserOrganisationId) ?? '',
		place: [place ? `${place.nom}, ${place.adresse}, ${place.codePostal} ${place.commune}` : '', s.location].filter(Boolean).join(' – '),
		trainer: [t.trainerPerson, t.trainerStructure].filter(Boolean).join(', '),
		slots: slots.map((x) => ({
			...x,
			label: slotLabel(x),
			minutes: slotMinutes(x),
			open: x.day <= today,
			recorded: bySlot.has(x.id),
			marks: bySlot.get(x.id) ?? new Map<string, { present: boolean; method: string }>()
		})),
		registrants: registrants.map((r) => ({ ...r, name: `${r.lastName.toUpperCase()} ${r.firstName}` }))
	};
}

export type SessionAttendance = Awaited<ReturnType<typeof sessionAttendance>>;

/**
 * A half-day's attendance saved: `present` the registrations ticked, every other registrant
 * with a seat absent. Replaces what was recorded for that half-day, except a presence
 * recorded at a relay place (method `relay`), which stays unless ticked here too.
 */
export async function recordAttendance(
	database: Database,
	actor: Actor,
	input: { sessionId: string; trainingId?: string; slotId: string; present: readonly string[]; method: AttendanceMethod },
	opts: { ip?: string | null; today?: string } = {}
): Promise<{ present: number; absent: number }> {
	const d = await sessionAttendance(database, actor, input.sessionId, input.trainingId, opts.today);
	if (d.session.status !== 'published') throw new TrainingError('conflict', 'Cette session n’est pas publiée ou elle est annulée\u00a0: pas de présences.');
	const slot = d.slots.find((x) => x.id === input.slotId);
	if (!slot) throw new TrainingError('not_found', 'Cette demi-journée n’appartient pas à la session.');
	if (!slot.open) throw new TrainingError('invalid', 'Cette demi-journée n’a pas encore eu lieu\u00a0: les présences se notent à partir de son jour.');
	if (input.method !== 'screen' && input.method !== 'sheet') throw new TrainingError('invalid', 'Indiquez comment les présences ont été relevées.');
	const seated = new Set(d.registrants.map((r) => r.id));
	const unknown = input.present.filter((id) => !seated.has(id));
	if (unknown.length) throw new TrainingError('invalid', 'Une personne cochée n’a pas de place dans cette session.');
	const present = new Set(input.present);
	const now = new Date();
	await database.db.transaction(async (tx) => {
		// the slot's row first: two saves of the same half-day take turns
		await tx.select({ id: trainingSlots.id }).from(trainingSlots).where(eq(trainingSlots.id, slot.id)).for('update');
		if (seated.size)
			await tx
				.insert(trainingAttendance)
				.values(
					d.registrants.map((r) => ({
						registrationId: r.id,
						slotId: slot.id,
						departmentCode: d.training.departmentCode,
						present: present.has(r.id),
						method: input.method,
						recordedBy: actor.userId,
						recordedAt: now
					}))
				)
				.onConflictDoUpdate({
					target: [trainingAttendance.registrationId, trainingAttendance.slotId],
					set: { present: sql`excluded.present`, method: sql`excluded.method`, recordedBy: actor.userId, recordedAt: now },
					// a presence recorded at a relay place (relays.ts) is not undone by the room's sheet, where that person was not
					setWhere: sql`${trainingAttendance.method} <> 'relay' OR excluded.present`
				});
		await journal(tx, {
			actor: userActor(actor),
			action: 'training.attendance.recorded',
			targetType: 'training_session',
			targetId: d.session.id,
			departmentCode: d.training.departmentCode,
			ip: opts.ip,
			details: { title: d.training.title, day: slot.day, half: slot.half, method: input.method, present: present.size, absent: seated.size - present.size }
		});
	});
	return { present: present.size, absent: seated.size - present.size };
}

/** The sign-in sheet of a half-day is printed (journaled: names leave the application on paper). */
export async function sheetPrinted(database: Database, actor: Actor, d: SessionAttendance, slotDay: string, ip?: string | null): Promise<void> {
	await journal(database.db, {
		actor: userActor(actor),
		action: 'training.sheet.printed',
		targetType: 'training_session',
		targetId: d.session.id,
		departmentCode: d.training.departmentCode,
		ip,
		details: { title: d.training.title, day: slotDay, rows: d.registrants.length }
	});
}

/** How far back « the sessions my structure runs » go: the attendance and attestations of the last three months are still followed up. */
export const ANIMATED_PAST_DAYS = 92;

/**
 * « Les sessions que ma structure anime »: the sessions of the trainings one of the actor's
 * structures trains (`trainerOrganisationId`) or organises, that the actor may check in
 * (can('training.attendance'): any member of the trainer's structure, the organiser's
 * managers, the coordination), from three months ago on: dates, seats and registrants
 * counts (no name), the half-days whose attendance is recorded, and the links the actor may
 * follow. Read as the request role (row-level security keeps each département's own).
 */
export async function animatedSessions(database: Database, actor: Actor, today = parisDay()) {
	const mine = [...new Set(actor.memberships.map((m) => m.organisationId))];
	if (!mine.length) return [];
	const rows = (
		await database.db
			.select()
			.from(trainings)
			.where(or(inArray(trainings.trainerOrganisationId, mine), inArray(trainings.organiserOrganisationId, mine)))
	).filter((t) => mayCheckIn(actor, t));
	if (!rows.length) return [];
	const from = addDays(today, -ANIMATED_PAST_DAYS);
	const sessions = await database.db
		.select()
		.from(trainingSessions)
		.where(
			and(
				inArray(
					trainingSessions.trainingId,
					rows.map((t) => t.id)
				),
				gte(trainingSessions.lastDay, from)
			)
		);
	if (!sessions.length) return [];
	const ids = sessions.map((s) => s.id);
	const [slots, recorded, present, names] = await Promise.all([
		slotsOf(database.db, ids),
		database.db
			.selectDistinct({ slotId: trainingAttendance.slotId })
			.from(trainingAttendance)
			.innerJoin(trainingSlots, eq(trainingSlots.id, trainingAttendance.slotId))
			.where(inArray(trainingSlots.sessionId, ids)),
		database.db
			.select({ sessionId: trainingSlots.sessionId, n: sql<number>`count(distinct ${trainingAttendance.registrationId})::int` })
			.from(trainingAttendance)
			.innerJoin(trainingSlots, eq(trainingSlots.id, trainingAttendance.slotId))
			.where(and(inArray(trainingSlots.sessionId, ids), eq(trainingAttendance.present, true)))
			.groupBy(trainingSlots.sessionId),
		organisationNames(database.db, [...new Set(rows.flatMap((t) => [t.organiserOrganisationId, t.trainerOrganisationId]))])
	]);
	const done = new Set(recorded.map((r) => r.slotId));
	const byTraining = new Map(rows.map((t) => [t.id, t]));
	return sessions
		.map((s) => {
			const t = byTraining.get(s.trainingId)!;
			const sl = slots.get(s.id) ?? [];
			const ours = (id: string | null) => !!id && actor.memberships.some((m) => m.organisationId === id && m.departmentCode === t.departmentCode);
			return {
				id: s.id,
				trainingId: t.id,
				title: t.title,
				status: s.status,
				format: t.format,
				firstDay: s.firstDay,
				lastDay: s.lastDay,
				past: s.lastDay < today,
				when: sl.map(slotLabel),
				/** what the actor's structure does in it */
				part: ours(t.trainerOrganisationId) ? ('trainer' as const) : ('organiser' as const),
				organiser: names.get(t.organiserOrganisationId) ?? '',
				trainer: t.trainerOrganisationId ? (names.get(t.trainerOrganisationId) ?? '') : [t.trainerPerson, t.trainerStructure].filter(Boolean).join(', '),
				capacity: s.capacity,
				seatsTaken: s.seatsTaken,
				waiting: s.waitingCount,
				halfDays: sl.length,
				recorded: sl.filter((x) => done.has(x.id)).length,
				present: present.find((p) => p.sessionId === s.id)?.n ?? 0,
				manage: mayManage(actor, t)
			};
		})
		.sort((a, b) => (a.past !== b.past ? (a.past ? 1 : -1) : a.past ? (a.firstDay < b.firstDay ? 1 : -1) : a.firstDay < b.firstDay ? -1 : 1));
}

export type AnimatedSession = Awaited<ReturnType<typeof animatedSessions>>[number];
