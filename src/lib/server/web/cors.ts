/**
 * CORS for the public data API (/api/v1): readable from any web page, errors included, with
 * no credentials (Access-Control-Allow-Origin `*`, never with cookies: the API needs no
 * session). Applied once, in the server hook, to every answer of /api/v1 — 4xx and 5xx
 * answers too, which a browser would otherwise hide from the calling script — and the
 * preflight of a cross-origin request (OPTIONS) is answered there as well.
 */

/** /api/v1 and below: the public data API. */
export function isPublicApi(pathname: string): boolean {
	return pathname === '/api/v1' || pathname.startsWith('/api/v1/');
}

/** The methods of the public API (SvelteKit answers HEAD with the GET handler). */
export const API_METHODS = 'GET, HEAD, OPTIONS';

/** Headers a script may read besides the safelisted ones: validators, paging and describing links, the file name of a download. */
export const EXPOSED_HEADERS = ['ETag', 'Last-Modified', 'Link', 'Content-Disposition', 'Content-Length'];

/** Request headers a script may send: conditional requests and content negotiation. */
export const ALLOWED_HEADERS = ['If-None-Match', 'If-Modified-Since', 'Accept', 'Accept-Language', 'Content-Type', 'Cache-Control'];

/** A day: browsers cap it lower (Chromium 2 h, Firefox 24 h) and the answer never varies. */
const PREFLIGHT_MAX_AGE = '86400';

const CORS: Record<string, string> = {
	'access-control-allow-origin': '*',
	'access-control-expose-headers': EXPOSED_HEADERS.join(', ')
};

/** The answer to a preflight request (OPTIONS) for an address of the API. */
export function preflight(): Response {
	return new Response(null, {
		status: 204,
		headers: {
			...CORS,
			allow: API_METHODS,
			'access-control-allow-methods': API_METHODS,
			'access-control-allow-headers': ALLOWED_HEADERS.join(', '),
			'access-control-max-age': PREFLIGHT_MAX_AGE
		}
	});
}

/**
 * Sets the CORS headers on these headers. The headers a route exposes itself (the national
 * map's X-Lieux-Inclus and X-Lieux-Exclus) are kept beside ours: replaced, a script on another
 * site could not read them.
 */
function setCors(headers: Headers): void {
	const own = (headers.get('access-control-expose-headers') ?? '')
		.split(',')
		.map((h) => h.trim())
		.filter((h) => h && !EXPOSED_HEADERS.some((e) => e.toLowerCase() === h.toLowerCase()));
	headers.set('access-control-allow-origin', CORS['access-control-allow-origin']);
	headers.set('access-control-expose-headers', [...EXPOSED_HEADERS, ...own].join(', '));
}

/** The response with the CORS headers (copied first when its headers cannot be changed). */
export function withCors(response: Response): Response {
	try {
		setCors(response.headers);
		return response;
	} catch {
		const copy = new Response(response.body, { status: response.status, statusText: response.statusText, headers: new Headers(response.headers) });
		setCors(copy.headers);
		return copy;
	}
}

/** The public API only reads: any other method gets this refusal (405, with Allow), in French, before anything else runs. */
export const METHOD_NOT_ALLOWED = `L’API des données ouvertes se consulte seulement\u00a0: méthodes acceptées ${API_METHODS}.`;

/** A method the public API answers. */
export const apiMethod = (method: string): boolean => API_METHODS.split(', ').includes(method);
