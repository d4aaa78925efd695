/**
 * « Joindre des documents pour ce rendez-vous » (Mon espace, issue 15 item 7): the person
 * picks papers of their vault for one of their referrals still open; the receiving place
 * sees them until the referral ends. The person stops each one here, or in « Mes documents ».
 */
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { joinDocuments, personReferralDocuments } from '#lib/server/referral/index.ts';
import { personDocuments, revokeShare } from '#lib/server/vault/index.ts';
import { formatDate } from '#lib/components/format.ts';
import { formFailure, pageError } from '#lib/server/web/errors.ts';
import { personActor } from '../../../documents/vault.server.ts';

export const csr = false;

export const load: PageServerLoad = async (event) => {
	const who = personActor(event);
	const db = await getDatabase();
	try {
		const r = await personReferralDocuments(db, who, event.params.id);
		const joined = new Set(r.joined.map((d) => d.id));
		return {
			referral: { id: r.id, reference: r.reference, placeName: r.placeName, statusLabel: r.statusLabel, closedBecause: r.closedBecause },
			until: r.until ? formatDate(new Date(r.until.getTime() - 1)) : null,
			joined: r.joined.map((d) => ({ id: d.id, title: d.title, typeLabel: d.typeLabel, grantId: d.grantId })),
			choices: (await personDocuments(db, who.beneficiaryIds))
				.filter((d) => !joined.has(d.id))
				.map((d) => ({ value: d.id, label: `${d.title} (${d.typeLabel})` }))
		};
	} catch (e) {
		pageError(e);
	}
};

export const actions: Actions = {
	joindre: async (event) => {
		const f = await event.request.formData();
		const documents = f
			.getAll('document')
			.map((v) => String(v).slice(0, 64))
			.slice(0, 50);
		try {
			const r = await joinDocuments(await getDatabase(), personActor(event), event.params.id, documents);
			return { joined: r.shared };
		} catch (e) {
			return formFailure(e, { documents }, { page: ['not_found'] });
		}
	},
	arreter: async (event) => {
		const f = await event.request.formData();
		try {
			await revokeShare(await getDatabase(), personActor(event), String(f.get('partage') ?? '').slice(0, 64));
			return { stopped: true as const };
		} catch (e) {
			return formFailure(e);
		}
	}
};
