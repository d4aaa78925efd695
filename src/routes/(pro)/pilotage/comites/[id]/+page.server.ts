import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	DECISION_STATUSES,
	DECISION_STATUS_LABELS,
	DECISION_STATUS_TONES,
	MEETING_KINDS,
	MEETING_KIND_LABELS,
	MEETING_MODES,
	MEETING_MODE_LABELS,
	addDecision,
	deleteDecision,
	deleteMeeting,
	meetingDetail,
	meetingFormChoices,
	setDecisionStatus,
	updateMeeting,
	type MeetingKind,
	type MeetingMode
} from '#lib/server/strategy/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';
import { doneMessage } from '#lib/server/web/params.ts';
import { DECISION_TARGETS, MEETING_TARGETS, readMeetingForm } from '../meeting-form.ts';

const DONE: Record<string, string> = {
	creee: 'La réunion a été créée.',
	modifiee: 'La réunion a été enregistrée.',
	decision: 'La décision a été enregistrée.',
	suivi: 'L’état de la décision a été changé.',
	'decision-supprimee': 'La décision a été supprimée.'
};

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	try {
		const d = await meetingDetail(db, actor, params.id);
		const m = d.meeting;
		const print = url.searchParams.has('impression');
		const edit =
			d.manage && !print
				? {
						...(await meetingFormChoices(db, actor, m.departmentCode)),
						kinds: MEETING_KINDS.map((k) => ({ value: k, label: MEETING_KIND_LABELS[k] })),
						modes: MEETING_MODES.map((x) => ({ value: x, label: MEETING_MODE_LABELS[x] })),
						statuses: DECISION_STATUSES.map((s) => ({ value: s, label: DECISION_STATUS_LABELS[s] })),
						values: {
							kind: m.kind,
							heldOn: m.heldOn,
							startTime: m.startTime ?? '',
							mode: m.mode,
							location: m.location,
							presentIds: m.presentOrganisationIds,
							agenda: m.agenda,
							minutes: m.minutes
						},
						targets: MEETING_TARGETS,
						decisionTargets: DECISION_TARGETS
					}
				: null;
		return {
			...d,
			kindLabel: MEETING_KIND_LABELS[m.kind as MeetingKind],
			modeLabel: MEETING_MODE_LABELS[m.mode as MeetingMode],
			decisions: d.decisions.map((x) => ({ ...x, statusLabel: DECISION_STATUS_LABELS[x.shownStatus], tone: DECISION_STATUS_TONES[x.shownStatus] })),
			edit,
			print,
			removing: d.manage ? (d.decisions.find((x) => x.id === url.searchParams.get('retirer'))?.id ?? null) : null,
			done: doneMessage(DONE, url.searchParams.get('fait'))
		};
	} catch (e) {
		pageError(e);
	}
};

const PAGE = { page: ['forbidden', 'not_found'] };

export const actions: Actions = {
	modifier: async ({ request, locals, params }) => {
		const values = readMeetingForm(await request.formData());
		try {
			await updateMeeting(await getDatabase(), locals.session!.actor, params.id, values, locals.ip);
		} catch (e) {
			return formFailure(e, { form: 'modifier', values }, PAGE);
		}
		redirect(303, `/pilotage/comites/${params.id}?fait=modifiee`);
	},
	decision: async ({ request, locals, params }) => {
		const f = await request.formData();
		const values = {
			body: String(f.get('body') ?? ''),
			ownerId: String(f.get('ownerId') ?? ''),
			dueDate: String(f.get('dueDate') ?? ''),
			actionIds: f.getAll('actionIds').map(String),
			status: String(f.get('status') ?? 'open')
		};
		let id: string;
		try {
			id = await addDecision(await getDatabase(), locals.session!.actor, params.id, values, locals.ip);
		} catch (e) {
			return formFailure(e, { form: 'decision', decisionValues: values }, PAGE);
		}
		redirect(303, `/pilotage/comites/${params.id}?fait=decision#decision-${id}`);
	},
	suivi: async ({ request, locals, params }) => {
		const f = await request.formData();
		const id = String(f.get('id') ?? '');
		try {
			await setDecisionStatus(await getDatabase(), locals.session!.actor, id, { status: String(f.get('status') ?? '') }, locals.ip);
		} catch (e) {
			return formFailure(e, { form: `suivi-${id}` }, PAGE);
		}
		redirect(303, `/pilotage/comites/${params.id}?fait=suivi#decision-${id}`);
	},
	retirer: async ({ request, locals, params }) => {
		const f = await request.formData();
		try {
			await deleteDecision(await getDatabase(), locals.session!.actor, String(f.get('id') ?? ''), locals.ip);
		} catch (e) {
			return formFailure(e, { form: 'retirer' }, PAGE);
		}
		redirect(303, `/pilotage/comites/${params.id}?fait=decision-supprimee#decisions`);
	},
	supprimer: async ({ request, locals, params }) => {
		const f = await request.formData();
		let departmentCode: string;
		try {
			departmentCode = await deleteMeeting(await getDatabase(), locals.session!.actor, params.id, f.get('confirm') === 'on', locals.ip);
		} catch (e) {
			return formFailure(e, { form: 'supprimer' }, PAGE);
		}
		redirect(303, `/pilotage/comites?departement=${encodeURIComponent(departmentCode)}&fait=supprimee`);
	}
};
