import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { cancelByToken, confirmRegistration, registrationByToken, sessionPage, mailLinks } from '#lib/server/trainings/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';

/** The registration's own link (sent by e-mail): see it, confirm it, cancel it; no script */
export const csr = false;

/**
 * The link is the registration's key (anyone holding it can cancel): like every page opened by
 * a link of the person's, never cached, never indexed, its address never sent to another site
 * ('same-origin', not 'no-referrer': that would make the page's own forms post `Origin: null`).
 */
const PRIVATE_HEADERS = { 'cache-control': 'private, no-store', 'referrer-policy': 'same-origin', 'x-robots-tag': 'noindex' };

const DONE: Record<string, string> = {
	confirmee: 'Votre inscription est enregistrée. Un e-mail vous le confirme.',
	annulee: 'Votre inscription est annulée. Votre place ira à la personne suivante de la liste d’attente, s’il y en a une.'
};

export const load: PageServerLoad = async ({ params, url, setHeaders }) => {
	setHeaders(PRIVATE_HEADERS);
	try {
		const db = await getDatabase();
		const r = await registrationByToken(db, params.token);
		const s = await sessionPage(db, null, r.sessionId);
		return {
			r,
			session: { id: s.id, title: s.training.title, slots: s.slots.map((x) => x.label), hours: s.hours, status: s.status },
			done: DONE[url.searchParams.get('fait') ?? ''] ?? null
		};
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	confirmer: async ({ params, locals }) => {
		try {
			const db = await getDatabase();
			await confirmRegistration(db, params.token, await mailLinks(db), locals.ip);
		} catch (e) {
			return formFailure(e, { form: 'confirmer' }, { page: ['not_found'] });
		}
		redirect(303, `/formations/inscription/${params.token}?fait=confirmee`);
	},
	annuler: async ({ params, locals }) => {
		try {
			const db = await getDatabase();
			await cancelByToken(db, params.token, await mailLinks(db), locals.ip);
		} catch (e) {
			return formFailure(e, { form: 'annuler' }, { page: ['not_found'] });
		}
		redirect(303, `/formations/inscription/${params.token}?fait=annulee`);
	}
};
