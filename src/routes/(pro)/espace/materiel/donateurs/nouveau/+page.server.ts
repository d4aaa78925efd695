import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { DONOR_KINDS, EquipmentError, createDonor, donorReadable, manageActingFor, manageChoices } from '#lib/server/equipment/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';

const NOBODY = 'Seules la coordination du département et les structures qui reconditionnent enregistrent les donateurs.';

export const load: PageServerLoad = async ({ locals }) => {
	const choices = await manageChoices(await getDatabase(), locals.session!.actor);
	if (!choices) pageError(new EquipmentError('forbidden', NOBODY));
	return {
		departments: choices.departments,
		kinds: Object.entries(DONOR_KINDS).map(([value, label]) => ({ value, label })),
		defaults: { departmentCode: choices.departments[0].code, kind: '', name: '', siret: '', communeCode: '' }
	};
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const form = await request.formData();
		const text = (k: string) => String(form.get(k) ?? '').slice(0, 1000);
		const values = {
			departmentCode: text('departmentCode'),
			kind: text('kind'),
			name: text('name'),
			siret: text('siret'),
			communeCode: text('communeCode').trim()
		};
		const actor = locals.session!.actor;
		let id: string;
		try {
			const { allowed, actingFor } = manageActingFor(actor, values.departmentCode);
			if (!allowed) throw new EquipmentError('invalid', 'Le formulaire n’est pas complet.', { departmentCode: 'Choisissez un de vos départements.' });
			id = await createDonor(
				await getDatabase(),
				actor,
				values.departmentCode,
				{ kind: values.kind, name: values.name, siret: values.siret, communeCode: values.communeCode },
				actingFor,
				locals.ip
			);
		} catch (e) {
			return formFailure(e, { values }, { page: ['forbidden'] });
		}
		if (await donorReadable(await getDatabase(), actor, id)) redirect(303, `/espace/materiel/donateurs/${id}?fait=cree`);
		redirect(303, `/espace/materiel/lots/nouveau?donateur=${id}&fait=donateur`);
	}
};
