/**
 * The public catalogue (`/formations`, no account needed): the sessions to come with their
 * filters (audience, theme, area, month), a session's page with everything the catalogue
 * says and whether one may register, and the sessions held at a place (its page). Reads the
 * request's database: on PostgreSQL the policies let anyone read what is not a draft.
 */
import { and, asc, eq, gte, inArray } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import type { Actor } from '../accounts/index.ts';
import { placeCards } from '../places/index.ts';
import { AREA_KIND_LABELS, communesOfAreas, departmentNames, getInstanceSettings, listAreas, municipalityLookup } from '../territory/index.ts';
import { parisDay } from '../../time.ts';
import { monthLabel } from '../../components/format.ts';
import { trainingEvents, trainingRelays, trainingSessions, trainings } from './db.ts';
import {
	AUDIENCES,
	FORMATS,
	THEMES,
	catalogueMonths,
	isWebinar,
	matchesCatalogue,
	registrationState,
	seatsLeft,
	seatsText,
	slotLabel,
	slotMinutes,
	type Audience,
	type CatalogueFilter,
	type Format,
	type RegistrationState,
	type Theme
} from './model.ts';
import { NO_SESSION, TrainingError, loadSession, mayManage, slotsOf } from './internal.ts';
import { myRegistration } from './seats-read.ts';

/** The published sessions still to come (or under way), with their training. */
async function upcoming(database: Database, today: string, where?: { placeIds?: string[]; sessionIds?: string[]; cancelled?: boolean }) {
	return database.db
		.select({ s: trainingSessions, t: trainings })
		.from(trainingSessions)
		.innerJoin(trainings, eq(trainings.id, trainingSessions.trainingId))
		.where(
			and(
				where?.cancelled ? inArray(trainingSessions.status, ['published', 'cancelled']) : eq(trainingSessions.status, 'published'),
				gte(trainingSessions.lastDay, today),
				where?.placeIds ? inArray(trainingSessions.placeId, where.placeIds) : undefined,
				where?.sessionIds ? inArray(trainingSessions.id, where.sessionIds) : undefined
			)
		)
		.orderBy(asc(trainingSessions.firstDay), asc(trainings.title));
}

/** The open relay groups of these sessions: their places. */
async function relaysOf(database: Database, sessionIds: string[]) {
	if (!sessionIds.length) return [];
	return database.db
		.select({ sessionId: trainingRelays.sessionId, placeId: trainingRelays.placeId, communeCode: trainingRelays.communeCode })
		.from(trainingRelays)
		.where(and(inArray(trainingRelays.sessionId, sessionIds), eq(trainingRelays.status, 'open')));
}

export interface AreaChoice {
	key: string;
	label: string;
}

/** The areas the filter offers, by département: the instance's areas, then the EPCIs. */
async function areaChoices(database: Database, departments: string[]) {
	const lookup = await municipalityLookup(database);
	const names = new Map((await departmentNames(database.db, departments)).map((d) => [d.code, d.name]));
	const groups: { departmentCode: string; label: string; areas: (AreaChoice & { areaId?: number; epci?: string })[] }[] = [];
	for (const d of departments) {
		const areas = (await listAreas(database, d)).map((a) => ({
			key: `area:${a.id}`,
			label: `${a.name} (${AREA_KIND_LABELS[a.kind]?.toLowerCase() ?? a.kind})`,
			areaId: a.id
		}));
		const epcis = new Map<string, string>();
		for (const m of lookup.inDepartment(d)) if (m.epciCode && m.epciName && !m.parentInseeCode) epcis.set(m.epciCode, m.epciName);
		const epciList = [...epcis].map(([code, name]) => ({ key: `epci:${code}`, label: name, epci: code })).sort((a, b) => a.label.localeCompare(b.label, 'fr'));
		groups.push({ departmentCode: d, label: names.get(d) ?? d, areas: [...areas, ...epciList] });
	}
	return { groups, lookup };
}

export interface CatalogueItem {
	id: string;
	title: string;
	theme: string;
	format: string;
	webinar: boolean;
	audiences: string[];
	when: string[];
	hours: string;
	where: string;
	seats: string;
	full: boolean;
	open: boolean;
	event: string | null;
	cancelled: boolean;
}

function hoursText(minutes: number): string {
	const h = Math.floor(minutes / 60);
	const m = minutes % 60;
	return m ? `${h}\u00a0h\u00a0${String(m).padStart(2, '0')}` : `${h}\u00a0h`;
}

