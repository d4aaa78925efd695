import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	MEETING_KINDS,
	MEETING_KIND_LABELS,
	MEETING_MODES,
	MEETING_MODE_LABELS,
	createMeeting,
	meetingFormChoices,
	readableDepartments
} from '#lib/server/strategy/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';
import { MEETING_TARGETS, emptyMeetingValues, readMeetingForm } from '../meeting-form.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	try {
		const departments = await readableDepartments(db, actor);
		const asked = (url.searchParams.get('departement') ?? '').toUpperCase();
		const departmentCode = departments.includes(asked) ? asked : (departments[0] ?? '');
		const choices = await meetingFormChoices(db, actor, departmentCode);
		return {
			departmentCode,
			departments,
			organisations: choices.organisations,
			kinds: MEETING_KINDS.map((k) => ({ value: k, label: MEETING_KIND_LABELS[k] })),
			modes: MEETING_MODES.map((m) => ({ value: m, label: MEETING_MODE_LABELS[m] })),
			defaults: emptyMeetingValues(),
			targets: MEETING_TARGETS
		};
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const f = await request.formData();
		const values = readMeetingForm(f);
		let id: string;
		try {
			id = await createMeeting(await getDatabase(), locals.session!.actor, String(f.get('departement') ?? ''), values, locals.ip);
		} catch (e) {
			return formFailure(e, { values }, { page: ['forbidden'] });
		}
		redirect(303, `/pilotage/comites/${id}?fait=creee`);
	}
};
