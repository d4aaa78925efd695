/**
 * Conditional requests of the public API (RFC 9110 §13): every answer that can be cached
 * carries its validators (ETag, Last-Modified), and a client whose copy is still good gets
 * `304 Not Modified` with no body. The comparison itself — If-None-Match with weak and
 * strong tags, lists and `*`, If-Modified-Since as an HTTP date, `Cache-Control: no-cache`
 * forcing a full answer — is `fresh`'s (jshttp, the check express and send rely on): HTTP
 * header parsing is easy to get subtly wrong and the library is small, dependency-free and
 * maintained. What the validators are is each capability's business (places/freshness.ts).
 */
import fresh from 'fresh';

export interface Validators {
	/** a weak entity tag, `W/"…"`: answers may be gzipped on the way, so byte equality is not promised */
	etag: string;
	/** none when the representation depends on something with no date (the time of day, another capability's data) */
	lastModified: Date | null;
}

/** ETag and Last-Modified as headers. */
export function validatorHeaders(v: Validators): Record<string, string> {
	const h: Record<string, string> = { etag: v.etag };
	if (v.lastModified) h['last-modified'] = v.lastModified.toUTCString();
	return h;
}

/** What a 304 repeats of the 200 it stands for (RFC 9110 §15.4.5), plus the links. */
const KEPT_ON_304 = ['etag', 'last-modified', 'cache-control', 'expires', 'vary', 'content-location', 'link'];

/**
 * `304 Not Modified` when the request's validators match the answer's headers (which hold
 * its ETag and Last-Modified), with the same validators and caching headers and no body;
 * null when the full answer must be sent. If-Modified-Since is ignored when If-None-Match
 * is present (RFC 9110 §13.2.2, and `fresh` ≥ 1.0 does the same).
 *
 * The request's `Cache-Control: no-cache` is not passed to `fresh`, which would then always
 * answer in full: a browser adds it to every request a script makes with its own
 * If-None-Match (Fetch standard, cache mode "no-store"), so a web page could never get a
 * 304. It asks caches to check with the origin (RFC 9111 §5.2.1.4); the origin answering
 * 304 to explicit validators is that check. A reload without validators gets the full
 * answer anyway.
 */
export function notModified(request: Request, headers: Record<string, string>): Response | null {
	if (request.method !== 'GET' && request.method !== 'HEAD') return null;
	const noneMatch = request.headers.get('if-none-match') ?? undefined;
	const conditions = noneMatch ? { 'if-none-match': noneMatch } : { 'if-modified-since': request.headers.get('if-modified-since') ?? undefined };
	if (!fresh(conditions, { etag: headers.etag, 'last-modified': headers['last-modified'] })) return null;
	const kept: Record<string, string> = {};
	for (const k of KEPT_ON_304) if (headers[k] !== undefined) kept[k] = headers[k];
	return new Response(null, { status: 304, headers: kept });
}

/**
 * The answer to a GET (or HEAD): 304 when the client's copy is still good, else the body
 * — built only then, and not at all for HEAD (a streamed export is not read for nothing).
 */
export function conditionalAnswer(request: Request, headers: Record<string, string>, body: () => BodyInit | null, status = 200): Response {
	const unchanged = notModified(request, headers);
	if (unchanged) return unchanged;
	return new Response(request.method === 'HEAD' ? null : body(), { status, headers });
}
