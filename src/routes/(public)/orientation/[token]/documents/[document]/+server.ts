/**
 * A document the person joined to the referral, for a place without an account: through the
 * referral's signed link only (the same rules as its page), under the grant to this place for
 * this referral; decrypted on the way, its digest checked, journaled for the person. Always
 * saved, never shown in the site's own origin.
 */
import { Readable } from 'node:stream';
import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { openDocumentByLink } from '#lib/server/referral/index.ts';
import { pageError } from '#lib/server/web/errors.ts';

export const GET: RequestHandler = async ({ params, locals }) => {
	try {
		const r = await openDocumentByLink(await getDatabase(), params.token, params.document, 'download', locals.ip);
		const ext = r.mime === 'application/pdf' ? 'pdf' : 'jpg';
		const headers: Record<string, string> = {
			'cache-control': 'private, no-store',
			'referrer-policy': 'same-origin',
			'x-robots-tag': 'noindex',
			'content-type': r.mime,
			'x-content-type-options': 'nosniff',
			'content-security-policy': "default-src 'none'; sandbox",
			'content-disposition': `attachment; filename="document.${ext}"`
		};
		if (r.bytes !== null) headers['content-length'] = String(r.bytes);
		return new Response(Readable.toWeb(r.stream) as ReadableStream<Uint8Array>, { headers });
	} catch (e) {
		pageError(e);
	}
};
