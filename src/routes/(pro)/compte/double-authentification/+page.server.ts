import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { confirmTotpEnrolment, pendingEnrolment, startTotpEnrolment, totpEnrolled } from '#lib/server/accounts/index.ts';
import { getInstanceSettings } from '#lib/server/territory/index.ts';
import { safeReturnPath, setSessionCookie } from '#lib/server/web/session-cookie.ts';
import { mayReadAggregatesBeforeCode } from '#lib/server/access.ts';

async function issuer() {
	return (await getInstanceSettings(await getDatabase())).name;
}

export const load: PageServerLoad = async ({ locals, url, request }) => {
	const s = locals.session!;
	const db = await getDatabase();
	const back = safeReturnPath(url.searchParams.get('retour'));
	const enrolled = await totpEnrolled(db, s.userId);
	// after the form was posted, its result (the recovery codes) is the page
	if (request.method === 'POST') return { enrolled, back, enrolment: null };
	// already enrolled: a new phone only after this session's second factor
	if (enrolled && !s.mfa) redirect(303, `/connexion/code${back ? `?retour=${encodeURIComponent(back)}` : ''}`);
	const renew = url.searchParams.has('changer');
	if (enrolled && !renew) return { enrolled, back, enrolment: null };
	const name = await issuer();
	const enrolment = (await pendingEnrolment(db, s, name)) ?? (await startTotpEnrolment(db, s, name));
	return {
		enrolled,
		back,
		enrolment: { qrSvg: enrolment.qrSvg, secretGroups: enrolment.secretGroups },
		partnerFigures: !enrolled && mayReadAggregatesBeforeCode(s)
	};
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
