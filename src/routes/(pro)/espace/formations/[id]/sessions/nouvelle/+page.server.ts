import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { createSession, isWebinar, sessionFormChoices } from '#lib/server/trainings/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';
import { SESSION_TARGETS, emptySession, readSessionForm } from '../../../training-form.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	try {
		const choices = await sessionFormChoices(await getDatabase(), locals.session!.actor, params.id);
		return { choices, webinar: isWebinar(choices.training.format), defaults: emptySession(), targets: SESSION_TARGETS };
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	default: async ({ request, locals, params }) => {
		const values = readSessionForm(await request.formData());
		let id: string;
		try {
			id = await createSession(await getDatabase(), locals.session!.actor, params.id, values, locals.ip);
		} catch (e) {
			return formFailure(e, { values }, { page: ['forbidden', 'not_found'] });
		}
		redirect(303, `/espace/formations/${params.id}/sessions/${id}?fait=creee`);
	}
};
