import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	PROFILES,
	REGISTRATION_RETENTION_MONTHS,
	REGISTRATION_STATE_TEXT,
	cancelMine,
	registerWithAccount,
	requestRegistration,
	sessionPage,
	mailLinks
} from '#lib/server/trainings/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';

/** A page and three forms that post: no script */
export const csr = false;

const DONE: Record<string, string> = {
	inscrit: 'Votre inscription est confirmée. Un e-mail vous le confirme, avec le lien pour l’annuler si besoin.',
	attente:
		'La session est complète\u00a0: vous êtes sur la liste d’attente. Si une place se libère, elle vous est donnée automatiquement et vous recevez un e-mail.',
	demande:
		'Presque fini\u00a0: nous vous avons envoyé un e-mail. Ouvrez le lien qu’il contient pour confirmer votre inscription (sans confirmation, aucune place ne vous est réservée).',
	annule: 'Votre inscription est annulée. Votre place ira à la personne suivante de la liste d’attente, s’il y en a une.'
};

export const load: PageServerLoad = async ({ locals, params, url }) => {
	try {
		const s = await sessionPage(await getDatabase(), locals.session?.actor ?? null, params.id);
		return {
			s,
			closedText: s.state === 'open' ? null : REGISTRATION_STATE_TEXT[s.state],
			retentionMonths: REGISTRATION_RETENTION_MONTHS,
			profiles: Object.entries(PROFILES).map(([value, label]) => ({ value, label })),
			account: locals.session ? { name: locals.session.user.displayName, email: locals.session.user.email } : null,
			done: DONE[url.searchParams.get('fait') ?? ''] ?? null
		};
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	inscrire: async ({ locals, params }) => {
		let status: string;
		try {
			const db = await getDatabase();
			status = (await registerWithAccount(db, locals.session?.actor ?? null, params.id, await mailLinks(db), locals.ip)).status;
		} catch (e) {
			return formFailure(e, { form: 'inscrire' }, { page: ['not_found'] });
		}
		redirect(303, `/formations/${params.id}?fait=${status === 'confirmed' ? 'inscrit' : 'attente'}#inscription`);
	},
	demander: async ({ request, locals, params }) => {
		const f = await request.formData();
		const values = {
			firstName: String(f.get('firstName') ?? ''),
			lastName: String(f.get('lastName') ?? ''),
			email: String(f.get('email') ?? ''),
			profile: String(f.get('profile') ?? '')
		};
		try {
			const db = await getDatabase();
			await requestRegistration(db, params.id, values, await mailLinks(db), locals.ip);
		} catch (e) {
			return formFailure(e, { form: 'demander', values }, { page: ['not_found'] });
		}
		redirect(303, `/formations/${params.id}?fait=demande#inscription`);
	},
	annuler: async ({ locals, params }) => {
		try {
			const db = await getDatabase();
			await cancelMine(db, locals.session?.actor ?? null, params.id, await mailLinks(db), locals.ip);
		} catch (e) {
			return formFailure(e, { form: 'annuler' }, { page: ['not_found'] });
		}
		redirect(303, `/formations/${params.id}?fait=annule#inscription`);
	}
};
