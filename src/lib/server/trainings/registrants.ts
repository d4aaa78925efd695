/**
 * A session for its organisers: its fields, its slots, and its registrants (with a seat, on
 * the waiting list in order, waiting for their e-mail's confirmation, cancelled), and the
 * list for a spreadsheet (`;`, BOM, formulas neutralised: decision 0005), the export
 * journaled. Reads within the training's département (row-level security), can() first.
 */
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import type { Actor } from '../accounts/index.ts';
import { placeCard } from '../places/index.ts';
import { spreadsheetCell } from '../web/spreadsheet.ts';
import { formatShortDateTime } from '../../components/format.ts';
import { trainingRegistrations, type TrainingRegistration } from './db.ts';
import { PROFILE_SHORT, REGISTRANTS_HEAD, REGISTRATION_STATUSES, seatsText, type Profile, type RegistrationStatus } from './model.ts';
import { NO_SESSION, TrainingError, eventChoices, loadSession, loadTraining, mustManage, slotsOf, userActor } from './internal.ts';

const ORDER: Record<string, number> = { confirmed: 0, waiting: 1, pending: 2, cancelled: 3, expired: 4 };

function sorted(rows: TrainingRegistration[]) {
	return [...rows].sort(
		(a, b) => ORDER[a.status] - ORDER[b.status] || (a.position ?? 1e9) - (b.position ?? 1e9) || a.createdAt.getTime() - b.createdAt.getTime()
	);
}

/** The rank of each waiting registration (1 for the next to get a seat). */
function ranks(rows: TrainingRegistration[]): Map<string, number> {
	const waiting = rows.filter((r) => r.status === 'waiting').sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
	return new Map(waiting.map((r, i) => [r.id, i + 1]));
}

export async function sessionForOrganiser(database: Database, actor: Actor, sessionId: string, trainingId?: string) {
	const s = await loadSession(database.db, sessionId);
	// the session of the address's training only
	if (trainingId && s.trainingId !== trainingId) throw new TrainingError('not_found', NO_SESSION);
	const t = await loadTraining(database.db, s.trainingId);
	mustManage(actor, t);
	const [slots, rows, place, events] = await Promise.all([
		slotsOf(database.db, [s.id]),
		database.db.select().from(trainingRegistrations).where(eq(trainingRegistrations.sessionId, s.id)).orderBy(asc(trainingRegistrations.createdAt)),
		s.placeId ? placeCard(database.db, s.placeId) : Promise.resolve(undefined),
		eventChoices(database.db, t.departmentCode)
	]);
	const rank = ranks(rows);
	return {
		training: t,
		session: s,
		slots: slots.get(s.id) ?? [],
		place: place ? { id: place.id, label: `${place.commune} – ${place.nom}` } : null,
		events,
		seats: seatsText(s.capacity, s.seatsTaken, s.waitingCount),
		registrants: sorted(rows).map((r) => ({
			id: r.id,
			firstName: r.firstName,
			lastName: r.lastName,
			email: r.email,
			profile: PROFILE_SHORT[r.profile as Profile] ?? r.profile,
			structure: r.structureName,
			status: r.status as RegistrationStatus,
			statusLabel: REGISTRATION_STATUSES[r.status as RegistrationStatus] ?? r.status,
			rank: rank.get(r.id) ?? null,
			withAccount: !!r.userId,
			at: formatShortDateTime(r.placedAt ?? r.createdAt)
		}))
	};
}

/** The registrants for a spreadsheet (journaled: personal data leaves the application). */
export async function registrantsCsv(
	database: Database,
	actor: Actor,
	sessionId: string,
	opts: { ip?: string | null; trainingId?: string } = {}
): Promise<{ csv: string; fileName: string }> {
	const { ip } = opts;
	const d = await sessionForOrganiser(database, actor, sessionId, opts.trainingId);
	const rows = d.registrants.map((r) => [
		r.lastName,
		r.firstName,
		r.email,
		r.profile,
		r.structure,
		r.statusLabel,
		r.rank === null ? '' : String(r.rank),
		r.at,
		r.withAccount ? 'oui' : 'non'
	]);
	const csv = '\ufeff' + [REGISTRANTS_HEAD, ...rows].map((cells) => cells.map((c) => spreadsheetCell(c)).join(';')).join('\r\n') + '\r\n';
	await journal(database.db, {
		actor: userActor(actor),
		action: 'training.registrants.exported',
		targetType: 'training_session',
		targetId: sessionId,
		departmentCode: d.training.departmentCode,
		ip,
		details: { title: d.training.title, rows: rows.length }
	});
	return { csv, fileName: `inscrits-${d.session.firstDay}.csv` };
}
