/** One document of the person's vault: see it, download it, share it with a structure until a date, delete it (two steps). */
import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	CATEGORIES,
	chooseReminderContact,
	deleteDocument,
	reminderContacts,
	personDocuments,
	personShares,
	revokeShare,
	shareDocuments,
	shareTargets,
	SHARE_DAYS,
	NOT_FOUND
} from '#lib/server/vault/index.ts';
import { formatDate } from '#lib/components/format.ts';
import { addDays, parisDay } from '#lib/time.ts';
import { formFailure } from '#lib/server/web/errors.ts';
import { personActor } from '../vault.server.ts';
import { documentCard } from '../cards.server.ts';

export const csr = false;

export const load: PageServerLoad = async (event) => {
	const who = personActor(event);
	const db = await getDatabase();
	const doc = (await personDocuments(db, who.beneficiaryIds)).find((d) => d.id === event.params.id);
	if (!doc) error(404, NOT_FOUND);
	const shares = (await personShares(db, who.beneficiaryIds)).filter(
		(s) => s.inForce && (s.documentId === doc.id || s.category === doc.category || s.kind === 'vault_presence')
	);
	const today = parisDay();
	return {
		document: documentCard(doc),
		category: CATEGORIES[doc.category],
		targets: await shareTargets(db, who.beneficiaryIds),
		// who else is reminded before the paper's end: only for a paper with an end of validity
		reminder: doc.expiresOn
			? {
					contacts: (await reminderContacts(db, who.beneficiaryIds)).map((c) => ({ id: c.userId, label: c.label })),
					current: doc.remindUserId
				}
			: null,
		shares: shares.map((s) => ({ id: s.id, to: s.to, what: s.what, until: s.until ? formatDate(new Date(s.until.getTime() - 1)) : null })),
		defaultUntil: addDays(today, SHARE_DAYS.default),
		today,
		maxUntil: addDays(today, SHARE_DAYS.max)
	};
};

export const actions: Actions = {
	partager: async (event) => {
		const f = await event.request.formData();
		const values = {
			organisationId: String(f.get('structure') ?? '').slice(0, 64),
			until: String(f.get('jusqua') ?? '').slice(0, 10),
			what: String(f.get('quoi') ?? 'document')
		};
		try {
			await shareDocuments(await getDatabase(), personActor(event), {
				organisationId: values.organisationId,
				until: values.until || null,
				...(values.what === 'categorie'
					? {
							category: (await personDocuments(await getDatabase(), personActor(event).beneficiaryIds)).find((d) => d.id === event.params.id)?.category ?? null
						}
					: { documentId: event.params.id })
			});
			return { shared: true as const };
		} catch (e) {
			return formFailure(e, { values }, { page: ['not_found'] });
		}
	},
	prevenir: async (event) => {
		const f = await event.request.formData();
		const userId = String(f.get('professionnel') ?? '').slice(0, 64);
		try {
			await chooseReminderContact(await getDatabase(), personActor(event), event.params.id, userId || null);
		} catch (e) {
			return formFailure(e, { values: { remindUserId: userId } }, { page: ['not_found'] });
		}
		redirect(303, `/mon-espace/documents/${event.params.id}?prevenu=1#rappels`);
	},
	arreter: async (event) => {
		const f = await event.request.formData();
		try {
			await revokeShare(await getDatabase(), personActor(event), String(f.get('partage') ?? '').slice(0, 64));
			return { stopped: true as const };
		} catch (e) {
			return formFailure(e);
		}
	},
	supprimer: async (event) => {
		const f = await event.request.formData();
		if (f.get('confirmer') !== '1') return { confirmDelete: true as const };
		try {
			await deleteDocument(await getDatabase(), personActor(event), event.params.id);
		} catch (e) {
			return formFailure(e, {}, { page: ['not_found'] });
		}
		redirect(303, '/mon-espace/documents?supprime=1');
	}
};
