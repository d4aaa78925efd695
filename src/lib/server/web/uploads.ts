/**
 * The routes that receive documents for a vault (issue 15): their bodies may reach
 * MAX_UPLOAD_BYTES instead of the 1 MiB of every other form (hooks.server.ts), and adapter-node's
 * own limit is set to the same (scripts/start.mjs reads UPLOAD_LIMIT). Such a route reads its
 * form itself and checks its text fields (web/input.ts cleanText); the files are checked by
 * content (vault/files).
 */
export const UPLOAD_ROUTES: ReadonlySet<string> = new Set(['/(public)/mon-espace/documents/ajouter', '/(pro)/espace/personnes/[id]/coffre']);

/** 60 MiB: a PDF of 50 MiB, or several photos, with the form around them. */
export const MAX_UPLOAD_BYTES = 60 * 1024 * 1024;

export function isUploadRoute(routeId: string | null): boolean {
	return !!routeId && UPLOAD_ROUTES.has(routeId);
}
