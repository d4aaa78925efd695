/** The security page's script asks here for a challenge to create a passkey (JSON), then posts the answer with the page's form. */
import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { passkeyRegistrationOptions } from '#lib/server/beneficiaries/index.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';

export const POST: RequestHandler = async ({ locals }) => {
	const instance = await loadInstance();
	const options = await passkeyRegistrationOptions(await getDatabase(), locals.person!, { origin: publicOrigin(), name: instance.name });
	return json(options, { headers: { 'cache-control': 'no-store' } });
};
