import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { ACTION_STATUSES, STATUS_LABELS, actionFormChoices, createAction } from '#lib/server/strategy/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';
import { ACTION_TARGETS, actionInputOf, emptyActionValues, readActionForm } from '../action-form.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	try {
		const choices = await actionFormChoices(await getDatabase(), locals.session!.actor, url.searchParams.get('departement'));
		return { choices, statuses: ACTION_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] })), defaults: emptyActionValues(), targets: ACTION_TARGETS };
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const f = await request.formData();
		const values = readActionForm(f);
		let id: string;
		try {
			id = await createAction(await getDatabase(), locals.session!.actor, String(f.get('departement') ?? ''), actionInputOf(values), locals.ip);
		} catch (e) {
			return formFailure(e, { values }, { page: ['forbidden'] });
		}
		redirect(303, `/pilotage/feuille-de-route/${id}?fait=creee`);
	}
};
