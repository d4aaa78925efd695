/** Fermer mon coffre (issue 15, item 9): the export first, then, once confirmed, everything destroyed for good. */
import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { closeVault, personDocuments } from '#lib/server/vault/index.ts';
import { personActor } from '../vault.server.ts';

export const csr = false;

export const load: PageServerLoad = async (event) => {
	const who = personActor(event);
	return { count: (await personDocuments(await getDatabase(), who.beneficiaryIds)).length };
};

export const actions: Actions = {
	default: async (event) => {
		const f = await event.request.formData();
		// a phone's keyboard writes « Fermer » (a capital first, or all small): the word counts, not its case
		if (
			String(f.get('confirmer') ?? '')
				.trim()
				.toUpperCase() !== 'FERMER'
		)
			return fail(400, { notConfirmed: true as const });
		const r = await closeVault(await getDatabase(), personActor(event));
		return { closed: r.documents };
	}
};
