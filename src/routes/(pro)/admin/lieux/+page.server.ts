import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { remindStalePlace, stalePlaces } from '#lib/server/places/index.ts';
import { decideClaim, listClaims } from '#lib/server/accounts/index.ts';
import { getInstanceSettings } from '#lib/server/territory/index.ts';
import { mailConfigured } from '#lib/server/mail/index.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';
import { formFailure } from '#lib/server/web/errors.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const actor = locals.session!.actor;
	const db = await getDatabase();
	const [claims, stale] = await Promise.all([listClaims(db, actor), stalePlaces(db, actor, 100)]);
	return {
		claims: claims.map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })),
		stale,
		mail: mailConfigured(),
		// the confirmation after a decision's redirect (Post/Redirect/Get)
		decided: (['accepted', 'rejected'] as const).find((d) => d === url.searchParams.get('demande')) ?? null,
		// the confirmation after a reminder's redirect: how many managers were written to
		reminded: /^\d{1,4}$/.test(url.searchParams.get('rappel') ?? '') ? Number(url.searchParams.get('rappel')) : null
	};
};

export const actions: Actions = {
	decide: async ({ request, locals }) => {
		const f = await request.formData();
		const approve = f.get('decision') === 'accepter';
		try {
			await decideClaim(await getDatabase(), locals.session!.actor, String(f.get('id') ?? ''), approve, locals.ip);
		} catch (e) {
			return formFailure(e);
		}
		// Post/Redirect/Get: reloading the page does not decide again
		redirect(303, `/admin/lieux?demande=${approve ? 'accepted' : 'rejected'}`);
	},
	remind: async ({ request, locals }) => {
		const f = await request.formData();
		let n: number;
		try {
			const db = await getDatabase();
			n = await remindStalePlace(db, locals.session!.actor, String(f.get('id') ?? ''), {
				origin: publicOrigin(),
				instanceName: (await getInstanceSettings(db)).name,
				ip: locals.ip
			});
		} catch (e) {
			return formFailure(e);
		}
		// Post/Redirect/Get: reloading the page does not send the reminder again
		redirect(303, `/admin/lieux?rappel=${n}`);
	}
};
