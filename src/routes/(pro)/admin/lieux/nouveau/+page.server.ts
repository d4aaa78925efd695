import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { createPlace, type NewPlaceForm, SERVICES } from '#lib/server/places/index.ts';
import { formFailure } from '#lib/server/web/errors.ts';

export const load: PageServerLoad = async () => ({ services: SERVICES });

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const f = await request.formData();
		const str = (k: string) => String(f.get(k) ?? '');
		const input: NewPlaceForm = {
			nom: str('nom'),
			pivot: str('pivot'),
			adresse: str('adresse'),
			complementAdresse: str('complementAdresse'),
			codePostal: str('codePostal'),
			commune: str('commune'),
			latitude: str('latitude'),
			longitude: str('longitude'),
			telephone: str('telephone'),
			courriels: str('courriels'),
			siteWeb: str('siteWeb'),
			services: f.getAll('services').map(String)
		};
		let id: string;
		try {
			id = await createPlace(await getDatabase(), locals.session!.actor, input, { ip: locals.ip });
		} catch (e) {
			return formFailure(e, { input });
		}
		// Post/Redirect/Get: the new place's page
		redirect(303, `/admin/lieux/${encodeURIComponent(id)}?fait=cree`);
	}
};
