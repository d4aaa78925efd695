/**
 * Relayed webinars (issue 17, item 4): one broadcast watched by groups at several places.
 * A member of a place's team (can('training.relay'): the mediators and managers of a
 * structure running the place) registers the place as a relay of a relayed-webinar session
 * of its département (the group's expected size, themselves as contact); the session's and
 * the place's public pages list the relays, so that the people helped can come and watch
 * there; the relay records its group's headcount per half-day (training_relay_attendance)
 * and marks present the registrants of its own structures who followed it there (written to
 * training_attendance with the method `relay`: their attestation, survey and figures count
 * them); the organisers see every relay with its headcounts.
 *
 * On the request's connection: row-level security keeps each write in the session's
 * département, can() narrows to the place's team (or the training's organisers for reading).
 */
import { and, asc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, placesRunBy, placeTeams, userContacts, type Actor } from '../accounts/index.ts';
import { placeCard, placeCards, placeForReferral } from '../places/index.ts';
import { parisDay } from '../../time.ts';
import { trainingAttendance, trainingRegistrations, trainingRelayAttendance, trainingRelays, trainingSessions, trainingSlots, trainings } from './db.ts';
import { isUuid, slotLabel } from './model.ts';
import { NO_SESSION, TrainingError, loadSession, loadTraining, mayManage, slotsOf, userActor } from './internal.ts';

const NO_RELAY = 'Ce lieu relais n’existe pas.';
const RELAY_INCOMPLETE = 'Le lieu relais n’est pas complet.';
const TEAM_ROLES = ['mediator', 'place_manager'];
/** the largest group a room holds, and a headcount */
export const MAX_GROUP = 500;

/** The structures of the actor's place teams, in which département each is. */
const teamMemberships = (actor: Actor) => actor.memberships.filter((m) => TEAM_ROLES.includes(m.role));

/** The places the actor's structures run (their teams), with their département: those it may register as relays. */
async function myPlaces(database: Database, actor: Actor) {
	const mine = teamMemberships(actor);
	const runs = await placesRunBy(
		database.db,
		mine.map((m) => m.organisationId)
	);
	const cards = await placeCards(
		database.db,
		runs.map((r) => r.placeId)
	);
	const out = new Map<string, { id: string; label: string; organisationId: string; departmentCode: string }>();
	for (const r of runs) {
		const card = cards.get(r.placeId);
		const m = mine.find((x) => x.organisationId === r.organisationId);
		if (card && m && !out.has(r.placeId))
			out.set(r.placeId, { id: r.placeId, label: `${card.commune} – ${card.nom}`, organisationId: r.organisationId, departmentCode: m.departmentCode });
	}
	return [...out.values()].sort((a, b) => a.label.localeCompare(b.label, 'fr'));
}

/** A relay's place, checked: the actor is of its team (a structure running it), and it is in the session's département. */
async function mustRelay(database: Database, actor: Actor, placeId: string, departmentCode: string): Promise<{ organisationId: string | null }> {
	const running = await placeTeams.organisationsRunning(database.db, placeId);
	if (!can(actor, 'training.relay', { placeOrganisationIds: running }))
		throw new TrainingError('forbidden', 'Seule l’équipe du lieu (ses médiateurs et ses responsables) peut l’inscrire comme lieu relais.');
	const place = await placeForReferral(database.db, placeId);
	if (!place || place.departmentCode !== departmentCode)
		throw new TrainingError('forbidden', 'Ce lieu n’est pas dans le département de la session\u00a0: il ne peut pas la relayer.');
	const org = running.find((o) => actor.memberships.some((m) => m.organisationId === o && TEAM_ROLES.includes(m.role)));
	return { organisationId: org ?? null };
}

