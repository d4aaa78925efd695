import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { MAX_GROUP, registerRelay, relayChoices } from '#lib/server/trainings/index.ts';
import { formFailure } from '#lib/server/web/errors.ts';

/** Forms that post: no script */
export const csr = false;

export const load: PageServerLoad = async ({ locals, url }) => {
	const c = await relayChoices(await getDatabase(), locals.session!.actor);
	return { ...c, maxGroup: MAX_GROUP, done: url.searchParams.get('fait') === 'inscrit' };
};

export const actions: Actions = {
	inscrire: async ({ request, locals }) => {
		const form = await request.formData();
		const sessionId = String(form.get('session') ?? '');
		const values = { placeId: String(form.get('placeId') ?? ''), expected: String(form.get('expected') ?? '') };
		let id: string;
		try {
			id = await registerRelay(await getDatabase(), locals.session!.actor, sessionId, values, { ip: locals.ip });
		} catch (e) {
			return formFailure(e, { sessionId, values }, { page: ['not_found'] });
		}
		redirect(303, `/espace/formations/relais/${id}?fait=inscrit`);
	}
};
