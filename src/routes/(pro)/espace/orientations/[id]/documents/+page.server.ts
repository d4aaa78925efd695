/**
 * At the counter: the professional who sent the referral joins papers of the person's vault
 * to it, with the person present (the vault open to them by the person's code) and once the
 * person has said yes. The same shares as the person's own from Mon espace: the place sees
 * them until the referral ends.
 */
import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { counterReferralDocuments, joinDocumentsAtCounter } from '#lib/server/referral/index.ts';
import { formFailure } from '#lib/server/web/errors.ts';

export const load: PageServerLoad = async ({ params, locals, url }) => {
	const view = await counterReferralDocuments(await getDatabase(), locals.session!.actor, params.id);
	if (!view) error(404, 'Ouvrez d’abord le coffre avec la personne, depuis sa fiche.');
	return { ...view, referralId: params.id, joined: Number(url.searchParams.get('joints') ?? NaN) };
};

export const actions: Actions = {
	default: async ({ params, locals, request }) => {
		const f = await request.formData();
		const documents = f
			.getAll('document')
			.map((v) => String(v).slice(0, 64))
			.slice(0, 100);
		let shared: number;
		try {
			({ shared } = await joinDocumentsAtCounter(await getDatabase(), locals.session!.actor, {
				referralId: params.id,
				documentIds: documents,
				personAgrees: f.get('accord') === '1',
				ip: locals.ip
			}));
		} catch (e) {
			return formFailure(e, { documents }, { page: ['not_found'] });
		}
		redirect(303, `/espace/orientations/${params.id}/documents?joints=${shared}`);
	}
};
