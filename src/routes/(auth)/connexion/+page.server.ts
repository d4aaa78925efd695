import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { loginWithPassword, oidcSettings } from '#lib/server/accounts/service.ts';

const OIDC_ERRORS: Record<string, string> = {
	expired: 'La connexion a pris trop de temps ou a été interrompue. Recommencez.',
	denied: 'La connexion a été annulée.',
	'no-account': 'Aucun compte ni invitation ne correspond à votre adresse e-mail professionnelle. Demandez une invitation à l’équipe de coordination de votre Département.',
	inactive: 'Ce compte est désactivé. Adressez-vous à l’équipe de coordination de votre Département.',
	acr: 'Le niveau de sécurité de cette connexion est insuffisant. Recommencez avec votre fournisseur d’identité habituel.',
	email: 'Votre fournisseur d’identité n’a pas transmis d’adresse e-mail vérifiée.',
	indisponible: 'Le service d’identification ne répond pas. Réessayez dans quelques minutes, ou connectez-vous avec votre mot de passe.',
	failed: 'La connexion n’a pas abouti. Réessayez dans quelques minutes.'
};
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
		oidcError: code ? (OIDC_ERRORS[code] ?? OIDC_ERRORS.failed) : null
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
