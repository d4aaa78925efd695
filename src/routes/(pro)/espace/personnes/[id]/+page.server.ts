import { isActionFailure, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	beneficiaryDetail,
	assessmentsOf,
	updateBeneficiary,
	withdrawConsent,
	recordAssessment,
	findDuplicates,
	loadBeneficiary,
	personFormValues,
	PERSON_FORM_VOCAB,
	liveLinks,
	revokeLinksByHolder,
	consentRequestsOf,
	cancelConsentRequest,
	resendConsentRequest
} from '#lib/server/beneficiaries/index.ts';
import { eraseBeneficiary, mergeBeneficiaries } from '#lib/server/privacy/index.ts';
import { referralsOfBeneficiary } from '#lib/server/referral/index.ts';
import { QUESTIONS, AXES } from '#lib/server/assessment/index.ts';
import { STATE_LABELS, formatCode, spokenCode, vouchersOfPerson } from '#lib/server/pass/index.ts';
import { dayLabel, euros } from '#lib/components/format.ts';
import { abilities } from '#lib/server/accounts/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';

export const load: PageServerLoad = async ({ params, locals, url }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	try {
		const d = await beneficiaryDetail(db, actor, params.id, locals.ip);
		const b = d.held ? await loadBeneficiary(db.db, actor, params.id, 'write') : null;
		return {
			...d,
			assessments: await assessmentsOf(db, actor, params.id),
			referrals: await referralsOfBeneficiary(db, actor, params.id),
			consentRequests: await consentRequestsOf(db, actor, params.id),
			// Pass Numérique: what prescribers handed to the person
			pass: abilities(actor).passDistribution
				? (await vouchersOfPerson(db.db, params.id)).map((v) => ({
						code: formatCode(v.code),
						spoken: spokenCode(v.code),
						state: STATE_LABELS[v.state as keyof typeof STATE_LABELS] ?? v.state,
						value: euros(v.faceValueCents),
						validUntil: dayLabel(v.validUntil),
						date: v.redeemedAt ?? v.distributedAt,
						redeemed: !!v.redeemedAt
					}))
				: null,
			duplicates: b && !b.anonymisedAt ? await findDuplicates(db.db, b.organisationId, b, b.id) : [],
			// the holder sees (and can end) the links that open the person's page
			personLinks: b ? (await liveLinks(db.db, [b.id])).map((l) => ({ label: l.label, expiresAt: l.expiresAt })) : [],
			mode: url.searchParams.has('modifier') ? 'edit' : url.searchParams.has('diagnostic') ? 'assessment' : 'view',
			saved: url.searchParams.get('enregistree') ?? null,
			/** the assessment was opened from the referral form: back to it once saved */
			backToReferral: url.searchParams.get('retour') === 'orienter',
			vocab: PERSON_FORM_VOCAB,
			questions: QUESTIONS,
			axes: AXES as Record<string, string>,
			editValues: b
				? {
						firstName: b.firstName ?? '',
						lastName: b.lastName ?? '',
						pseudonym: b.pseudonym ?? '',
						birthYear: b.birthYear ? String(b.birthYear) : '',
						commune: b.communeName ?? '',
						phone: b.phone ?? '',
						email: b.email ?? '',
						preferredContact: b.preferredContact,
						language: b.language,
						accessibilityNeeds: b.accessibilityNeeds,
						accessibilityNote: b.accessibilityNote ?? ''
					}
				: null
		};
	} catch (e) {
		pageError(e);
	}
};

async function run<T>(fn: () => Promise<T>, values?: unknown) {
	try {
		return await fn();
	} catch (e) {
		return formFailure(e, { values });
	}
}

export const actions: Actions = {
	modifier: async ({ params, request, locals }) => {
		const db = await getDatabase();
		const values = personFormValues(await request.formData());
		const r = await run(() => updateBeneficiary(db, locals.session!.actor, params.id, values, locals.ip), values);
		if (r && typeof r === 'object' && 'status' in r) return r;
		redirect(303, `/espace/personnes/${params.id}?enregistree=modifiee`);
	},
	diagnostic: async ({ params, request, locals }) => {
		const db = await getDatabase();
		const f = await request.formData();
		const raw: Record<string, string | string[]> = {};
		for (const q of QUESTIONS) raw[q.id] = q.multiple ? f.getAll(q.id).map(String) : String(f.get(q.id) ?? '');
		const r = await run(() => recordAssessment(db, locals.session!.actor, params.id, raw, locals.ip), raw);
		if (r && typeof r === 'object' && 'status' in r) return r;
		if (f.get('retour') === 'orienter') redirect(303, `/espace/personnes/${params.id}/orienter?diagnostic=enregistre`);
		redirect(303, `/espace/personnes/${params.id}?enregistree=diagnostic`);
	},
	// Post/Redirect/Get: once done, back to the page with a code its load turns into the message (F5 then repeats nothing)
	retirerConsentement: async ({ params, request, locals }) => {
		const db = await getDatabase();
		const id = String((await request.formData()).get('consentId') ?? '');
		const r = await run(() => withdrawConsent(db, { actor: locals.session!.actor }, id, locals.ip));
		if (isActionFailure(r)) return r;
		redirect(303, `/espace/personnes/${params.id}?enregistree=consentement-retire`);
	},
	annulerDemande: async ({ params, request, locals }) => {
		const db = await getDatabase();
		const id = String((await request.formData()).get('requestId') ?? '');
		const r = await run(() => cancelConsentRequest(db, locals.session!.actor, id, locals.ip));
		if (isActionFailure(r)) return r;
		redirect(303, `/espace/personnes/${params.id}?enregistree=demande-annulee`);
	},
	renvoyerDemande: async ({ params, request, locals }) => {
		const db = await getDatabase();
		const id = String((await request.formData()).get('requestId') ?? '');
		const r = await run(() => resendConsentRequest(db, locals.session!.actor, id, locals.ip));
		if (isActionFailure(r)) return r;
		redirect(303, `/espace/personnes/${params.id}?enregistree=demande-renvoyee`);
	},
	desactiverLiens: async ({ params, locals }) => {
		const db = await getDatabase();
		const r = await run(() => revokeLinksByHolder(db, locals.session!.actor, params.id, locals.ip));
		if (r && typeof r === 'object' && 'status' in r) return r;
		redirect(303, `/espace/personnes/${params.id}?enregistree=${r ? 'liens-desactives' : 'aucun-lien'}`);
	},
	effacer: async ({ params, request, locals }) => {
		const db = await getDatabase();
		if ((await request.formData()).get('confirmer') !== '1') return { confirmErase: true };
		const r = await run(() => eraseBeneficiary(db, locals.session!.actor, params.id, locals.ip));
		if (r && typeof r === 'object' && 'status' in r) return r;
		redirect(303, `/espace/personnes/${params.id}?enregistree=effacee`);
	},
	fusionner: async ({ params, request, locals }) => {
		const db = await getDatabase();
		const other = String((await request.formData()).get('autre') ?? '');
		const r = await run(() => mergeBeneficiaries(db, locals.session!.actor, params.id, other, locals.ip));
		if (r && typeof r === 'object' && 'status' in r) return r;
		redirect(303, `/espace/personnes/${params.id}?enregistree=fusionnee`);
	}
};
