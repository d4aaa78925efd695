/**
 * « Se déconnecter » (a form in every page's header, POST only): the session ends
 * server-side, the cookie goes, and the sign-in page says so. Open to anyone: without a
 * session it only clears the cookie.
 */
import { redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { endPersonSession } from '#lib/server/beneficiaries/index.ts';
import { clearPersonCookie } from '#lib/server/web/person-cookie.ts';

export const POST: RequestHandler = async ({ locals, cookies, url }) => {
	if (locals.personToken) await endPersonSession((await getDatabase()).db, locals.personToken);
	clearPersonCookie(cookies, url);
	redirect(303, '/mon-espace/connexion?deconnecte=1');
};
