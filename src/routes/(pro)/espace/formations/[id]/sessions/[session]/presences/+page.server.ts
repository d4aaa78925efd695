import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	ATTENDANCE_METHODS,
	hoursText,
	issueNow,
	mailLinks,
	recordAttendance,
	revokeAttestation,
	sessionAttendance,
	sessionAttestations
} from '#lib/server/trainings/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';

const DONE: Record<string, string> = {
	presences: 'Les présences de la demi-journée sont enregistrées.',
	delivrees: 'Les attestations dues sont délivrées, et envoyées par e-mail.',
	aucune: 'Aucune nouvelle attestation à délivrer\u00a0: chaque personne présente a déjà la sienne.',
	revoquee: 'L’attestation est révoquée. Sa page de vérification le dit désormais.'
};

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	try {
		const d = await sessionAttendance(db, actor, params.session, params.id);
		const organiser = d.organiser;
		const chosen = d.slots.find((s) => s.id === url.searchParams.get('creneau')) ?? d.slots.find((s) => s.open && !s.recorded) ?? d.slots[0];
		const last = d.slots.at(-1);
		return {
			training: { id: d.training.id, title: d.training.title },
			session: { id: d.session.id, published: d.session.status === 'published' },
			slots: d.slots.map((s) => ({ id: s.id, label: s.label, open: s.open, recorded: s.recorded, hours: hoursText(s.minutes) })),
			slot: chosen
				? {
						id: chosen.id,
						label: chosen.label,
						open: chosen.open,
						recorded: chosen.recorded,
						method: chosen.recorded
							? (ATTENDANCE_METHODS[([...chosen.marks.values()].find((m) => m.method !== 'relay') ?? [...chosen.marks.values()][0])?.method ?? ''] ?? '')
							: ''
					}
				: null,
			registrants: d.registrants.map((r) => ({
				id: r.id,
				name: r.name,
				structure: r.structure,
				present: chosen?.marks.get(r.id)?.present ?? false,
				/** present at a relay place, as its team recorded (the room's sheet does not undo it) */
				relay: !!chosen?.marks.get(r.id)?.present && chosen?.marks.get(r.id)?.method === 'relay'
			})),
			organiser,
			ended: !!last && last.open,
			attestations: organiser ? await sessionAttestations(db, actor, params.session, params.id) : [],
			done: DONE[url.searchParams.get('fait') ?? ''] ?? null
		};
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	pointer: async ({ request, locals, params }) => {
		const f = await request.formData();
		const slotId = String(f.get('creneau') ?? '');
		try {
			await recordAttendance(
				await getDatabase(),
				locals.session!.actor,
				{
					sessionId: params.session,
					trainingId: params.id,
					slotId,
					present: f.getAll('present').map(String),
					method: f.get('methode') === 'sheet' ? 'sheet' : 'screen'
				},
				{ ip: locals.ip }
			);
		} catch (e) {
			return formFailure(e, { form: 'pointer' }, { page: ['forbidden', 'not_found'] });
		}
		redirect(303, `/espace/formations/${params.id}/sessions/${params.session}/presences?creneau=${encodeURIComponent(slotId)}&fait=presences`);
	},
	delivrer: async ({ locals, params }) => {
		let n: number;
		try {
			const db = await getDatabase();
			n = await issueNow(db, locals.session!.actor, params.session, await mailLinks(db), { trainingId: params.id });
		} catch (e) {
			return formFailure(e, { form: 'delivrer' }, { page: ['forbidden', 'not_found'] });
		}
		redirect(303, `/espace/formations/${params.id}/sessions/${params.session}/presences?fait=${n ? 'delivrees' : 'aucune'}#attestations`);
	},
	revoquer: async ({ request, locals, params }) => {
		const f = await request.formData();
		const attestationId = String(f.get('attestation') ?? '');
		try {
			await revokeAttestation(
				await getDatabase(),
				locals.session!.actor,
				{ sessionId: params.session, trainingId: params.id, attestationId, reason: f.get('raison') },
				locals.ip
			);
		} catch (e) {
			return formFailure(e, { form: 'revoquer', attestationId }, { page: ['forbidden', 'not_found'] });
		}
		redirect(303, `/espace/formations/${params.id}/sessions/${params.session}/presences?fait=revoquee#attestations`);
	}
};
