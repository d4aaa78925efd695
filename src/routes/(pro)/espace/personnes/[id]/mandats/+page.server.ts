/**
 * A person's mandates held by the actor's structures, and the form to prepare a new one
 * (the structure, the themes, the duration, the legal representative if any). Once
 * prepared, the page of the mandate shows the person what they are about to confirm.
 */
import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { mandatesOfRecord, prepareMandate, MANDATE_DURATIONS, MANDATE_THEMES, REPRESENTATIVE_KINDS } from '#lib/server/mandates/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';

export const csr = false;

export const load: PageServerLoad = async ({ params, locals }) => {
	try {
		const r = await mandatesOfRecord(await getDatabase(), locals.session!.actor, params.id);
		return {
			...r,
			themes: Object.entries(MANDATE_THEMES).map(([value, label]) => ({ value, label })),
			durations: Object.entries(MANDATE_DURATIONS).map(([value, label]) => ({ value, label })),
			representatives: Object.entries(REPRESENTATIVE_KINDS).map(([value, label]) => ({ value, label }))
		};
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	preparer: async ({ params, request, locals }) => {
		const f = await request.formData();
		const values = {
			organisationId: String(f.get('organisationId') ?? ''),
			themes: f.getAll('themes').map(String),
			duration: String(f.get('duration') ?? ''),
			representativeKind: String(f.get('representativeKind') ?? ''),
			representativeName: String(f.get('representativeName') ?? '').slice(0, 200),
			vaultAccess: f.get('vaultAccess') === '1'
		};
		let id: string;
		try {
			id = await prepareMandate(await getDatabase(), locals.session!.actor, params.id, values, locals.ip);
		} catch (e) {
			return formFailure(e, { values });
		}
		redirect(303, `/espace/personnes/${params.id}/mandats/${id}`);
	}
};
