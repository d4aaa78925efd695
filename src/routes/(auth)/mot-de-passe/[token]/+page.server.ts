import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { checkResetToken, resetPassword, PASSWORD_MIN_LENGTH } from '#lib/server/accounts/index.ts';

export const load: PageServerLoad = async ({ params }) => {
	const c = await checkResetToken(await getDatabase(), params.token);
	return c.ok
		? { valid: true as const, email: c.email, minLength: PASSWORD_MIN_LENGTH }
		: { valid: false as const, message: c.message, minLength: PASSWORD_MIN_LENGTH };
};

export const actions: Actions = {
	default: async ({ params, request, locals }) => {
		const form = await request.formData();
		const r = await resetPassword(
			await getDatabase(),
			params.token,
			{ next: String(form.get('next') ?? ''), confirm: String(form.get('confirm') ?? '') },
			{ ip: locals.ip }
		);
		if (!r.ok) return fail(400, { message: r.message, fields: r.fields ?? {} });
		redirect(303, '/connexion?mot-de-passe-change');
	}
};
