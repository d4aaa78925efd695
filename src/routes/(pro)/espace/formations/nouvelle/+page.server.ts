import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { createTraining, trainingFormChoices } from '#lib/server/trainings/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';
import { TRAINING_TARGETS, emptyTraining, readTrainingForm } from '../training-form.ts';

export const load: PageServerLoad = async ({ locals }) => {
	try {
		const choices = await trainingFormChoices(await getDatabase(), locals.session!.actor);
		return { choices, defaults: emptyTraining(choices.organisations.length === 1 ? choices.organisations[0].value : ''), targets: TRAINING_TARGETS };
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const values = readTrainingForm(await request.formData());
		let id: string;
		try {
			id = await createTraining(await getDatabase(), locals.session!.actor, values, locals.ip);
		} catch (e) {
			return formFailure(e, { values }, { page: ['forbidden'] });
		}
		redirect(303, `/espace/formations/${id}?fait=creee`);
	}
};
