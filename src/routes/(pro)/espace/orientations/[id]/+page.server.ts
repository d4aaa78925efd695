import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { referralDetail, actOnReferral, teamReferralDocuments, counterReferralDocuments, DECLINE_REASONS, type EventType } from '#lib/server/referral/index.ts';
import { AXES } from '#lib/server/assessment/index.ts';
import { ACCESSIBILITY_NEEDS } from '#lib/server/beneficiaries/index.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';
import { formatPhone } from '#lib/components/format.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';

export const load: PageServerLoad = async ({ params, locals, url }) => {
	try {
		const db = await getDatabase();
		const detail = await referralDetail(db, locals.session!.actor, params.id, locals.ip);
		// the documents the person joined for this appointment (the place's team only: the grants reach them)
		const documents = (await teamReferralDocuments(db, locals.session!.actor, params.id)).map((doc) => ({
			id: doc.id,
			title: doc.title,
			typeLabel: doc.typeLabel,
			pages: doc.pages
		}));
		// the needs are in the view only when the consent covers health and disability (scope 'health')
		const needs = detail.person.accessibilityNeeds.map((n) => ACCESSIBILITY_NEEDS[n as keyof typeof ACCESSIBILITY_NEEDS] ?? n);
		const fait = url.searchParams.get('fait') as EventType | null;
		const telephone = detail.place.telephone;
		return {
			detail: {
				...detail,
				place: {
					...detail.place,
					telephoneDisplay: telephone ? formatPhone(telephone) : null,
					telephoneE164: telephone ? telephone.replace(/[^\d+]/g, '') : null
				}
			},
			done: fait && Object.hasOwn(DONE, fait) ? (DONE[fait] ?? null) : null,
			needs,
			documents,
			// the sender with the person's vault open at the counter: a link to join papers to this referral
			counter: detail.side === 'sender' && !!(await counterReferralDocuments(db, locals.session!.actor, params.id)),
			declineReasons: Object.entries(DECLINE_REASONS).map(([value, label]) => ({ value, label })),
			axes: AXES as Record<string, string>,
			sent: url.searchParams.has('envoyee')
		};
	} catch (e) {
		pageError(e);
	}
};

const DONE: Partial<Record<EventType, string>> = {
	study: 'L’orientation est notée « en cours d’examen ».',
	accept: 'L’orientation est acceptée. La personne qui l’a envoyée est prévenue.',
	decline: 'L’orientation est refusée. La personne qui l’a envoyée est prévenue.',
	honour: 'L’orientation est honorée.',
	no_show: 'L’orientation est notée « personne non venue ».',
	withdraw: 'L’orientation est retirée. Le lieu et la personne sont prévenus.'
};

export const actions: Actions = {
	default: async ({ params, request, locals }) => {
		const f = await request.formData();
		const type = String(f.get('action') ?? '') as EventType;
		if (type === 'withdraw' && f.get('confirmer') !== '1') return { confirmWithdraw: true };
		const input = {
			type,
			appointmentAt: String(f.get('appointmentAt') ?? '') || null,
			reason: String(f.get('reason') ?? '') || null,
			note: String(f.get('note') ?? '') || null
		};
		try {
			const instance = await loadInstance();
			await actOnReferral(await getDatabase(), locals.session!.actor, params.id, input, { origin: publicOrigin(), instanceName: instance.name }, locals.ip);
		} catch (e) {
			return formFailure(e, { action: type, values: input });
		}
		// Post/Redirect/Get: reloading the page after "Accepter" does not accept again
		redirect(303, `/espace/orientations/${params.id}?fait=${encodeURIComponent(type)}`);
	}
};
