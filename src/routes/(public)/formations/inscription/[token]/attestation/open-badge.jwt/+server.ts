import type { RequestHandler } from './$types';
import { error } from '@sveltejs/kit';
import { getDatabase } from '#lib/server/db/client.ts';
import { holderAttestation, mailLinks, openBadge } from '#lib/server/trainings/index.ts';

/** The holder's Open Badges 3.0 credential (a VC-JWT signed with the instance's key), by their registration's link. */
export const GET: RequestHandler = async ({ params }) => {
	const db = await getDatabase();
	const a = await holderAttestation(db, params.token);
	if (!a || a.status !== 'valid') error(404, 'Aucune attestation valide n’est liée à ce lien.');
	const { jwt } = openBadge(await mailLinks(db), a.row);
	return new Response(jwt, {
		headers: {
			'content-type': 'application/vc+jwt',
			'content-disposition': `attachment; filename="open-badge-${a.shown.number}.jwt"`,
			'cache-control': 'private, no-store'
		}
	});
};
