import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { openDocument } from '#lib/server/vault/index.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { fileResponse, personActor } from '../../vault.server.ts';

/** The document itself, decrypted on the way and its digest checked; `?telecharger=1` saves it. Journaled. */
export const GET: RequestHandler = async (event) => {
	const download = event.url.searchParams.get('telecharger') === '1';
	try {
		const r = await openDocument(await getDatabase(), personActor(event), event.params.id, download ? 'download' : 'view');
		const ext = r.mime === 'application/pdf' ? 'pdf' : 'jpg';
		return fileResponse(r.stream, { mime: r.mime, bytes: r.bytes, download, name: `document.${ext}` });
	} catch (e) {
		pageError(e);
	}
};
