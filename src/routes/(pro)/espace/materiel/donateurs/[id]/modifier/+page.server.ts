import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { DONOR_KINDS, donorForEditing, donorReadable, updateDonor } from '#lib/server/equipment/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const database = await getDatabase();
	const actor = locals.session!.actor;
	try {
		const d = await donorForEditing(database, actor, params.id);
		return {
			donor: { id: d.id, name: d.name },
			kinds: Object.entries(DONOR_KINDS).map(([value, label]) => ({ value, label })),
			defaults: { kind: d.kind, name: d.name, siret: d.siret ?? '', communeCode: d.communeCode ?? '' },
			readable: await donorReadable(database, actor, d.id),
			saved: url.searchParams.get('fait') === 'modifie'
		};
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	default: async ({ request, locals, params }) => {
		const form = await request.formData();
		const text = (k: string) => String(form.get(k) ?? '').slice(0, 1000);
		const values = { kind: text('kind'), name: text('name'), siret: text('siret'), communeCode: text('communeCode').trim() };
		const database = await getDatabase();
		const actor = locals.session!.actor;
		try {
			await updateDonor(database, actor, params.id, values, locals.ip);
		} catch (e) {
			return formFailure(e, { values }, { page: ['forbidden', 'not_found'] });
		}
		if (await donorReadable(database, actor, params.id)) redirect(303, `/espace/materiel/donateurs/${params.id}?fait=modifie`);
		redirect(303, `/espace/materiel/donateurs/${params.id}/modifier?fait=modifie`);
	}
};
