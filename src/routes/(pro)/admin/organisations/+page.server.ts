import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { createOrganisation, departmentsWith, listOrganisations, ORGANISATION_KINDS } from '#lib/server/accounts/index.ts';
import { formFailure } from '#lib/server/web/errors.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const actor = locals.session!.actor;
	const list = await listOrganisations(await getDatabase(), actor);
	return {
		organisations: list.map((o) => ({
			id: o.id,
			name: o.name,
			kind: ORGANISATION_KINDS[o.kind as keyof typeof ORGANISATION_KINDS] ?? o.kind,
			departmentCode: o.departmentCode,
			active: o.active
		})),
		kinds: Object.entries(ORGANISATION_KINDS).map(([value, label]) => ({ value, label })),
		departments: actor.isAdmin ? null : departmentsWith(actor, ['coordinator'])
	};
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const form = await request.formData();
		const values = {
			name: String(form.get('name') ?? ''),
			siret: String(form.get('siret') ?? ''),
			kind: String(form.get('kind') ?? ''),
			departmentCode: String(form.get('departmentCode') ?? '')
		};
		try {
			const o = await createOrganisation(await getDatabase(), locals.session!.actor, values, locals.ip);
			redirect(303, `/admin/organisations/${o.id}?cree`);
		} catch (e) {
			return formFailure(e, { values });
		}
	}
};
