import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	SESSION_STATUSES,
	seatsText,
	slotLabel,
	trainingForOrganiser,
	trainingFormChoices,
	updateTraining,
	type SessionStatus
} from '#lib/server/trainings/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';
import { TRAINING_TARGETS, readTrainingForm, type TrainingFormValues } from '../training-form.ts';

const DONE: Record<string, string> = {
	creee: 'La formation est créée. Ajoutez-lui une session (ses dates, son lieu, ses places) pour la publier dans le catalogue.',
	modifiee: 'La formation est enregistrée.'
};

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	try {
		const d = await trainingForOrganiser(db, actor, params.id);
		const t = d.training;
		const values: TrainingFormValues = {
			organiserId: t.organiserOrganisationId,
			title: t.title,
			objectives: t.objectives,
			programme: t.programme,
			audiences: t.audiences,
			theme: t.theme,
			format: t.format,
			trainerOrganisationId: t.trainerOrganisationId ?? '',
			trainerStructure: t.trainerStructure,
			trainerPerson: t.trainerPerson,
			prerequisites: t.prerequisites,
			accessibility: t.accessibility
		};
		return {
			title: t.title,
			organiser: d.organiser,
			values,
			choices: await trainingFormChoices(db, actor),
			targets: TRAINING_TARGETS,
			sessions: d.sessions.map((s) => ({
				id: s.id,
				when: s.slots.map(slotLabel),
				status: SESSION_STATUSES[s.status as SessionStatus] ?? s.status,
				seats: seatsText(s.capacity, s.seatsTaken, s.waitingCount)
			})),
			done: DONE[url.searchParams.get('fait') ?? ''] ?? null
		};
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	modifier: async ({ request, locals, params }) => {
		const values = readTrainingForm(await request.formData());
		try {
			await updateTraining(await getDatabase(), locals.session!.actor, params.id, values, locals.ip);
		} catch (e) {
			return formFailure(e, { values }, { page: ['forbidden', 'not_found'] });
		}
		redirect(303, `/espace/formations/${params.id}?fait=modifiee`);
	}
};