/** What the relays' page offers the actor: the relayed webinars to come in the départements of their places, and their own relays. */
export async function relayChoices(database: Database, actor: Actor, today = parisDay()) {
	const places = await myPlaces(database, actor);
	const departments = [...new Set(places.map((p) => p.departmentCode))];
	const sessions = departments.length
		? await database.db
				.select({ s: trainingSessions, title: trainings.title })
				.from(trainingSessions)
				.innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
				.where(
					and(
						eq(trainings.format, 'relayed_webinar'),
						eq(trainingSessions.status, 'published'),
						gte(trainingSessions.lastDay, today),
						inArray(trainingSessions.departmentCode, departments)
					)
				)
				.orderBy(asc(trainingSessions.firstDay))
		: [];
	const relays = places.length
		? await database.db
				.select()
				.from(trainingRelays)
				.where(
					and(
						inArray(
							trainingRelays.placeId,
							places.map((p) => p.id)
						),
						eq(trainingRelays.status, 'open')
					)
				)
		: [];
	const slots = await slotsOf(database.db, [...sessions.map((r) => r.s.id), ...relays.map((r) => r.sessionId)]);
	const titles = new Map(sessions.map((r) => [r.s.id, r.title]));
	const missing = relays.filter((r) => !titles.has(r.sessionId)).map((r) => r.sessionId);
	if (missing.length)
		for (const r of await database.db
			.select({ id: trainingSessions.id, title: trainings.title })
			.from(trainingSessions)
			.innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
			.where(inArray(trainingSessions.id, missing)))
			titles.set(r.id, r.title);
	const placeLabel = new Map(places.map((p) => [p.id, p.label]));
	return {
		places: places.map((p) => ({ value: p.id, label: p.label, departmentCode: p.departmentCode })),
		sessions: sessions.map(({ s, title }) => ({
			id: s.id,
			title,
			departmentCode: s.departmentCode,
			when: (slots.get(s.id) ?? []).map(slotLabel),
			relayedAt: relays.filter((r) => r.sessionId === s.id).map((r) => placeLabel.get(r.placeId) ?? r.placeId)
		})),
		relays: relays
			.map((r) => ({
				id: r.id,
				sessionId: r.sessionId,
				title: titles.get(r.sessionId) ?? 'Formation',
				place: placeLabel.get(r.placeId) ?? r.placeId,
				expected: r.capacity,
				when: (slots.get(r.sessionId) ?? []).map(slotLabel),
				firstDay: slots.get(r.sessionId)?.[0]?.day ?? ''
			}))
			.sort((a, b) => (a.firstDay < b.firstDay ? -1 : 1))
	};
}

function parseExpected(raw: unknown): number | null | 'bad' {
	const text = typeof raw === 'string' ? raw.trim() : '';
	if (!text) return null;
	if (!/^\d{1,4}$/.test(text)) return 'bad';
	const n = Number(text);
	return n >= 1 && n <= MAX_GROUP ? n : 'bad';
}

/**
 * A place registered as a relay of a relayed-webinar session: the group's expected size
 * (optional), the actor as contact. Again after a withdrawal: the relay is open again.
 */
export async function registerRelay(
	database: Database,
	actor: Actor,
	sessionId: string,
	input: { placeId?: unknown; expected?: unknown },
	opts: { ip?: string | null; today?: string } = {}
): Promise<string> {
	const today = opts.today ?? parisDay();
	const s = await loadSession(database.db, sessionId);
	const t = await loadTraining(database.db, s.trainingId);
	if (s.status !== 'published') throw new TrainingError('not_found', NO_SESSION);
	if (t.format !== 'relayed_webinar') throw new TrainingError('conflict', 'Seul un webinaire relayé se suit en groupe dans un lieu relais.');
	if (s.lastDay < today) throw new TrainingError('conflict', 'Cette session est passée.');
	const placeId = typeof input.placeId === 'string' ? input.placeId : '';
	const expected = parseExpected(input.expected);
	if (!placeId) throw new TrainingError('invalid', RELAY_INCOMPLETE, { placeId: 'Choisissez le lieu qui accueille le groupe.' });
	if (expected === 'bad')
		throw new TrainingError('invalid', RELAY_INCOMPLETE, { expected: `Indiquez un nombre de personnes entre 1 et ${MAX_GROUP}, ou rien.` });
	const { organisationId } = await mustRelay(database, actor, placeId, s.departmentCode);
	const card = await placeCard(database.db, placeId);
	return database.db.transaction(async (tx) => {
		const [existing] = await tx
			.select()
			.from(trainingRelays)
			.where(and(eq(trainingRelays.sessionId, s.id), eq(trainingRelays.placeId, placeId)))
			.for('update');
		if (existing?.status === 'open') throw new TrainingError('conflict', 'Ce lieu relaie déjà cette session.');
		const values = {
			departmentCode: s.departmentCode,
			communeCode: card?.codeInsee ?? null,
			organisationId,
			contactUserId: actor.userId,
			capacity: expected,
			status: 'open',
			updatedAt: new Date()
		};
		const id = existing
			? (await tx.update(trainingRelays).set(values).where(eq(trainingRelays.id, existing.id)), existing.id)
			: (
					await tx
						.insert(trainingRelays)
						.values({ ...values, sessionId: s.id, placeId })
						.returning({ id: trainingRelays.id })
				)[0].id;
		await journal(tx, {
			actor: userActor(actor),
			action: 'training.relay.registered',
			targetType: 'training_relay',
			targetId: id,
			departmentCode: s.departmentCode,
			ip: opts.ip,
			details: { sessionId: s.id, title: t.title, placeId, expected }
		});
		return id;
	});
}

