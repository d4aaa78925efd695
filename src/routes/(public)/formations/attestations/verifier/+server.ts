import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { mailLinks, verifyCredential } from '#lib/server/trainings/index.ts';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'access-control-allow-origin': '*' };

/**
 * Checks a submitted Open Badges credential (its VC-JWT as the body, or JSON `{"credential": "<jwt>"}`):
 * the instance's signature, then the attestation it names, still valid and saying the same.
 */
export const POST: RequestHandler = async ({ request }) => {
	const body = (await request.text()).slice(0, 20_000);
	const db = await getDatabase();
	const r = await verifyCredential(db, await mailLinks(db), body);
	return new Response(JSON.stringify(r), { status: 200, headers: JSON_HEADERS });
};