/** The catalogue: the sessions to come that pass the filter, and the filter's choices. */
export async function catalogue(database: Database, filter: CatalogueFilter, now = new Date()) {
	const today = parisDay(now);
	// the sessions cancelled stay in the catalogue, marked « Annulée », until their day has passed
	const rows = await upcoming(database, today, { cancelled: true });
	const ids = rows.map((r) => r.s.id);
	const [slots, relays, settings] = await Promise.all([slotsOf(database.db, ids), relaysOf(database, ids), getInstanceSettings(database)]);
	const departments = [...new Set([...settings.departmentCodes, ...rows.map((r) => r.s.departmentCode)])].sort();
	const { groups, lookup } = await areaChoices(database, departments);
	let areaCommunes: Set<string> | null = null;
	if (filter.area) {
		const [kind, value] = filter.area.split(':');
		const group = groups.find((g) => g.areas.some((a) => a.key === filter.area));
		if (group && kind === 'area') areaCommunes = new Set((await communesOfAreas(database.db, group.departmentCode, [Number(value)])) ?? []);
		else if (group)
			areaCommunes = new Set(
				lookup
					.inDepartment(group.departmentCode)
					.filter((m) => m.epciCode === value)
					.map((m) => m.inseeCode)
			);
		else areaCommunes = new Set();
	}
	const places = await placeCards(database.db, [...rows.map((r) => r.s.placeId), ...relays.map((r) => r.placeId)]);
	const eventIds = [...new Set(rows.map((r) => r.s.eventId).filter((e): e is string => !!e))];
	const events = eventIds.length
		? new Map(
				(await database.db.select({ id: trainingEvents.id, title: trainingEvents.title }).from(trainingEvents).where(inArray(trainingEvents.id, eventIds))).map(
					(e) => [e.id, e.title]
				)
			)
		: new Map<string, string>();
	const items: CatalogueItem[] = [];
	for (const { s, t } of rows) {
		const own = relays.filter((r) => r.sessionId === s.id);
		const communes = [s.communeCode, ...own.map((r) => r.communeCode)].filter((c): c is string => !!c);
		if (
			!matchesCatalogue({ audiences: t.audiences, theme: t.theme, format: t.format, firstDay: s.firstDay, lastDay: s.lastDay, communes }, filter, areaCommunes)
		)
			continue;
		const sl = slots.get(s.id) ?? [];
		const place = s.placeId ? places.get(s.placeId) : undefined;
		const where =
			t.format === 'webinar'
				? 'En ligne'
				: t.format === 'relayed_webinar'
					? own.length
						? `En ligne, et en groupe dans ${own.length} lieu${own.length > 1 ? 'x' : ''} (${own
								.map((r) => places.get(r.placeId)?.commune ?? '')
								.filter(Boolean)
								.join(', ')})`
						: 'En ligne'
					: place
						? `${place.nom}, ${place.commune}`
						: s.location || 'Lieu à préciser';
		items.push({
			id: s.id,
			title: t.title,
			theme: THEMES[t.theme as Theme] ?? t.theme,
			format: FORMATS[t.format as Format] ?? t.format,
			webinar: isWebinar(t.format),
			audiences: t.audiences.map((a) => AUDIENCES[a as Audience] ?? a),
			when: sl.map(slotLabel),
			hours: hoursText(sl.reduce((m, x) => m + slotMinutes(x), 0)),
			where,
			seats: seatsText(s.capacity, s.seatsTaken, s.waitingCount),
			full: seatsLeft(s.capacity, s.seatsTaken) === 0,
			open: registrationState(s, sl[0], now) === 'open',
			event: s.eventId ? (events.get(s.eventId) ?? null) : null,
			cancelled: s.status === 'cancelled'
		});
	}
	return {
		items,
		total: rows.length,
		choices: {
			audiences: Object.entries(AUDIENCES).map(([value, label]) => ({ value, label })),
			themes: Object.entries(THEMES).map(([value, label]) => ({ value, label })),
			areas: groups.map((g) => ({ label: g.label, options: g.areas.map((a) => ({ value: a.key, label: a.label })) })),
			months: catalogueMonths(today).map((m) => ({ value: m.slice(0, 7), label: monthLabel(m) }))
		}
	};
}

export interface SessionPage {
	id: string;
	status: string;
	training: {
		id: string;
		title: string;
		objectives: string;
		programme: string;
		audiences: string[];
		theme: string;
		format: string;
		formatKey: string;
		trainer: string;
		prerequisites: string;
		accessibility: string;
	};
	slots: { label: string; day: string; startTime: string; endTime: string }[];
	hours: string;
	place: { id: string; nom: string; adresse: string; codePostal: string; commune: string } | null;
	location: string;
	relays: { placeId: string; nom: string; commune: string }[];
	event: { id: string; title: string; startsOn: string; endsOn: string } | null;
	seats: string;
	full: boolean;
	deadline: string;
	state: RegistrationState;
	/** the webinar's link: for the registrants who have a seat, and the organisers */
	broadcastUrl: string | null;
	mine: { status: 'confirmed' | 'waiting' | 'pending'; rank: number | null } | null;
	manage: boolean;
	cancelReason: string;
}

