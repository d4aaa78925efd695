import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { issuerProfile, mailLinks } from '#lib/server/trainings/index.ts';

/** The issuer's profile of the Open Badges credentials (Open Badges 3.0 `Profile`), with the public key that signs them. */
export const GET: RequestHandler = async () => {
	const profile = issuerProfile(await mailLinks(await getDatabase()));
	return new Response(JSON.stringify(profile, null, 2), {
		headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=3600', 'access-control-allow-origin': '*' }
	});
};
