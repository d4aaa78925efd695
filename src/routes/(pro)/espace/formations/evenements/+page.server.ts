import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { EVENT_STATUSES, createEvent, eventFormChoices, organisedEvents } from '#lib/server/trainings/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';
import { formatDate } from '#lib/components/format.ts';
import { EVENT_TARGETS, readEventForm } from './event-form.ts';

/** Forms that post: no script */
export const csr = false;

export const load: PageServerLoad = async ({ locals }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	try {
		const [{ events }, choices] = await Promise.all([organisedEvents(db, actor), eventFormChoices(db, actor)]);
		return {
			events: events.map((e) => ({
				id: e.id,
				title: e.title,
				organiser: e.organiser,
				status: EVENT_STATUSES[e.status as keyof typeof EVENT_STATUSES] ?? 'Annulé',
				dates: e.endsOn === e.startsOn ? formatDate(e.startsOn) : `du ${formatDate(e.startsOn)} au ${formatDate(e.endsOn)}`
			})),
			choices,
			values: {
				organiserId: choices.organisations[0]?.value ?? '',
				title: '',
				description: '',
				startsOn: '',
				endsOn: '',
				placeId: '',
				location: '',
				status: 'draft'
			},
			targets: EVENT_TARGETS
		};
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	creer: async ({ request, locals }) => {
		const values = readEventForm(await request.formData());
		let id: string;
		try {
			id = await createEvent(await getDatabase(), locals.session!.actor, values, locals.ip);
		} catch (e) {
			return formFailure(e, { values }, { page: ['forbidden'] });
		}
		redirect(303, `/espace/formations/evenements/${id}?fait=cree`);
	}
};