/** A session's page: what the catalogue says, the seats, whether one may register, the actor's own registration. */
export async function sessionPage(database: Database, actor: Actor | null, id: string, now = new Date()): Promise<SessionPage> {
	const s = await loadSession(database.db, id);
	const [t] = await database.db.select().from(trainings).where(eq(trainings.id, s.trainingId));
	const manage = !!t && mayManage(actor, t);
	// a draft is the organisers' (on PostgreSQL the policy hides it from anyone else)
	if (!t || (s.status === 'draft' && !manage)) throw new TrainingError('not_found', NO_SESSION);
	const [slots, relays, mine] = await Promise.all([slotsOf(database.db, [s.id]), relaysOf(database, [s.id]), myRegistration(database, actor, s.id)]);
	const sl = slots.get(s.id) ?? [];
	const cards = await placeCards(database.db, [s.placeId, ...relays.map((r) => r.placeId)]);
	const place = s.placeId ? cards.get(s.placeId) : undefined;
	const [event] = s.eventId
		? await database.db
				.select({ id: trainingEvents.id, title: trainingEvents.title, startsOn: trainingEvents.startsOn, endsOn: trainingEvents.endsOn })
				.from(trainingEvents)
				.where(eq(trainingEvents.id, s.eventId))
		: [];
	return {
		id: s.id,
		status: s.status,
		training: {
			id: t.id,
			title: t.title,
			objectives: t.objectives,
			programme: t.programme,
			audiences: t.audiences.map((a) => AUDIENCES[a as Audience] ?? a),
			theme: THEMES[t.theme as Theme] ?? t.theme,
			format: FORMATS[t.format as Format] ?? t.format,
			formatKey: t.format,
			trainer: [t.trainerPerson, t.trainerStructure].filter(Boolean).join(', '),
			prerequisites: t.prerequisites,
			accessibility: t.accessibility
		},
		slots: sl.map((x) => ({ label: slotLabel(x), day: x.day, startTime: x.startTime, endTime: x.endTime })),
		hours: hoursText(sl.reduce((m, x) => m + slotMinutes(x), 0)),
		place: place ? { id: place.id, nom: place.nom, adresse: place.adresse, codePostal: place.codePostal, commune: place.commune } : null,
		location: s.location,
		relays: relays.map((r) => ({ placeId: r.placeId, nom: cards.get(r.placeId)?.nom ?? 'Lieu', commune: cards.get(r.placeId)?.commune ?? '' })),
		event: event ?? null,
		seats: seatsText(s.capacity, s.seatsTaken, s.waitingCount),
		full: seatsLeft(s.capacity, s.seatsTaken) === 0,
		deadline: s.registrationDeadline,
		state: registrationState(s, sl[0], now),
		broadcastUrl: isWebinar(t.format) && (manage || mine?.status === 'confirmed') ? s.broadcastUrl : null,
		mine,
		manage,
		cancelReason: s.cancelReason
	};
}

/** The sessions to come held at a place, or relayed there (its public page). */
export async function placeSessions(database: Database, placeId: string, now = new Date()) {
	const today = parisDay(now);
	const relayed = await database.db
		.select({ sessionId: trainingRelays.sessionId })
		.from(trainingRelays)
		.where(and(eq(trainingRelays.placeId, placeId), eq(trainingRelays.status, 'open')));
	const [here, there] = await Promise.all([
		upcoming(database, today, { placeIds: [placeId] }),
		relayed.length ? upcoming(database, today, { sessionIds: relayed.map((r) => r.sessionId) }) : Promise.resolve([])
	]);
	const rows = [...here, ...there.filter((r) => !here.some((h) => h.s.id === r.s.id))].sort((a, b) => (a.s.firstDay < b.s.firstDay ? -1 : 1));
	const slots = await slotsOf(
		database.db,
		rows.map((r) => r.s.id)
	);
	return rows.slice(0, 20).map(({ s, t }) => ({
		id: s.id,
		title: t.title,
		format: t.format === 'relayed_webinar' && s.placeId !== placeId ? 'Webinaire suivi en groupe dans ce lieu' : (FORMATS[t.format as Format] ?? t.format),
		when: (slots.get(s.id) ?? []).map(slotLabel),
		seats: seatsText(s.capacity, s.seatsTaken, s.waitingCount)
	}));
}
