/**
 * The person's own page, without an account: a one-time code sent to the phone or e-mail
 * address a professional recorded opens a 30-minute session (a cookie on this path only).
 */
import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { requestPersonCode, verifyPersonCode, readPersonSession, PERSON_COOKIE, PERSON_SESSION_MINUTES } from '#lib/server/beneficiaries/person.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { PRIVATE_HEADERS, referralsView, withdraw } from './person-view.server.ts';

export const csr = false;

const COOKIE_PATH = '/mes-orientations';

export const load: PageServerLoad = async ({ cookies, setHeaders }) => {
	setHeaders(PRIVATE_HEADERS);
	const ids = readPersonSession(cookies.get(PERSON_COOKIE));
	if (!ids) return { signedIn: false as const, referrals: [], minutes: PERSON_SESSION_MINUTES };
	return { signedIn: true as const, referrals: await referralsView(await getDatabase(), ids), minutes: PERSON_SESSION_MINUTES };
};

const contactOf = (f: FormData) => String(f.get('contact') ?? '').trim().slice(0, 200);

export const actions: Actions = {
	code: async ({ request, locals }) => {
		const contact = contactOf(await request.formData());
		const instance = await loadInstance();
		const r = await requestPersonCode(await getDatabase(), contact, { ip: locals.ip, instanceName: instance.name });
		if (r.status === 'sent') return { step: 'code' as const, contact };
		return fail(r.status === 'throttled' ? 429 : 400, { step: 'contact' as const, contact, error: r.message });
	},
	verifier: async ({ request, locals, cookies, url }) => {
		const f = await request.formData();
		const contact = contactOf(f);
		const r = await verifyPersonCode(await getDatabase(), contact, String(f.get('code') ?? '').slice(0, 20), { ip: locals.ip });
		if (r.status !== 'ok') return fail(r.status === 'throttled' ? 429 : 400, { step: 'code' as const, contact, error: r.message });
		cookies.set(PERSON_COOKIE, r.token, { path: COOKIE_PATH, httpOnly: true, secure: url.protocol === 'https:', sameSite: 'lax', maxAge: PERSON_SESSION_MINUTES * 60 });
		redirect(303, '/mes-orientations');
	},
	annuler: async (event) => {
		const ids = readPersonSession(event.cookies.get(PERSON_COOKIE));
		if (!ids) return fail(401, { withdrawError: 'Pour votre sécurité, la page s’est fermée au bout de 30 minutes. Demandez un nouveau code pour continuer.' });
		return withdraw(await getDatabase(), ids, event);
	},
	deconnexion: async ({ cookies, url }) => {
		cookies.delete(PERSON_COOKIE, { path: COOKIE_PATH, secure: url.protocol === 'https:' });
		return { loggedOut: true as const };
	}
};
