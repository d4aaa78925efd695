import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { ATTESTATION_STATUS_TITLE, holderAttestation, mailLinks, verificationLink } from '#lib/server/trainings/index.ts';

/** The holder's attestation, by their registration's link: the PDF, the Open Badges credential, the public check; no script */
export const csr = false;

export const load: PageServerLoad = async ({ params, setHeaders }) => {
	const db = await getDatabase();
	const a = await holderAttestation(db, params.token);
	if (!a) error(404, 'Aucune attestation n’est liée à ce lien. Elle est envoyée par e-mail après la formation, si votre présence a été notée.');
	setHeaders({ 'cache-control': 'private, no-store', 'x-robots-tag': 'noindex' });
	return {
		status: a.status,
		title: ATTESTATION_STATUS_TITLE[a.status],
		shown: a.shown,
		base: `/formations/inscription/${params.token}/attestation`,
		check: verificationLink(await mailLinks(db), a.shown.number)
	};
};
