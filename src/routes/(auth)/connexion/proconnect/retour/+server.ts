import { redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { finishOidcLogin, OIDC_COOKIE } from '#lib/server/accounts/index.ts';
import { setSessionCookie } from '#lib/server/web/session-cookie.ts';

/** The identity provider's answer (authorization code): checked, then a session, or a clear message. */
export const GET: RequestHandler = async ({ url, cookies, locals, request }) => {
	const r = await finishOidcLogin(await getDatabase(), url, cookies.get(OIDC_COOKIE), { ip: locals.ip, userAgent: request.headers.get('user-agent') });
	cookies.delete(OIDC_COOKIE, { path: '/connexion/proconnect', secure: url.protocol === 'https:' });
	if (r.status !== 'ok') redirect(303, `/connexion?erreur=${r.code}`);
	setSessionCookie(cookies, url, r.token);
	const q = r.back ? `?retour=${encodeURIComponent(r.back)}` : '';
	if (r.next === 'second-factor') redirect(303, `/connexion/code${q}`);
	if (r.next === 'enrol') redirect(303, `/compte/double-authentification${q}`);
	redirect(303, r.back ?? '/espace');
};
