import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { claimPlace, managedPlaces, PlaceManagementError } from '#lib/server/places/service.ts';
import { listOrganisations } from '#lib/server/accounts/service.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const actor = locals.session!.actor;
	const db = await getDatabase();
	const mine = new Set(actor.memberships.filter((m) => m.role === 'place_manager').map((m) => m.organisationId));
	return {
		places: await managedPlaces(db, actor),
		organisations: (await listOrganisations(db, actor)).filter((o) => mine.has(o.id)).map((o) => ({ id: o.id, name: o.name }))
	};
};

/** "https://…/lieux/abc?x" or "abc" → "abc" */
function placeIdOf(v: string): string {
	const t = v.trim();
	const m = /\/lieux\/([^/?#]+)/.exec(t);
	return decodeURIComponent(m ? m[1] : t);
}

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const form = await request.formData();
		const values = { lieu: String(form.get('lieu') ?? ''), organisation: String(form.get('organisation') ?? ''), message: String(form.get('message') ?? '') };
		if (!values.lieu.trim()) return fail(400, { fields: { lieu: 'Collez l’adresse de la page du lieu, ou son identifiant.' }, values });
		try {
			await claimPlace(await getDatabase(), locals.session!.actor, { placeId: placeIdOf(values.lieu), organisationId: values.organisation, message: values.message }, locals.ip);
			return { claimed: true };
		} catch (e) {
			if (e instanceof PlaceManagementError) return fail(e.code === 'forbidden' ? 403 : 400, { fields: { lieu: e.message }, values });
			throw e;
		}
	}
};
