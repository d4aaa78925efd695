import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { passSecondFactor } from '#lib/server/accounts/index.ts';
import { safeReturnPath, setSessionCookie } from '#lib/server/web/session-cookie.ts';
import { mayReadAggregatesBeforeCode } from '#lib/server/access.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const back = safeReturnPath(url.searchParams.get('retour'));
	if (locals.session!.mfa) redirect(303, back ?? '/espace');
	if (!locals.session!.user.totpEnrolled) redirect(303, '/compte/double-authentification');
	// a partner may read its own figures (no personal data) without the code
	return { back, recovery: url.searchParams.has('secours'), partnerFigures: mayReadAggregatesBeforeCode(locals.session) };
};

export const actions: Actions = {
	default: async ({ request, cookies, url, locals }) => {
		const form = await request.formData();
		const recovery = form.has('recoveryCode');
		const back = safeReturnPath(String(form.get('retour') ?? ''));
		const r = await passSecondFactor(
			await getDatabase(),
			locals.session!,
			locals.sessionToken!,
			recovery ? { recoveryCode: String(form.get('recoveryCode') ?? '') } : { code: String(form.get('code') ?? '') },
			{ ip: locals.ip, userAgent: request.headers.get('user-agent') }
		);
		if (r.status !== 'ok') return fail(r.status === 'throttled' ? 429 : 400, { message: r.message, recovery });
		setSessionCookie(cookies, url, r.token);
		redirect(303, back ?? '/espace');
	}
};
