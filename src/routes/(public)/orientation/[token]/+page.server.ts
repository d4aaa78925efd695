/**
 * A place without an account answers a referral through the signed link it received by
 * e-mail: one answer per link. No JavaScript, not indexed, not cached, and the address
 * (which holds the token) never sent as a Referer to another site.
 */
import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { referralByLink, answerByLink, linkReferralDocuments, DECLINE_REASONS, type EventType } from '#lib/server/referral/index.ts';
import { formatAppointment, formatDate } from '#lib/components/format.ts';
import { AXES, QUESTIONS } from '#lib/server/assessment/index.ts';
import { ACCESSIBILITY_NEEDS, LANGUAGES, contactLabel } from '#lib/server/beneficiaries/index.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';
import { formFailure } from '#lib/server/web/errors.ts';

export const csr = false;

/**
 * 'same-origin', not 'no-referrer': with 'no-referrer' browsers send `Origin: null` on the
 * page's own form posts, and SvelteKit's CSRF check refuses them. 'same-origin' still never
 * sends the address to another site.
 */
const PRIVATE_HEADERS = { 'cache-control': 'private, no-store', 'referrer-policy': 'same-origin', 'x-robots-tag': 'noindex' };

const URGENCY = QUESTIONS.find((q) => q.id === 'urgence')?.options ?? [];

const label = <T extends Record<string, string>>(labels: T, key: string | null | undefined) => (key && key in labels ? labels[key as keyof T] : key) ?? null;

/** Where an answer may leave the referral (the confirmation after the redirect names it). */
const ANSWERED = ['under_study', 'accepted', 'declined', 'honoured', 'no_show'];

export const load: PageServerLoad = async ({ params, request, setHeaders, url }) => {
	setHeaders(PRIVATE_HEADERS);
	const db = await getDatabase();
	const r = await referralByLink(db, params.token);
	if (!r.ok) {
		// after an answer the link is spent: the page shows the action's result instead
		if (request.method === 'POST') return { detail: null, answered: null, documents: [], path: url.pathname };
		// Post/Redirect/Get: the confirmation, shown again on reload (it holds nothing of the referral)
		const answered = url.searchParams.get('reponse');
		if (r.reason === 'used' && answered && ANSWERED.includes(answered)) return { detail: null, answered, documents: [], path: url.pathname };
		error(r.reason === 'invalid' ? 404 : 410, r.message);
	}
	const d = r.detail;
	return {
		detail: {
			reference: d.reference,
			status: d.status,
			statusLabel: d.statusLabel,
			reason: d.reason,
			sentOn: formatDate(d.sentAt),
			appointment: d.appointmentAt && formatAppointment(d.appointmentAt),
			place: { nom: d.place.nom, commune: d.place.commune },
			from: d.from,
			person: {
				fullName: d.person.fullName,
				commune: d.person.commune,
				phone: d.person.phone,
				email: d.person.email,
				preferredContact: contactLabel(d.person.preferredContact) || null,
				language: d.person.language && d.person.language !== 'fr' ? label(LANGUAGES, d.person.language) : null,
				needs: d.person.accessibilityNeeds.map((n) => label(ACCESSIBILITY_NEEDS, n)!),
				accessibilityNote: d.person.accessibilityNote
			},
			assessment: d.assessment && {
				on: formatDate(d.assessment.at),
				profile: Object.entries(d.assessment.profile).map(([axis, level]) => ({ axis: label(AXES, axis)!, level })),
				services: d.assessment.services,
				urgency: d.assessment.urgency && (URGENCY.find((o) => o.value === d.assessment!.urgency)?.label ?? d.assessment.urgency)
			},
			timeline: d.timeline.map((e) => ({ at: e.at, label: e.toStatusLabel, actorKind: e.actorKind })),
			actions: d.actions
		},
		declineReasons: Object.entries(DECLINE_REASONS).map(([value, label]) => ({ value, label })),
		// the documents the person joined: downloaded through this link while the referral is open
		documents: (await linkReferralDocuments(db, params.token)).map((doc) => ({ id: doc.id, title: doc.title, typeLabel: doc.typeLabel, pages: doc.pages })),
		path: url.pathname,
		answered: null
	};
};

const ANSWERS: readonly EventType[] = ['study', 'accept', 'decline', 'honour', 'no_show'];

export const actions: Actions = {
	default: async ({ params, request, locals, url }) => {
		const f = await request.formData();
		const type = String(f.get('type') ?? '') as EventType;
		const values = {
			appointmentAt: String(f.get('appointmentAt') ?? '').slice(0, 40),
			reason: String(f.get('reason') ?? '').slice(0, 40),
			note: String(f.get('note') ?? '').slice(0, 2000)
		};
		if (!ANSWERS.includes(type))
			return fail(400, { type, message: 'Choisissez une réponse avec l’un des boutons.', fields: {} as Record<string, string>, values });
		let status: string;
		try {
			const instance = await loadInstance();
			status = await answerByLink(
				await getDatabase(),
				params.token,
				{ type, appointmentAt: values.appointmentAt || null, reason: values.reason || null, note: values.note || null },
				{ origin: publicOrigin(), instanceName: instance.name },
				locals.ip
			);
		} catch (e) {
			return formFailure(e, { type, values });
		}
		// Post/Redirect/Get: reloading the confirmation does not answer again
		redirect(303, `${url.pathname}?reponse=${encodeURIComponent(status)}`);
	}
};
