import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { createBeneficiary, holdingOrganisations, personFormValues, PERSON_FORM_VOCAB } from '#lib/server/beneficiaries/index.ts';
import { formFailure } from '#lib/server/web/errors.ts';

function organisationsOf(locals: App.Locals) {
	const actor = locals.session!.actor;
	const held = new Set(holdingOrganisations(actor));
	return actor.memberships.filter((m) => held.has(m.organisationId)).filter((m, i, all) => all.findIndex((x) => x.organisationId === m.organisationId) === i);
}

export const load: PageServerLoad = async ({ locals }) => {
	const orgs = organisationsOf(locals);
	if (!orgs.length) error(403, 'Seuls les prescripteurs et les médiateurs d’une structure peuvent enregistrer une personne.');
	const { listOrganisations } = await import('#lib/server/accounts/index.ts');
	const names = new Map((await listOrganisations(await getDatabase(), locals.session!.actor)).map((o) => [o.id, o.name]));
	return { organisations: orgs.map((o) => ({ id: o.organisationId, name: names.get(o.organisationId) ?? o.organisationId })), vocab: PERSON_FORM_VOCAB };
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const f = await request.formData();
		const values = personFormValues(f);
		const orgs = organisationsOf(locals);
		const organisationId = String(f.get('organisationId') ?? orgs[0]?.organisationId ?? '');
		try {
			const r = await createBeneficiary(
				await getDatabase(),
				locals.session!.actor,
				{ organisationId, form: values, confirmNew: f.get('confirmerNouvelle') === '1' },
				locals.ip
			);
			if (r.status === 'duplicates') return fail(409, { values, organisationId, duplicates: r.candidates, fields: {} as Record<string, string> });
			redirect(303, f.get('ensuite') === 'fiche' ? `/espace/personnes/${r.id}?enregistree=1` : `/espace/personnes/${r.id}/orienter`);
		} catch (e) {
			return formFailure(e, { values, organisationId, duplicates: [] });
		}
	}
};
