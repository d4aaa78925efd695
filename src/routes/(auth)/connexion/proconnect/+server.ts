import { error, redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { oidcSettings, startOidcLogin, OIDC_COOKIE } from '#lib/server/accounts/index.ts';
import { safeReturnPath } from '#lib/server/web/session-cookie.ts';
import { log } from '#lib/server/log.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';

/** "S’identifier avec ProConnect": off to the identity provider, the attempt remembered in a cookie. */
export const GET: RequestHandler = async ({ url, cookies }) => {
	if (!oidcSettings()) error(404, 'La connexion par ProConnect n’est pas activée sur cette instance.');
	let target: { url: string; cookie: string };
	try {
		target = await startOidcLogin(`${publicOrigin()}/connexion/proconnect/retour`, safeReturnPath(url.searchParams.get('retour')));
	} catch (e) {
		log('error', 'identity provider unreachable', { error: (e as Error).message });
		redirect(303, '/connexion?erreur=indisponible');
	}
	cookies.set(OIDC_COOKIE, target.cookie, { path: '/connexion/proconnect', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:', maxAge: 600 });
	// an external address: SvelteKit's redirect() only takes local ones
	return new Response(null, { status: 303, headers: { location: target.url } });
};
