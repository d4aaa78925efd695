import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { MAX_GROUP, isUuid, recordRelayAttendance, relayPage, withdrawRelay } from '#lib/server/trainings/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';

/** Forms that post: no script */
export const csr = false;

const DONE: Record<string, string> = {
	inscrit: 'Votre lieu est inscrit comme relais. Il apparaît sur la page de la session et sur la page du lieu.',
	presence: 'La présence du groupe est enregistrée.'
};

export const load: PageServerLoad = async ({ locals, params, url }) => {
	try {
		const p = await relayPage(await getDatabase(), locals.session!.actor, params.relay);
		return { ...p, maxGroup: MAX_GROUP, done: DONE[url.searchParams.get('fait') ?? ''] ?? null };
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	presence: async ({ request, locals, params }) => {
		const form = await request.formData();
		const counts: Record<string, string> = {};
		for (const [k, v] of form) if (k.startsWith('slot-') && typeof v === 'string') counts[k] = v;
		// `present-<slot id>`: the registrants present here at that half-day (a slot's id only: never `__proto__` or the like)
		const present: Record<string, string[]> = {};
		for (const [k, v] of form) {
			const slot = k.slice('present-'.length);
			if (k.startsWith('present-') && isUuid(slot) && typeof v === 'string') (present[slot] ??= []).push(v);
		}
		try {
			await recordRelayAttendance(await getDatabase(), locals.session!.actor, params.relay, { counts, present }, { ip: locals.ip });
		} catch (e) {
			return formFailure(e, { counts, present }, { page: ['forbidden', 'not_found'] });
		}
		redirect(303, `/espace/formations/relais/${params.relay}?fait=presence`);
	},
	retirer: async ({ locals, params }) => {
		try {
			await withdrawRelay(await getDatabase(), locals.session!.actor, params.relay, { ip: locals.ip });
		} catch (e) {
			return formFailure(e, {}, { page: ['forbidden', 'not_found'] });
		}
		redirect(303, '/espace/formations/relais');
	}
};
