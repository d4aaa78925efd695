/**
 * Mes documents (issue 15): the person's vault — their papers, who can see them, and
 * « tout télécharger ». Works without JavaScript; the person's own session only.
 */
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { personDocuments, personRequests, personShares, provideRequest, revokeShare, QUOTA_BYTES } from '#lib/server/vault/index.ts';
import { formatDate } from '#lib/components/format.ts';
import { formFailure } from '#lib/server/web/errors.ts';
import { personActor } from './vault.server.ts';
import { documentCard } from './cards.server.ts';

export const csr = false;

export const load: PageServerLoad = async (event) => {
	const who = personActor(event);
	const db = await getDatabase();
	const documents = await personDocuments(db, who.beneficiaryIds);
	const shares = (await personShares(db, who.beneficiaryIds)).filter((s) => s.inForce);
	const used = documents.reduce((n, d) => n + d.bytes, 0);
	const requests = (await personRequests(db, who.beneficiaryIds)).filter((r) => r.status === 'open');
	return {
		requests: requests.map((r) => ({
			id: r.id,
			organisation: r.organisation,
			typeLabel: r.typeLabel,
			type: r.type,
			note: r.note,
			askedOn: formatDate(r.createdAt),
			// the person's documents of that type first
			choices: [...documents]
				.sort((a, b) => Number(b.type === r.type) - Number(a.type === r.type))
				.map((d) => ({ id: d.id, label: `${d.title} (${d.typeLabel})`, match: d.type === r.type }))
		})),
		documents: documents.map((d) => documentCard(d)),
		shares: shares.map((s) => ({ id: s.id, to: s.to, what: s.what, until: s.until ? formatDate(new Date(s.until.getTime() - 1)) : null, kind: s.kind })),
		usedMb: Math.max(0.1, Math.round((used / 1024 / 1024) * 10) / 10),
		quotaMb: Math.round(QUOTA_BYTES / 1024 / 1024),
		added: event.url.searchParams.get('ajoute') === '1',
		deleted: event.url.searchParams.get('supprime') === '1'
	};
};

export const actions: Actions = {
	fournir: async (event) => {
		const f = await event.request.formData();
		const requestId = String(f.get('demande') ?? '').slice(0, 64);
		try {
			await provideRequest(await getDatabase(), personActor(event), { requestId, documentId: String(f.get('document') ?? '').slice(0, 64) });
			return { provided: true as const };
		} catch (e) {
			return formFailure(e, { requestId });
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
