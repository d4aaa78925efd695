import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { confirmTotpEnrolment, pendingEnrolment, startTotpEnrolment } from '#lib/server/accounts/service.ts';
import { getInstanceSettings } from '#lib/server/territory/service.ts';
import { safeReturnPath, setSessionCookie } from '#lib/server/web/session-cookie.ts';

async function issuer() {
	return (await getInstanceSettings(await getDatabase())).name;
}

export const load: PageServerLoad = async ({ locals, url }) => {
	const s = locals.session!;
	const back = safeReturnPath(url.searchParams.get('retour'));
	// already enrolled: a new enrolment replaces the app only after a fresh second factor
	if (s.user.totpEnrolled && !s.mfa) redirect(303, `/connexion/code${back ? `?retour=${encodeURIComponent(back)}` : ''}`);
	const db = await getDatabase();
	const renew = url.searchParams.has('changer') && s.mfa;
	if (s.user.totpEnrolled && !renew) return { enrolled: true as const, back, enrolment: null };
	const enrolment = (await pendingEnrolment(db, s, await issuer())) ?? (await startTotpEnrolment(db, s, await issuer()));
	return { enrolled: false as const, back, enrolment: { qrSvg: enrolment.qrSvg, secretGroups: enrolment.secretGroups } };
};

export const actions: Actions = {
	default: async ({ request, locals, cookies, url }) => {
		const form = await request.formData();
		const r = await confirmTotpEnrolment(await getDatabase(), locals.session!, locals.sessionToken!, String(form.get('code') ?? ''), {
			ip: locals.ip,
			userAgent: request.headers.get('user-agent')
		});
		if (r.status !== 'ok') return fail(r.status === 'throttled' ? 429 : 400, { message: r.message });
		setSessionCookie(cookies, url, r.token);
		return { recoveryCodes: r.recoveryCodes, back: safeReturnPath(String(form.get('retour') ?? '')) };
	}
};