async function loadRelay(db: DbOrTx, id: string) {
	if (!isUuid(id)) throw new TrainingError('not_found', NO_RELAY);
	const [r] = await db.select().from(trainingRelays).where(eq(trainingRelays.id, id));
	if (!r) throw new TrainingError('not_found', NO_RELAY);
	return r;
}

/** The relay's page for its place's team: the session, per half-day its headcount and the registrants of its structures marked present here. */
export async function relayPage(database: Database, actor: Actor, relayId: string, today = parisDay()) {
	const r = await loadRelay(database.db, relayId);
	await mustRelay(database, actor, r.placeId, r.departmentCode);
	const s = await loadSession(database.db, r.sessionId);
	const t = await loadTraining(database.db, s.trainingId);
	const [slots, counts, card, running] = await Promise.all([
		slotsOf(database.db, [s.id]),
		database.db.select().from(trainingRelayAttendance).where(eq(trainingRelayAttendance.relayId, r.id)),
		placeCard(database.db, r.placeId),
		placeTeams.organisationsRunning(database.db, r.placeId)
	]);
	// the registrants who may be named: those of the structures running the place, with a seat (never anyone else's)
	const named = running.length
		? await database.db
				.select({
					id: trainingRegistrations.id,
					firstName: trainingRegistrations.firstName,
					lastName: trainingRegistrations.lastName,
					relayId: trainingRegistrations.relayId
				})
				.from(trainingRegistrations)
				.where(
					and(eq(trainingRegistrations.sessionId, s.id), eq(trainingRegistrations.status, 'confirmed'), inArray(trainingRegistrations.organisationId, running))
				)
				.orderBy(asc(trainingRegistrations.lastName), asc(trainingRegistrations.firstName))
		: [];
	const marks = named.length
		? await database.db
				.select()
				.from(trainingAttendance)
				.where(
					and(
						inArray(
							trainingAttendance.registrationId,
							named.map((n) => n.id)
						),
						eq(trainingAttendance.present, true)
					)
				)
		: [];
	const sl = slots.get(s.id) ?? [];
	return {
		relay: { id: r.id, status: r.status, expected: r.capacity },
		place: { id: r.placeId, label: card ? `${card.nom}, ${card.commune}` : r.placeId },
		session: { id: s.id, status: s.status, title: t.title },
		slots: sl.map((x) => ({
			id: x.id,
			label: slotLabel(x),
			/** recorded from the half-day's day on (Paris), never before */
			open: x.day <= today,
			attendees: counts.find((c) => c.slotId === x.id)?.attendees ?? null,
			/** the registrants marked present at this half-day: here (`relay`), or by the organisers in the room (`elsewhere`) */
			present: Object.fromEntries(
				marks
					.filter((m) => m.slotId === x.id)
					.map((m) => [m.registrationId, m.method === 'relay' && named.find((n) => n.id === m.registrationId)?.relayId === r.id ? 'here' : 'elsewhere'])
			) as Record<string, 'here' | 'elsewhere'>
		})),
		registrants: named.map((n) => ({ id: n.id, name: `${n.lastName.toUpperCase()} ${n.firstName}`, here: n.relayId === r.id }))
	};
}

/**
 * The relay's group recorded: a headcount per half-day (`slot-<id>`: a whole number; empty:
 * not recorded), and, from the half-day's day on, the registrants of its structures present
 * here at each (`present[<slot id>]`: their registration ids), written to the
 * attendance with the method `relay` so that their attestation, their survey and the
 * figures count them as any person present. A registrant unticked loses the mark this
 * relay gave (never one the organisers recorded in the room). Every field checked before
 * anything is written; the slots' rows locked first, as the organisers' check-in does.
 */
