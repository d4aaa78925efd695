import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { eventForOrganiser, eventFormChoices, updateEvent } from '#lib/server/trainings/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';
import { formatDate } from '#lib/components/format.ts';
import { EVENT_TARGETS, readEventForm } from '../event-form.ts';

/** A form that posts: no script */
export const csr = false;

const DONE: Record<string, string> = { cree: 'L’événement est créé. Choisissez ses sessions.', modifie: 'L’événement est enregistré.' };

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	try {
		const d = await eventForOrganiser(db, actor, params.event);
		const e = d.event;
		return {
			event: { id: e.id, title: e.title, status: e.status },
			values: {
				organiserId: e.organiserOrganisationId,
				title: e.title,
				description: e.description,
				startsOn: e.startsOn,
				endsOn: e.endsOn,
				placeId: e.placeId ?? '',
				location: e.location,
				status: e.status
			},
			sessions: d.sessions.map((s) => ({ id: s.id, label: `${s.title}, ${formatDate(s.firstDay, { weekday: true })}`, attached: s.attached })),
			choices: await eventFormChoices(db, actor, e.departmentCode),
			targets: EVENT_TARGETS,
			done: DONE[url.searchParams.get('fait') ?? ''] ?? null
		};
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	modifier: async ({ request, locals, params }) => {
		const form = await request.formData();
		const values = readEventForm(form);
		const sessions = form.get('sessionsShown') ? form.getAll('sessions').filter((v): v is string => typeof v === 'string') : null;
		try {
			await updateEvent(await getDatabase(), locals.session!.actor, params.event, values, sessions, locals.ip);
		} catch (e) {
			return formFailure(e, { values }, { page: ['forbidden', 'not_found'] });
		}
		redirect(303, `/espace/formations/evenements/${params.event}?fait=modifie`);
	}
};
