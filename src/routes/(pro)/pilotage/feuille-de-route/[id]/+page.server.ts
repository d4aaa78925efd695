import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	ACTION_STATUSES,
	DECISION_STATUS_LABELS,
	DECISION_STATUS_TONES,
	INDICATORS,
	STATUS_LABELS,
	STATUS_TONES,
	actionDetail,
	actionFormChoices,
	addActionNote,
	decisionStatus,
	deleteAction,
	updateAction,
	type DecisionStatus
} from '#lib/server/strategy/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';
import { doneMessage } from '#lib/server/web/params.ts';
import { parisDay } from '#lib/time.ts';
import { ACTION_TARGETS, actionInputOf, actionValues, readActionForm } from '../action-form.ts';

const DONE: Record<string, string> = {
	creee: 'L’action a été ajoutée à la feuille de route.',
	modifiee: 'L’action a été enregistrée.',
	note: 'Le point d’avancement a été ajouté.'
};

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	try {
		const { territory: _territory, ...d } = await actionDetail(db, actor, params.id);
		const today = parisDay();
		const edit = d.manage
			? {
					choices: await actionFormChoices(db, actor, d.action.departmentCode),
					statuses: ACTION_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] })),
					values: actionValues(d),
					targets: ACTION_TARGETS
				}
			: null;
		return {
			...d,
			statusLabel: STATUS_LABELS[d.shownStatus],
			tone: STATUS_TONES[d.shownStatus],
			indicators: d.indicators.map((i) => ({ ...i, label: INDICATORS[i.key].label, unit: INDICATORS[i.key].unit })),
			decisions: d.decisions.map((x) => {
				const shown = decisionStatus(x.status as DecisionStatus, x.dueDate, today);
				return { ...x, statusLabel: DECISION_STATUS_LABELS[shown], tone: DECISION_STATUS_TONES[shown] };
			}),
			edit,
			today,
			done: doneMessage(DONE, url.searchParams.get('fait'))
		};
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	modifier: async ({ request, locals, params }) => {
		const values = readActionForm(await request.formData());
		try {
			await updateAction(await getDatabase(), locals.session!.actor, params.id, actionInputOf(values), locals.ip);
		} catch (e) {
			return formFailure(e, { form: 'modifier', values }, { page: ['forbidden', 'not_found'] });
		}
		redirect(303, `/pilotage/feuille-de-route/${params.id}?fait=modifiee`);
	},
	note: async ({ request, locals, params }) => {
		const f = await request.formData();
		const values = { notedOn: String(f.get('notedOn') ?? ''), body: String(f.get('body') ?? '') };
		try {
			await addActionNote(await getDatabase(), locals.session!.actor, params.id, values, locals.ip);
		} catch (e) {
			return formFailure(e, { form: 'note', noteValues: values }, { page: ['forbidden', 'not_found'] });
		}
		redirect(303, `/pilotage/feuille-de-route/${params.id}?fait=note#historique`);
	},
	supprimer: async ({ request, locals, params }) => {
		const f = await request.formData();
		let departmentCode: string;
		try {
			departmentCode = await deleteAction(await getDatabase(), locals.session!.actor, params.id, f.get('confirm') === 'on', locals.ip);
		} catch (e) {
			return formFailure(e, { form: 'supprimer' }, { page: ['forbidden', 'not_found'] });
		}
		redirect(303, `/pilotage/feuille-de-route?departement=${encodeURIComponent(departmentCode)}&fait=supprimee`);
	}
};
