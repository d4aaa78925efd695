import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { beneficiaryDetail, assessmentsOf, isMobile, CareError, PERSON_FORM_VOCAB, DEFAULT_CONSENT_SCOPES } from '#lib/server/beneficiaries/service.ts';
import { recommendPlaces, AXES, type Assessment } from '#lib/server/assessment/service.ts';
import { referOrAskConsent, howPlacesReceive } from '#lib/server/referral/service.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';

/** Without an assessment: the nearest places first, every service counting. */
const NEUTRAL: Assessment = {
	version: 1,
	profile: Object.fromEntries(Object.keys(AXES).map((k) => [k, null])) as Assessment['profile'],
	urgency: null,
	services: [],
	filters: { priseEnCharge: [], ouvertSamedi: false, gratuit: false, itinerant: false, accompagnement: [] }
};

async function person(locals: App.Locals, id: string) {
	const db = await getDatabase();
	try {
		const d = await beneficiaryDetail(db, locals.session!.actor, id, locals.ip);
		if (!d.held) error(403, 'Seule la structure qui suit la personne peut l’orienter.');
		return d;
	} catch (e) {
		if (e instanceof CareError) error(404, e.message);
		throw e;
	}
}

export const load: PageServerLoad = async ({ params, locals, url }) => {
	const db = await getDatabase();
	const d = await person(locals, params.id);
	const [latest] = await assessmentsOf(db, locals.session!.actor, params.id);
	const ou = (url.searchParams.get('ou') ?? '').trim().slice(0, 200) || d.record.communeCode || '';
	const instance = await loadInstance();
	let where: string | null = null;
	let whereError: string | null = null;
	let places: { id: string; nom: string; adresse: string; commune: string; reasons: string[]; missing: string[]; receives: 'team' | 'email' | null }[] = [];
	if (ou) {
		const r = await recommendPlaces(db, latest?.result ?? NEUTRAL, { where: ou }, { limit: 8, homeDepartments: instance.departmentCodes });
		if (r.where?.status === 'found') {
			where = r.where.point.label;
			const receive = await howPlacesReceive(db, r.recommendations.map((x) => x.item.place.id));
			places = r.recommendations.map((x) => ({
				id: x.item.place.id,
				nom: x.item.place.nom,
				adresse: x.item.place.adresse,
				commune: x.item.place.commune,
				reasons: x.reasons,
				missing: x.missing,
				receives: receive.get(x.item.place.id) ?? null
			}));
		} else whereError = r.where?.status === 'ambiguous' ? `Plusieurs communes s’appellent « ${ou} » : ajoutez le code postal.` : `Nous ne trouvons pas « ${ou} ».`;
	}
	return {
		person: {
			id: d.record.id,
			name: [d.record.firstName, d.record.lastName].filter(Boolean).join(' ') || d.record.pseudonym || 'Sans nom',
			preferredContact: d.record.preferredContactLabel,
			communeName: d.record.communeName,
			/** can be asked for their consent by SMS */
			mobile: !!d.record.phone && isMobile(d.record.phone)
		},
		assessment: latest ? { id: latest.id, createdAt: latest.createdAt, services: latest.result.services } : null,
		ou: url.searchParams.get('ou') ?? d.record.communeName ?? '',
		where,
		whereError,
		places,
		vocab: { scopes: PERSON_FORM_VOCAB.scopes, methods: PERSON_FORM_VOCAB.methods, defaultScope: DEFAULT_CONSENT_SCOPES }
	};
};

export const actions: Actions = {
	default: async ({ params, request, locals, url }) => {
		const f = await request.formData();
		const d = await person(locals, params.id);
		const values = {
			placeId: String(f.get('placeId') ?? ''),
			reason: String(f.get('reason') ?? '').slice(0, 4000),
			method: String(f.get('method') ?? ''),
			scope: f.getAll('scope').map(String),
			joindre: f.get('joindreDiagnostic') === '1',
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
					consent: { method: values.method, scope: values.scope }
				},
				{ origin: publicOrigin(), instanceName: instance.name },
				locals.ip
			);
			// asked by SMS: the referral waits for the person's OUI; their record shows the request
			if (r.status === 'consent_requested') redirect(303, `/espace/personnes/${params.id}?enregistree=sms`);
			redirect(303, `/espace/orientations/${r.id}?envoyee=1`);
		} catch (e) {
			if (e instanceof CareError) return fail(e.code === 'invalid' ? 400 : 409, { values, fields: e.fields, message: e.message });
			throw e;
		}
	}
};
