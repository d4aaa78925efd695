import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { ATTESTATION_STATUS_TITLE, checkAttestation } from '#lib/server/trainings/index.ts';

/** The public check of an attestation (its QR code's page): valid, revoked, not valid or unknown; no script */
export const csr = false;

export const load: PageServerLoad = async ({ params, setHeaders }) => {
	const r = await checkAttestation(await getDatabase(), params.number);
	setHeaders({ 'cache-control': 'no-store', 'x-robots-tag': 'noindex' });
	return { status: r.status, title: ATTESTATION_STATUS_TITLE[r.status], shown: r.shown, number: params.number.slice(0, 40) };
};
