/**
 * The routes that receive documents for a vault (issue 15): their bodies may reach
 * MAX_UPLOAD_BYTES instead of the 1 MiB of every other form (hooks.server.ts), and adapter-node's
 * own limit is set to the same (scripts/start.mjs reads UPLOAD_LIMIT). Such a route reads its
 * form itself and checks its text fields (web/input.ts cleanText); the files are checked by
 * content (vault/files).
 */
import { DomainError } from '../errors.ts';

export const UPLOAD_ROUTES: ReadonlySet<string> = new Set(['/(public)/mon-espace/documents/ajouter', '/(pro)/espace/personnes/[id]/coffre']);

/** 60 MiB: a PDF of 50 MiB, or several photos, with the form around them. */
export const MAX_UPLOAD_BYTES = 60 * 1024 * 1024;

export function isUploadRoute(routeId: string | null): boolean {
	return !!routeId && UPLOAD_ROUTES.has(routeId);
}

/**
 * At most this many uploads are read at once by this process: a form is held in memory while
 * it is checked (up to MAX_UPLOAD_BYTES each), so ten large uploads sent together would take
 * gigabytes. The next one is told to try again, before its body is read.
 */
export const MAX_CONCURRENT_UPLOADS = 4;
let inFlight = 0;

export async function withUploadSlot<T>(fn: () => Promise<T>): Promise<T> {
	if (inFlight >= MAX_CONCURRENT_UPLOADS)
		throw new DomainError('unavailable', 'Beaucoup de documents sont envoyés en ce moment. Réessayez dans une minute\u00a0: rien n’a été enregistré.');
	inFlight++;
	try {
		return await fn();
	} finally {
		inFlight--;
	}
}
