import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { logout } from '#lib/server/accounts/index.ts';
import { clearSessionCookie } from '#lib/server/web/session-cookie.ts';

export const load: PageServerLoad = async () => ({});

export const actions: Actions = {
	default: async ({ locals, cookies, url }) => {
		if (locals.sessionToken) await logout(await getDatabase(), locals.sessionToken, locals.session, locals.ip);
		clearSessionCookie(cookies, url);
		redirect(303, '/connexion?deconnecte');
	}
};
