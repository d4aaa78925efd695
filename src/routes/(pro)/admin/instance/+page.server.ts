import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { getInstanceSettings, changeInstanceSettings } from '#lib/server/territory/index.ts';
import { formFailure } from '#lib/server/web/errors.ts';

export const load: PageServerLoad = async () => {
	const s = await getInstanceSettings(await getDatabase());
	return { settings: { ...s, departmentCodes: s.departmentCodes.join(', '), updatedAt: s.updatedAt.toISOString() } };
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const f = await request.formData();
		const values = {
			name: String(f.get('name') ?? ''),
			departmentCodes: String(f.get('departmentCodes') ?? ''),
			colorPrimary: String(f.get('colorPrimary') ?? ''),
			colorAccent: String(f.get('colorAccent') ?? ''),
			logoUrl: String(f.get('logoUrl') ?? ''),
			contactEmail: String(f.get('contactEmail') ?? ''),
			// the legal pages (issue 12, item 14)
			publisher: String(f.get('publisher') ?? ''),
			publicationDirector: String(f.get('publicationDirector') ?? ''),
			host: String(f.get('host') ?? ''),
			dpoContact: String(f.get('dpoContact') ?? ''),
			accessibilityContact: String(f.get('accessibilityContact') ?? '')
		};
		const db = await getDatabase();
		const patch = { ...values, departmentCodes: values.departmentCodes.split(/[\s,;]+/).filter(Boolean) };
		let r;
		try {
			r = await changeInstanceSettings(db, locals.session!.actor, patch, locals.ip);
		} catch (e) {
			// refused as a whole (not the instance's administration): said above the form
			return formFailure(e, { values });
		}
		if (!r.ok) {
			const fields: Record<string, string> = {};
			for (const e of r.errors) fields[e.field] ??= e.message;
			return fail(400, { message: 'Vérifiez les champs signalés.', fields, values });
		}
		return { saved: true };
	}
};
