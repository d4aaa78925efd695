import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { requestPasswordReset, RESET_MINUTES } from '#lib/server/accounts/index.ts';
import { getInstanceSettings } from '#lib/server/territory/index.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';

export const load: PageServerLoad = async () => ({ minutes: RESET_MINUTES });

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const form = await request.formData();
		const email = String(form.get('email') ?? '');
		const db = await getDatabase();
		const r = await requestPasswordReset(db, email, {
			origin: publicOrigin(),
			instanceName: (await getInstanceSettings(db)).name,
			ip: locals.ip,
			userAgent: request.headers.get('user-agent')
		});
		if (!r.ok) return fail(r.field ? 400 : 429, { message: r.message, field: r.field ?? null, email });
		return { sent: true, email };
	}
};
