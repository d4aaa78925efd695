import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { getInstanceSettings, departmentNames } from '#lib/server/territory/index.ts';
import { ELIGIBILITY_KINDS, eligibilitySettings, setAcceptedEligibility } from '#lib/server/equipment/index.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const db = await getDatabase();
	const codes = (await getInstanceSettings(db)).departmentCodes;
	try {
		const settings = await eligibilitySettings(db, locals.session!.actor, codes);
		const names = await departmentNames(db.db, [...codes]);
		return {
			departments: settings.map((s) => ({
				code: s.departmentCode,
				name: names.find((n) => n.code === s.departmentCode)?.name ?? s.departmentCode,
				kinds: s.kinds as string[]
			})),
			kinds: Object.entries(ELIGIBILITY_KINDS).map(([value, label]) => ({ value, label })),
			saved: url.searchParams.get('fait') === 'enregistre' ? (url.searchParams.get('departement') ?? '') : null
		};
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const f = await request.formData();
		const departmentCode = String(f.get('departmentCode') ?? '').slice(0, 3);
		const kinds = f
			.getAll('kinds')
			.map((k) => String(k).slice(0, 40))
			.slice(0, 20);
		try {
			await setAcceptedEligibility(await getDatabase(), locals.session!.actor, departmentCode, kinds, locals.ip);
		} catch (e) {
			return formFailure(e, { values: { departmentCode, kinds } }, { page: ['forbidden'] });
		}
		redirect(303, `/admin/instance/materiel?fait=enregistre&departement=${encodeURIComponent(departmentCode)}`);
	}
};