export async function recordRelayAttendance(
	database: Database,
	actor: Actor,
	relayId: string,
	input: { counts: Record<string, unknown>; present: Record<string, readonly string[]> },
	opts: { ip?: string | null; today?: string } = {}
): Promise<void> {
	const page = await relayPage(database, actor, relayId, opts.today);
	if (page.relay.status !== 'open') throw new TrainingError('conflict', 'Ce lieu ne relaie plus cette session.');
	if (page.session.status !== 'published') throw new TrainingError('conflict', 'Cette session est annulée.');
	const fields: Record<string, string> = {};
	const counts: { slotId: string; attendees: number }[] = [];
	for (const slot of page.slots) {
		const raw = input.counts[`slot-${slot.id}`];
		const text = typeof raw === 'string' ? raw.trim() : '';
		const ticked = (input.present[slot.id] ?? []).length > 0;
		if (!slot.open && ticked) {
			fields[`slot-${slot.id}`] = 'Cette demi-journée n’a pas encore eu lieu\u00a0: les inscrits présents se notent à partir de son jour.';
			continue;
		}
		if (!text) continue;
		if (!/^\d{1,4}$/.test(text) || Number(text) > MAX_GROUP) fields[`slot-${slot.id}`] = `Indiquez un nombre de personnes entre 0 et ${MAX_GROUP}.`;
		else counts.push({ slotId: slot.id, attendees: Number(text) });
	}
	const allowed = new Set(page.registrants.map((r) => r.id));
	const unknown = Object.values(input.present)
		.flat()
		.some((id) => !allowed.has(id));
	if (unknown) throw new TrainingError('invalid', 'Une personne cochée n’est pas inscrite à cette session par une structure du lieu.');
	if (Object.keys(fields).length) throw new TrainingError('invalid', 'La présence n’est pas complète.', fields);
	const open = page.slots.filter((x) => x.open);
	// a presence recorded elsewhere (the organisers in the room, another relay) is theirs: a tick on it changes nothing
	const presentAt = new Map(open.map((x) => [x.id, new Set((input.present[x.id] ?? []).filter((id) => x.present[id] !== 'elsewhere'))]));
	// here: present at one half-day at least; the others keep their relay only if another relay named them
	const here = page.registrants.filter((r) => open.some((x) => presentAt.get(x.id)!.has(r.id))).map((r) => r.id);
	const mineBefore = new Set(page.registrants.filter((r) => r.here).map((r) => r.id));
	const gone = [...mineBefore].filter((id) => !here.includes(id));
	const { departmentCode } = await loadRelay(database.db, relayId);
	const now = new Date();
	await database.db.transaction(async (tx) => {
		if (open.length)
			await tx
				.select({ id: trainingSlots.id })
				.from(trainingSlots)
				.where(
					inArray(
						trainingSlots.id,
						open.map((x) => x.id)
					)
				)
				.orderBy(asc(trainingSlots.id))
				.for('update');
		for (const c of counts)
			await tx
				.insert(trainingRelayAttendance)
				.values({ relayId, slotId: c.slotId, departmentCode, attendees: c.attendees, recordedBy: actor.userId })
				.onConflictDoUpdate({
					target: [trainingRelayAttendance.relayId, trainingRelayAttendance.slotId],
					set: { attendees: c.attendees, recordedBy: actor.userId, recordedAt: now }
				});
		for (const x of open) {
			const ticked = [...presentAt.get(x.id)!];
			if (ticked.length)
				await tx
					.insert(trainingAttendance)
					.values(
						ticked.map((id) => ({
							registrationId: id,
							slotId: x.id,
							departmentCode,
							present: true,
							method: 'relay',
							recordedBy: actor.userId,
							recordedAt: now
						}))
					)
					.onConflictDoUpdate({
						target: [trainingAttendance.registrationId, trainingAttendance.slotId],
						set: { present: true, method: 'relay', recordedBy: actor.userId, recordedAt: now },
						// a presence the organisers recorded in the room stays theirs
						setWhere: sql`${trainingAttendance.method} = 'relay' OR NOT ${trainingAttendance.present}`
					});
			// unticked: the mark this relay gave goes (those of this relay's registrants only)
			const untick = [...mineBefore, ...here].filter((id) => !presentAt.get(x.id)!.has(id));
			if (untick.length)
				await tx
					.delete(trainingAttendance)
					.where(and(eq(trainingAttendance.slotId, x.id), eq(trainingAttendance.method, 'relay'), inArray(trainingAttendance.registrationId, untick)));
		}
		if (here.length) await tx.update(trainingRegistrations).set({ relayId }).where(inArray(trainingRegistrations.id, here));
		if (gone.length) await tx.update(trainingRegistrations).set({ relayId: null }).where(inArray(trainingRegistrations.id, gone));
		await journal(tx, {
			actor: userActor(actor),
			action: 'training.relay.attendance',
			targetType: 'training_relay',
			targetId: relayId,
			departmentCode,
			ip: opts.ip,
			details: {
				sessionId: page.session.id,
				title: page.session.title,
				attendees: counts.reduce((a, c) => a + c.attendees, 0),
				named: here.length
			}
		});
	});
}

