/** The attestation of a signed mandate (PDF), for a helper of the structure that holds it. */
import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { mandateAttestation } from '#lib/server/documents/index.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { error } from '@sveltejs/kit';

export const GET: RequestHandler = async ({ params, locals }) => {
	let pdf: Buffer | null;
	try {
		const instance = await loadInstance();
		pdf = await mandateAttestation(
			await getDatabase(),
			locals.session!.actor,
			params.mandat,
			{ origin: publicOrigin(), instanceName: instance.name },
			locals.ip
		);
	} catch (e) {
		pageError(e);
	}
	if (!pdf) error(409, 'Ce mandat n’est pas encore confirmé\u00a0: il n’a pas d’attestation.');
	return new Response(new Uint8Array(pdf), {
		headers: {
			'content-type': 'application/pdf',
			'content-disposition': 'attachment; filename="attestation-mandat.pdf"',
			'cache-control': 'private, no-store'
		}
	});
};
