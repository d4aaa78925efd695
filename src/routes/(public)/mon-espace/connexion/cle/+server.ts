/**
 * The sign-in page's script asks here for a passkey challenge (JSON), then posts the
 * phone's answer with the page's form (?/cle). Counted per address.
 */
import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { passkeySignInOptions } from '#lib/server/beneficiaries/index.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';

export const POST: RequestHandler = async ({ locals }) => {
	const r = await passkeySignInOptions(await getDatabase(), { origin: publicOrigin() }, { ip: locals.ip });
	if (r.status !== 'ok') return json({ error: r.message }, { status: 429, headers: { 'cache-control': 'no-store' } });
	return json(r.options, { headers: { 'cache-control': 'no-store' } });
};
