import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { openDocument } from '#lib/server/vault/index.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { fileResponse, personActor } from '../../vault.server.ts';

/** The document itself, decrypted on the way and its digest checked; `?telecharger=1` saves it (a PDF always). Journaled. */
export const GET: RequestHandler = async (event) => {
	const download = event.url.searchParams.get('telecharger') === '1';
	try {
		const r = await openDocument(await getDatabase(), personActor(event), event.params.id, download ? 'download' : 'view');
		const pdf = r.mime === 'application/pdf';
		// a PDF is always saved, never shown in the site's own origin (it may carry scripts)
		return fileResponse(r.stream, { mime: r.mime, bytes: r.bytes, download: download || pdf, name: `document.${pdf ? 'pdf' : 'jpg'}` });
	} catch (e) {
		pageError(e);
	}
};