/** The place stops relaying the session (its headcounts stay, for the organisers' figures). */
export async function withdrawRelay(database: Database, actor: Actor, relayId: string, opts: { ip?: string | null } = {}): Promise<void> {
	const r = await loadRelay(database.db, relayId);
	await mustRelay(database, actor, r.placeId, r.departmentCode);
	if (r.status !== 'open') return;
	await database.db.transaction(async (tx) => {
		await tx.update(trainingRelays).set({ status: 'cancelled', updatedAt: new Date() }).where(eq(trainingRelays.id, r.id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'training.relay.withdrawn',
			targetType: 'training_relay',
			targetId: r.id,
			departmentCode: r.departmentCode,
			ip: opts.ip,
			details: { sessionId: r.sessionId, placeId: r.placeId }
		});
	});
}

/** A session's relays for its organisers: each place, its contact, the group expected, its headcount per half-day and the registrants named there. */
export async function sessionRelays(database: Database, actor: Actor, sessionId: string, trainingId?: string) {
	const s = await loadSession(database.db, sessionId);
	if (trainingId && s.trainingId !== trainingId) throw new TrainingError('not_found', NO_SESSION);
	const t = await loadTraining(database.db, s.trainingId);
	if (!mayManage(actor, t))
		throw new TrainingError('forbidden', 'Seules la coordination du département et la structure qui organise la formation voient ses lieux relais.');
	const relays = await database.db.select().from(trainingRelays).where(eq(trainingRelays.sessionId, s.id)).orderBy(asc(trainingRelays.createdAt));
	const ids = relays.map((r) => r.id);
	const [slots, counts, named, cards, contacts] = await Promise.all([
		slotsOf(database.db, [s.id]),
		ids.length ? database.db.select().from(trainingRelayAttendance).where(inArray(trainingRelayAttendance.relayId, ids)) : Promise.resolve([]),
		ids.length
			? database.db
					.select({ relayId: trainingRegistrations.relayId })
					.from(trainingRegistrations)
					.where(and(inArray(trainingRegistrations.relayId, ids), eq(trainingRegistrations.status, 'confirmed')))
			: Promise.resolve([]),
		placeCards(
			database.db,
			relays.map((r) => r.placeId)
		),
		userContacts(
			database.db,
			relays.map((r) => r.contactUserId)
		)
	]);
	const sl = slots.get(s.id) ?? [];
	return {
		training: { id: t.id, title: t.title, format: t.format },
		session: { id: s.id, status: s.status },
		slots: sl.map((x) => ({ id: x.id, label: slotLabel(x) })),
		relays: relays.map((r) => {
			const card = cards.get(r.placeId);
			const contact = r.contactUserId ? contacts.get(r.contactUserId) : undefined;
			return {
				id: r.id,
				open: r.status === 'open',
				place: card ? `${card.nom}, ${card.commune}` : r.placeId,
				placeId: r.placeId,
				contact: contact ? `${contact.name} (${contact.email})` : '',
				expected: r.capacity,
				attendees: sl.map((x) => counts.find((c) => c.relayId === r.id && c.slotId === x.id)?.attendees ?? null),
				named: named.filter((n) => n.relayId === r.id).length
			};
		}),
		totals: sl.map((x) => counts.filter((c) => c.slotId === x.id).reduce((a, c) => a + c.attendees, 0))
	};
}
