import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { loginWithPassword, oidcErrorMessage, oidcSettings } from '#lib/server/accounts/index.ts';

import { decide } from '#lib/server/access.ts';
import { safeReturnPath, setSessionCookie } from '#lib/server/web/session-cookie.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const back = safeReturnPath(url.searchParams.get('retour'));
	// already through (second factor passed, or not needed for this account's roles)
	if (locals.session && decide('/(pro)/espace', locals.session) === 'allow') redirect(303, back ?? '/espace');
	const oidc = oidcSettings();
	const code = url.searchParams.get('erreur');
	return {
		back,
		loggedOut: url.searchParams.has('deconnecte'),
		passwordChanged: url.searchParams.has('mot-de-passe-change'),
		oidc: oidc ? { name: oidc.name } : null,
		oidcError: code ? oidcErrorMessage(code) : null
	};
};

export const actions: Actions = {
	default: async ({ request, cookies, url, locals }) => {
		const form = await request.formData();
		const email = String(form.get('email') ?? '');
		const back = safeReturnPath(String(form.get('retour') ?? ''));
		const r = await loginWithPassword(
			await getDatabase(),
			{ email, password: String(form.get('password') ?? '') },
			{ ip: locals.ip, userAgent: request.headers.get('user-agent') }
		);
		if (r.status !== 'ok') {
			return fail(r.status === 'throttled' ? 429 : 400, { message: r.message, fields: 'fields' in r ? (r.fields ?? {}) : {}, email });
		}
		setSessionCookie(cookies, url, r.token);
		const q = back ? `?retour=${encodeURIComponent(back)}` : '';
		if (r.next === 'second-factor') redirect(303, `/connexion/code${q}`);
		if (r.next === 'enrol') redirect(303, `/compte/double-authentification${q}`);
		redirect(303, back ?? '/espace');
	}
};
