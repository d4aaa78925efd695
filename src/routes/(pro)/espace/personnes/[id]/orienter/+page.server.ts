import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { beneficiaryDetail, assessmentsOf, isMobile, PERSON_FORM_VOCAB, smsConsentReady } from '#lib/server/beneficiaries/index.ts';
import { smsConfigured } from '#lib/server/sms/index.ts';
import { referOrAskConsent, referralCandidates, scoreCandidates, distanceLabel } from '#lib/server/referral/index.ts';
import { resolveWhere } from '#lib/server/territory/index.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { closureLabel, formatDistance, formatPhone, reopening } from '#lib/components/format.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';

/** places shown at first, and added by each "Voir plus de lieux" */
const PAGE = 10;

async function person(locals: App.Locals, id: string) {
	const db = await getDatabase();
	try {
		const d = await beneficiaryDetail(db, locals.session!.actor, id, locals.ip);
		if (!d.held) error(403, 'Seule la structure qui suit la personne peut l’orienter.');
		return d;
	} catch (e) {
		pageError(e);
	}
}

export const load: PageServerLoad = async ({ params, locals, url }) => {
	const db = await getDatabase();
	const d = await person(locals, params.id);
	const [latest] = await assessmentsOf(db, locals.session!.actor, params.id);
	const q = (url.searchParams.get('q') ?? '').trim().slice(0, 200);
	const ouTyped = url.searchParams.get('ou');
	const ou = (ouTyped ?? '').trim().slice(0, 200) || d.record.communeCode || '';
	const shown = Math.min(Math.max(PAGE, Math.floor(Number(url.searchParams.get('n')) || PAGE)), 200);
	const instance = await loadInstance();
	let where: string | null = null;
	let whereError: string | null = null;
	let point: { latitude: number; longitude: number } | null = null;
	if (ou) {
		const r = await resolveWhere(db, ou, { departmentCodes: instance.departmentCodes });
		if (r.status === 'found') {
			where = r.point.label;
			point = r.point;
		} else
			whereError =
				r.status === 'ambiguous'
					? `Plusieurs communes s’appellent « ${ou} »\u00a0: ajoutez le code postal.`
					: `Nous ne trouvons pas « ${ou} ». Écrivez une commune ou un code postal.`;
	}
	const found = await referralCandidates(db, { point, text: q, limit: shown, departmentCodes: instance.departmentCodes });
	const scored = scoreCandidates(found.items, latest?.result ?? null);
	const places = scored.map(({ c, s }) => ({
		id: c.id,
		nom: c.nom,
		adresse: c.adresse,
		commune: `${c.codePostal} ${c.commune}`.trim(),
		telephone: c.telephone ? formatPhone(c.telephone) : null,
		distance: distanceLabel(c, d.record.communeCode, formatDistance),
		// the distance is said on its own
		reasons: s.reasons.filter((r) => !/^(À (environ )?\d|Dans la commune)/i.test(r)),
		missing: s.missing,
		receives: c.receives,
		// closed for a while: the prescriber reads it before sending someone there
		closure: c.closure ? `${closureLabel(c.closure)}${c.closure.until ? ` (${reopening(c.closure)})` : ''}.` : null
	}));
	const language = d.record.language ?? 'fr';
	return {
		person: {
			id: d.record.id,
			name: [d.record.firstName, d.record.lastName].filter(Boolean).join(' ') || d.record.pseudonym || 'Sans nom',
			/** messages the platform sends the person (referral/service.ts notifyPerson): by SMS or e-mail as she prefers, when she gave the number or the address; none otherwise (a call, a letter, no way recorded) */
			contactChannel: (d.record.preferredContact === 'sms' && d.record.phone
				? 'sms'
				: d.record.preferredContact === 'email' && d.record.email
					? 'email'
					: 'none') as 'sms' | 'email' | 'none',
			communeName: d.record.communeName,
			/** can be asked for their consent by SMS */
			mobile: !!d.record.phone && isMobile(d.record.phone),
			/** the language's name when it is not French: messages cannot follow */
			otherLanguage: language !== 'fr' ? d.record.languageLabel || language : null
		},
		assessment: latest ? { id: latest.id, createdAt: latest.createdAt, services: latest.result.services } : null,
		q,
		ou: ouTyped ?? d.record.communeName ?? '',
		where,
		whereError,
		places,
		total: found.total,
		more: found.more
			? { href: `?${new URLSearchParams({ ...(q ? { q } : {}), ...(ouTyped != null ? { ou: ouTyped } : {}), n: String(shown + PAGE) })}#o-lieu-${shown}` }
			: null,
		smsReady: smsConsentReady(),
		/** SMS leave this site at all (the person's messages, when they prefer SMS) */
		smsSending: smsConfigured(),
		assessmentSaved: url.searchParams.get('diagnostic') === 'enregistre',
		vocab: { scopes: PERSON_FORM_VOCAB.scopes, methods: PERSON_FORM_VOCAB.methods }
	};
};

export const actions: Actions = {
	default: async ({ params, request, locals }) => {
		const f = await request.formData();
		const d = await person(locals, params.id);
		const values = {
			placeId: String(f.get('placeId') ?? ''),
			reason: String(f.get('reason') ?? '').slice(0, 4000),
			method: String(f.get('method') ?? ''),
			scope: f.getAll('scope').map(String),
			joindre: f.get('joindreDiagnostic') === '1',
			selfNotify: f.get('selfNotify') === '1',
			assessmentId: String(f.get('assessmentId') ?? '')
		};
		const instance = await loadInstance();
		try {
			const r = await referOrAskConsent(
				await getDatabase(),
				locals.session!.actor,
				{
					beneficiaryId: params.id,
					organisationId: d.record.organisationId,
					placeId: values.placeId,
					reason: values.reason,
					assessmentId: values.joindre && values.assessmentId ? values.assessmentId : null,
					consent: { method: values.method, scope: values.scope },
					selfNotify: values.selfNotify,
					assessmentNeedsScope: true
				},
				{ origin: publicOrigin(), instanceName: instance.name, smsReady: smsConsentReady() },
				locals.ip
			);
			// asked by SMS: the referral waits for the person's OUI; their record shows the request
			if (r.status === 'consent_requested') redirect(303, `/espace/personnes/${params.id}?enregistree=sms`);
			redirect(303, `/espace/orientations/${r.id}?envoyee=1`);
		} catch (e) {
			return formFailure(e, { values });
		}
	}
};
