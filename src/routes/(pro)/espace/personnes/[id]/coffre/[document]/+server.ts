import type { RequestHandler } from './$types';
import { Readable } from 'node:stream';
import { getDatabase } from '#lib/server/db/client.ts';
import { openDocument } from '#lib/server/vault/index.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** A document the person shared (or opened with the professional): decrypted on the way, journaled and shown to the person. */
export const GET: RequestHandler = async ({ params, locals, url }) => {
	const download = url.searchParams.get('telecharger') === '1';
	try {
		const r = await openDocument(
			await getDatabase(),
			{ kind: 'professional', actor: locals.session!.actor, ip: locals.ip },
			params.document,
			download ? 'download' : 'view'
		);
		const pdf = r.mime === 'application/pdf';
		const ext = pdf ? 'pdf' : 'jpg';
		const headers: Record<string, string> = {
			'cache-control': 'private, no-store',
			'content-type': r.mime,
			'x-content-type-options': 'nosniff',
			'content-security-policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
			'content-disposition': `${download || pdf ? 'attachment' : 'inline'}; filename="document.${ext}"`
		};
		if (r.bytes !== null) headers['content-length'] = String(r.bytes);
		return new Response(Readable.toWeb(r.stream) as ReadableStream<Uint8Array>, { headers });
	} catch (e) {
		pageError(e);
	}
};
