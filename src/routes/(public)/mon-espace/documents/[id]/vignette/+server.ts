import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { openDocument } from '#lib/server/vault/index.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { fileResponse, personActor } from '../../vault.server.ts';

/** The small picture of a document in the person's list (theirs only; not journaled: it is their own list). */
export const GET: RequestHandler = async (event) => {
	try {
		const r = await openDocument(await getDatabase(), personActor(event), event.params.id, 'thumbnail');
		return fileResponse(r.stream, { mime: 'image/jpeg', bytes: null, download: false, name: 'apercu.jpg' });
	} catch (e) {
		pageError(e);
	}
};
