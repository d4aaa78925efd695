import type { Actions, PageServerLoad } from './$types';
import { redirect } from '@sveltejs/kit';
import { getDatabase } from '#lib/server/db/client.ts';
import { formFailure } from '#lib/server/web/errors.ts';
import {
	REGISTRATION_STATUSES,
	SESSION_STATUSES,
	animatedSessions,
	mailLinks,
	myAttestations,
	myFeed,
	myRegistrations,
	organisedTrainings,
	organiserFeed,
	seatsText,
	type SessionStatus
} from '#lib/server/trainings/index.ts';
import { formatDate } from '#lib/components/format.ts';

/** « 12 inscrits sur 12 places, 2 en liste d’attente », « Aucun inscrit (places sans limite) ». */
function registeredText(capacity: number | null, seated: number, waiting: number): string {
	const who = seated === 0 ? 'Aucun inscrit' : `${seated.toLocaleString('fr-FR')} inscrit${seated > 1 ? 's' : ''}`;
	const seats = capacity === null ? ' (places sans limite)' : ` sur ${capacity.toLocaleString('fr-FR')} place${capacity > 1 ? 's' : ''}`;
	return `${who}${seats}${waiting ? `, ${waiting.toLocaleString('fr-FR')} en liste d’attente` : ''}`;
}

export const load: PageServerLoad = async ({ locals }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	const [mine, organised, links, animated] = await Promise.all([
		myRegistrations(db, actor),
		organisedTrainings(db, actor),
		mailLinks(db),
		animatedSessions(db, actor)
	]);
	// an organiser's feed for each structure that organises a training the actor may manage
	const organisers = new Map(organised.trainings.map((t) => [t.organiserOrganisationId, t.organiser]));
	const feeds = [];
	for (const [id, name] of organisers) feeds.push({ id, name, url: await organiserFeed(db, actor, id, links) });
	return {
		myFeed: await myFeed(db, actor, links),
		attestations: await myAttestations(db, actor),
		organiserFeeds: feeds.sort((a, b) => a.name.localeCompare(b.name, 'fr')),
		mine: mine.map((r) => ({ ...r, day: formatDate(r.firstDay, { weekday: true }), statusLabel: REGISTRATION_STATUSES[r.status] })),
		organiser: organised.scope.organisations.length > 0,
		animated: animated.map((s) => ({
			id: s.id,
			trainingId: s.trainingId,
			title: s.title,
			past: s.past,
			when: s.when,
			status: SESSION_STATUSES[s.status as SessionStatus] ?? s.status,
			draft: s.status === 'draft',
			cancelled: s.status === 'cancelled',
			role:
				s.part === 'trainer' ? `Formation assurée par ${s.trainer}` : `Organisée par ${s.organiser}${s.trainer ? `, formation assurée par ${s.trainer}` : ''}`,
			seats: registeredText(s.capacity, s.seatsTaken, s.waiting),
			halfDays: s.halfDays,
			recorded: s.recorded,
			present: s.present,
			manage: s.manage
		})),
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

export const actions: Actions = {
	/** A new address for the feed: the old one stops working. */
	renouveler: async ({ request, locals }) => {
		const form = await request.formData();
		const organisationId = String(form.get('structure') ?? '');
		const db = await getDatabase();
		try {
			const links = await mailLinks(db);
			if (organisationId) await organiserFeed(db, locals.session!.actor, organisationId, links, { renew: true });
			else await myFeed(db, locals.session!.actor, links, { renew: true });
		} catch (e) {
			return formFailure(e, {}, { page: ['forbidden', 'not_found'] });
		}
		redirect(303, '/espace/formations?fait=agenda#agenda');
	}
};
