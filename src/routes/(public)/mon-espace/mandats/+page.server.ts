/**
 * Mon espace, « Mes mandats »: the person sees who may act for them, on which themes, until
 * when, how they signed, and every use; they withdraw a theme, or end a mandate (two steps),
 * at once. Their own session (locals.person, rule PERSON): without it, the sign-in page.
 */
import { fail, isActionFailure, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { personMandates, revokeMandate, revokeTheme } from '#lib/server/mandates/index.ts';
import { formFailure } from '#lib/server/web/errors.ts';

export const csr = false;

const CLOSED = 'Pour votre sécurité, la page s’est fermée. Reconnectez-vous pour continuer.';

// the private headers come from Mon espace's layout (setting them twice is an error)
export const load: PageServerLoad = async ({ locals, url }) => {
	const list = await personMandates((await getDatabase()).db, locals.person!.beneficiaryIds);
	return { mandates: list, done: url.searchParams.get('fait') };
};

export const actions: Actions = {
	retirer: async ({ request, locals }) => {
		if (!locals.person) return fail(401, { message: CLOSED });
		const f = await request.formData();
		const mandateId = String(f.get('mandat') ?? '').slice(0, 64);
		const theme = String(f.get('domaine') ?? '').slice(0, 40);
		try {
			await revokeTheme(await getDatabase(), { kind: 'person', session: locals.person, ip: locals.ip }, mandateId, theme);
		} catch (e) {
			return formFailure(e, { mandateId });
		}
		redirect(303, '/mon-espace/mandats?fait=domaine');
	},
	arreter: async ({ request, locals }) => {
		if (!locals.person) return fail(401, { message: CLOSED });
		const f = await request.formData();
		const mandateId = String(f.get('mandat') ?? '').slice(0, 64);
		if (f.get('confirmer') !== '1') return { confirmId: mandateId };
		let r: unknown = null;
		try {
			await revokeMandate(await getDatabase(), { kind: 'person', session: locals.person, ip: locals.ip }, mandateId);
		} catch (e) {
			r = formFailure(e, { mandateId });
		}
		if (isActionFailure(r)) return r;
		redirect(303, '/mon-espace/mandats?fait=arrete');
	}
};
