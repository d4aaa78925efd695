import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	SESSION_STATUSES,
	isWebinar,
	sessionForOrganiser,
	sessionFormChoices,
	sessionSurvey,
	SURVEY_SCALE,
	slotLabel,
	updateSession,
	type SessionStatus,
	mailLinks
} from '#lib/server/trainings/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';
import { SESSION_TARGETS, readSessionForm, sessionValues } from '../../../training-form.ts';

const DONE: Record<string, string> = {
	creee: 'La session est créée.',
	modifiee: 'La session est enregistrée.'
};

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	try {
		const d = await sessionForOrganiser(db, actor, params.session, params.id);
		return {
			training: { id: d.training.id, title: d.training.title },
			session: {
				id: d.session.id,
				status: SESSION_STATUSES[d.session.status as SessionStatus] ?? d.session.status,
				cancelled: d.session.status === 'cancelled'
			},
			when: d.slots.map(slotLabel),
			seats: d.seats,
			registrants: d.registrants,
			values: sessionValues({ ...d.session, slots: d.slots }),
			choices: await sessionFormChoices(db, actor, params.id),
			webinar: isWebinar(d.training.format),
			targets: SESSION_TARGETS,
			survey: await sessionSurvey(db, actor, params.session),
			surveyScale: SURVEY_SCALE,
			done: DONE[url.searchParams.get('fait') ?? ''] ?? null
		};
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	modifier: async ({ request, locals, params }) => {
		const values = readSessionForm(await request.formData());
		try {
			const db = await getDatabase();
			await updateSession(db, locals.session!.actor, params.session, values, await mailLinks(db), { ip: locals.ip, trainingId: params.id });
		} catch (e) {
			return formFailure(e, { values }, { page: ['forbidden', 'not_found'] });
		}
		redirect(303, `/espace/formations/${params.id}/sessions/${params.session}?fait=modifiee`);
	}
};
