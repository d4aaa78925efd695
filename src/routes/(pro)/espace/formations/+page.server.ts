import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { REGISTRATION_STATUSES, SESSION_STATUSES, myRegistrations, organisedTrainings, seatsText, type SessionStatus } from '#lib/server/trainings/index.ts';
import { formatDate } from '#lib/components/format.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	const [mine, organised] = await Promise.all([myRegistrations(db, actor), organisedTrainings(db, actor)]);
	return {
		mine: mine.map((r) => ({ ...r, day: formatDate(r.firstDay, { weekday: true }), statusLabel: REGISTRATION_STATUSES[r.status] })),
		organiser: organised.scope.organisations.length > 0,
		trainings: organised.trainings.map((t) => ({
			id: t.id,
			title: t.title,
			organiser: t.organiser,
			past: t.past,
			upcoming: t.upcoming.map((s) => ({
				id: s.id,
				day: formatDate(s.firstDay, { weekday: true }),
				status: SESSION_STATUSES[s.status as SessionStatus] ?? s.status,
				seats: seatsText(s.capacity, s.seatsTaken, s.waitingCount)
			}))
		}))
	};
};
