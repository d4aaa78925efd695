import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { acceptInvitation, checkInvitation, PASSWORD_MIN_LENGTH } from '#lib/server/accounts/index.ts';
import { setSessionCookie } from '#lib/server/web/session-cookie.ts';

export const load: PageServerLoad = async ({ params }) => {
	const c = await checkInvitation(await getDatabase(), params.token);
	if (!c.ok) return { valid: false as const, message: c.message, reason: c.reason };
	return {
		valid: true as const,
		email: c.invitation.email,
		displayName: c.invitation.displayName,
		organisationName: c.organisationName,
		roleLabel: c.roleLabel,
		existingAccount: c.existingAccount,
		minLength: PASSWORD_MIN_LENGTH
	};
};

export const actions: Actions = {
	default: async ({ params, request, locals, cookies, url }) => {
		const form = await request.formData();
		const values = { displayName: String(form.get('displayName') ?? '') };
		const r = await acceptInvitation(
			await getDatabase(),
			params.token,
			{ displayName: values.displayName, password: String(form.get('password') ?? ''), confirm: String(form.get('confirm') ?? '') },
			{ ip: locals.ip, userAgent: request.headers.get('user-agent') }
		);
		if (!r.ok) return fail(400, { message: r.message, fields: r.fields ?? {}, values });
		if (r.token) {
			setSessionCookie(cookies, url, r.token);
			redirect(303, '/espace');
		}
		// an existing account: its owner logs in, then accepts or refuses the role in « Mon compte »
		redirect(303, '/connexion?retour=%2Fcompte%23roles-proposes');
	}
};
