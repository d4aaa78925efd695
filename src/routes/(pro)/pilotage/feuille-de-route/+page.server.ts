import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { STATUS_LABELS, STATUS_TONES, createAxis, deleteAxis, renameAxis, roadmap } from '#lib/server/strategy/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';
import { doneMessage } from '#lib/server/web/params.ts';

const DONE: Record<string, string> = {
	supprimee: 'L’action a été supprimée.',
	'axe-cree': 'L’axe a été ajouté.',
	'axe-renomme': 'L’axe a été renommé.',
	'axe-supprime': 'L’axe a été supprimé.'
};

export const load: PageServerLoad = async ({ locals, url }) => {
	try {
		const r = await roadmap(await getDatabase(), locals.session!.actor, url.searchParams);
		const actions = r.actions.map((a) => ({ ...a, statusLabel: STATUS_LABELS[a.shownStatus], tone: STATUS_TONES[a.shownStatus] }));
		return { ...r, actions, done: doneMessage(DONE, url.searchParams.get('fait')), query: url.searchParams.toString() };
	} catch (e) {
		pageError(e);
	}
};

const back = (departement: string, fait: string) => `/pilotage/feuille-de-route?departement=${encodeURIComponent(departement)}&fait=${fait}#axes`;

export const actions: Actions = {
	axe: async ({ request, locals }) => {
		const f = await request.formData();
		const departement = String(f.get('departement') ?? '');
		const label = String(f.get('label') ?? '');
		try {
			await createAxis(await getDatabase(), locals.session!.actor, departement, { label }, locals.ip);
		} catch (e) {
			return formFailure(e, { form: 'axe', values: { label } }, { page: ['forbidden'] });
		}
		redirect(303, back(departement, 'axe-cree'));
	},
	renommer: async ({ request, locals }) => {
		const f = await request.formData();
		const id = String(f.get('id') ?? '');
		const label = String(f.get('label') ?? '');
		try {
			await renameAxis(await getDatabase(), locals.session!.actor, id, { label }, locals.ip);
		} catch (e) {
			return formFailure(e, { form: `axe-${id}`, values: { label } }, { page: ['forbidden', 'not_found'] });
		}
		redirect(303, back(String(f.get('departement') ?? ''), 'axe-renomme'));
	},
	supprimer: async ({ request, locals }) => {
		const f = await request.formData();
		const id = String(f.get('id') ?? '');
		try {
			await deleteAxis(await getDatabase(), locals.session!.actor, id, locals.ip);
		} catch (e) {
			return formFailure(e, { form: `axe-${id}`, values: {} }, { page: ['forbidden', 'not_found'] });
		}
		redirect(303, back(String(f.get('departement') ?? ''), 'axe-supprime'));
	}
};
