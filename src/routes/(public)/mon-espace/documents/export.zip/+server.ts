import type { RequestHandler } from './$types';
import { Readable } from 'node:stream';
import { getDatabase } from '#lib/server/db/client.ts';
import { exportVault } from '#lib/server/vault/index.ts';
import { actionLabel } from '#lib/server/journal/index.ts';
import { PRIVATE_HEADERS, personActor } from '../vault.server.ts';

/** Everything in one request (L.103, criterion 5): the originals, the manifest and the journal, as one ZIP, streamed. */
export const GET: RequestHandler = async (event) => {
	const out = await exportVault(await getDatabase(), personActor(event), actionLabel);
	return new Response(Readable.toWeb(out.stream) as ReadableStream<Uint8Array>, {
		headers: { ...PRIVATE_HEADERS, 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${out.fileName}"` }
	});
};
