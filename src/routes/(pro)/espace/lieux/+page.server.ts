import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { managedPlaces } from '#lib/server/places/index.ts';
import { claimPlace, listOrganisations, organisationsWhere, pendingClaimsOf, placesToClaim } from '#lib/server/accounts/index.ts';
import { formFailure } from '#lib/server/web/errors.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const actor = locals.session!.actor;
	const db = await getDatabase();
	const mine = organisationsWhere(actor, ['place_manager']);
	const q = (url.searchParams.get('q') ?? '').slice(0, 120);
	return {
		places: await managedPlaces(db, actor),
		organisations: (await listOrganisations(db, actor))
			.filter((o) => mine.has(o.id))
			.map((o) => ({ id: o.id, name: o.name, departmentCode: o.departmentCode })),
		q,
		results: q.trim() ? await placesToClaim(db, actor, q) : null,
		pending: (await pendingClaimsOf(db, actor)).map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })),
		claimed: url.searchParams.has('demande'),
		// back from « Rouvrir maintenant » (Post/Redirect/Get)
		reopened: url.searchParams.has('rouvert')
	};
};

/** "https://…/lieux/abc?x" or "abc" → "abc" */
/** a malformed escape (« % » typed or pasted) is kept as it is: then « aucun lieu », never an error page */
const safeDecode = (v: string) => {
	try {
		return decodeURIComponent(v);
	} catch {
		return v;
	}
};

function placeIdOf(v: string): string {
	const t = v.trim();
	const m = /\/lieux\/([^/?#]+)/.exec(t);
	return safeDecode(m ? m[1] : t).slice(0, 200);
}

export const actions: Actions = {
	default: async ({ request, locals, url }) => {
		const form = await request.formData();
		const values = { lieu: String(form.get('lieu') ?? ''), organisation: String(form.get('organisation') ?? ''), message: String(form.get('message') ?? '') };
		if (!values.lieu.trim()) return fail(400, { fields: { lieu: 'Cherchez votre lieu par son nom, puis choisissez-le dans la liste.' }, values });
		try {
			await claimPlace(
				await getDatabase(),
				locals.session!.actor,
				{ placeId: placeIdOf(values.lieu), organisationId: values.organisation, message: values.message },
				locals.ip
			);
		} catch (e) {
			// the one field of the form: the refusal is said next to it
			return formFailure(e, (d) => ({ fields: { lieu: d.message }, values }));
		}
		// Post/Redirect/Get: the claim waits in « Demandes en attente »
		const back = new URLSearchParams({ demande: '1' });
		if (url.searchParams.get('q')) back.set('q', url.searchParams.get('q')!);
		redirect(303, `/espace/lieux?${back}#demandes`);
	}
};
