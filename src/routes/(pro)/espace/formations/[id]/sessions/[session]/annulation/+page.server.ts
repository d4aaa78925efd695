import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { cancelRegistration, cancelSession, mailLinks, sessionForOrganiser, slotLabel } from '#lib/server/trainings/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';

/** Two kinds of forms that post: no script */
export const csr = false;

const DONE: Record<string, string> = {
	session: 'La session est annulée. Chaque inscrit a reçu un e-mail avec l’annulation pour son agenda.',
	inscription: 'L’inscription est annulée et la personne prévenue par e-mail. Si elle avait une place, la personne suivante de la liste d’attente l’a reçue.'
};

export const load: PageServerLoad = async ({ locals, params, url }) => {
	try {
		const d = await sessionForOrganiser(await getDatabase(), locals.session!.actor, params.session, params.id);
		return {
			training: { id: d.training.id, title: d.training.title },
			session: { id: d.session.id, status: d.session.status, cancelReason: d.session.cancelReason },
			when: d.slots.map(slotLabel),
			registrants: d.registrants
				.filter((r) => r.status === 'confirmed' || r.status === 'waiting' || r.status === 'pending')
				.map((r) => ({ id: r.id, name: `${r.lastName.toUpperCase()} ${r.firstName}`, email: r.email, statusLabel: r.statusLabel, rank: r.rank })),
			done: DONE[url.searchParams.get('fait') ?? ''] ?? null
		};
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	session: async ({ request, locals, params }) => {
		const reason = String((await request.formData()).get('reason') ?? '');
		try {
			const db = await getDatabase();
			await cancelSession(db, locals.session!.actor, params.session, { reason }, await mailLinks(db), { ip: locals.ip, trainingId: params.id });
		} catch (e) {
			return formFailure(e, { reason, form: 'session' }, { page: ['forbidden', 'not_found'] });
		}
		redirect(303, `/espace/formations/${params.id}/sessions/${params.session}/annulation?fait=session`);
	},
	inscription: async ({ request, locals, params }) => {
		const id = String((await request.formData()).get('registration') ?? '');
		try {
			const db = await getDatabase();
			await cancelRegistration(db, locals.session!.actor, params.session, id, await mailLinks(db), { ip: locals.ip, trainingId: params.id });
		} catch (e) {
			return formFailure(e, { form: 'inscription' }, { page: ['forbidden'] });
		}
		redirect(303, `/espace/formations/${params.id}/sessions/${params.session}/annulation?fait=inscription`);
	}
};
