/**
 * The person's own page, without an account: a one-time code sent to the phone or e-mail
 * address a professional recorded, or their link (../[token]), opens a 30-minute session
 * kept server-side (a cookie on this path only). Logout ends it server-side. The person
 * sees the links that still open their page, and can end them.
 */
import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	requestPersonCode,
	verifyPersonCode,
	PERSON_COOKIE,
	openPersonSession,
	readPersonSession,
	endPersonSession,
	liveLinks,
	revokeLinksByPerson,
	PERSON_SESSION_MINUTES
} from '#lib/server/beneficiaries/index.ts';
import { formatDate } from '#lib/components/format.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { PRIVATE_HEADERS, referralsView, withdraw } from './person-view.server.ts';
import { clearPersonCookie, setPersonCookie } from '#lib/server/web/person-cookie.ts';

export const csr = false;

const CLOSED = 'Pour votre sécurité, la page s’est fermée au bout de 30 minutes, ou vous vous êtes déconnecté(e). Demandez un nouveau code pour continuer.';

export const load: PageServerLoad = async ({ cookies, setHeaders }) => {
	setHeaders(PRIVATE_HEADERS);
	const db = await getDatabase();
	const session = await readPersonSession(db.db, cookies.get(PERSON_COOKIE));
	if (!session) return { signedIn: false as const, referrals: [], links: [], minutes: PERSON_SESSION_MINUTES };
	const links = (await liveLinks(db.db, session.beneficiaryIds)).map((l) => ({
		id: l.id,
		label: l.label,
		since: formatDate(l.createdAt),
		until: formatDate(l.expiresAt),
		current: l.id === session.linkId
	}));
	return { signedIn: true as const, referrals: await referralsView(db, session.beneficiaryIds), links, minutes: PERSON_SESSION_MINUTES };
};

const contactOf = (f: FormData) =>
	String(f.get('contact') ?? '')
		.trim()
		.slice(0, 200);

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
		const db = await getDatabase();
		const r = await verifyPersonCode(db, contact, String(f.get('code') ?? '').slice(0, 20), { ip: locals.ip });
		if (r.status !== 'ok') return fail(r.status === 'throttled' ? 429 : 400, { step: 'code' as const, contact, error: r.message });
		// the session is kept server-side (logout ends it), not the signed token verifyPersonCode also returns
		const token = await openPersonSession(db, r.beneficiaryIds, { ip: locals.ip });
		setPersonCookie(cookies, url, token);
		redirect(303, '/mes-orientations');
	},
	annuler: async (event) => {
		const db = await getDatabase();
		const session = await readPersonSession(db.db, event.cookies.get(PERSON_COOKIE));
		if (!session) return fail(401, { withdrawError: CLOSED });
		return withdraw(db, session, event);
	},
	liens: async ({ request, cookies, locals }) => {
		const db = await getDatabase();
		const session = await readPersonSession(db.db, cookies.get(PERSON_COOKIE));
		if (!session) return fail(401, { linksError: CLOSED });
		const f = await request.formData();
		const which = String(f.get('lien') ?? '').slice(0, 64);
		const n = await revokeLinksByPerson(db, session, which === 'tous' ? null : which, { ip: locals.ip });
		return { linksRevoked: n };
	},
	deconnexion: async ({ cookies, url }) => {
		await endPersonSession((await getDatabase()).db, cookies.get(PERSON_COOKIE));
		clearPersonCookie(cookies, url);
		return { loggedOut: true as const };
	}
};
