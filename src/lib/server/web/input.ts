/**
 * Text that no form or API field may carry (issue 11, finding 10): control characters (a NUL
 * byte made PostgreSQL fail mid-write, and the error carried the whole record into the
 * logs), lone surrogates and malformed UTF-8. Checked once, in hooks.server.ts, on the
 * decoded path, query string and body of every request, before any route sees them.
 */

/**
 * C0 controls and DEL (tab, line feed and carriage return are allowed in bodies: multiline
 * text), and the bidirectional embeddings, overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069), which make a name shown to someone else read backwards ("Zorglub‮ …"):
 * text in Arabic or Hebrew needs none of them (the marks U+200E/U+200F stay allowed).
 */
const CONTROL_IN_BODY = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;
/** In a path or a query string, no control character at all (tab and newlines included). */
const CONTROL_IN_URL = /[\u0000-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;

export const BAD_INPUT_MESSAGE = 'Le texte envoyé contient des caractères invisibles ou mal encodés. Retirez-les (ou retapez le texte) puis réessayez.';

/** Whether a decoded string is acceptable (no control characters, no lone surrogate). */
export function cleanText(value: string, multiline = true): boolean {
	return !(multiline ? CONTROL_IN_BODY : CONTROL_IN_URL).test(value) && value.isWellFormed();
}

/** Percent-decoding that refuses malformed UTF-8 (URLSearchParams would turn it into U+FFFD). */
function decodeStrict(s: string, plusIsSpace: boolean): string | null {
	try {
		return decodeURIComponent(plusIsSpace ? s.replace(/\+/g, ' ') : s);
	} catch {
		return null;
	}
}

/** Every key and value of an application/x-www-form-urlencoded string (a query or a form body). */
function urlencodedOk(raw: string, multiline: boolean): boolean {
	if (!raw) return true;
	for (const pair of raw.split('&')) {
		for (const part of pair.split('=')) {
			const v = decodeStrict(part, true);
			if (v === null || !cleanText(v, multiline)) return false;
		}
	}
	return true;
}

function jsonOk(value: unknown, depth = 0): boolean {
	if (depth > 50) return true;
	if (typeof value === 'string') return cleanText(value);
	if (Array.isArray(value)) return value.every((v) => jsonOk(v, depth + 1));
	if (value && typeof value === 'object') return Object.entries(value).every(([k, v]) => cleanText(k) && jsonOk(v, depth + 1));
	return true;
}

/** The path and query string of a URL as received (still percent-encoded). */
/** Whether the path alone decodes to clean text (SvelteKit cannot route one that does not). */
export function pathOk(url: URL): boolean {
	for (const segment of url.pathname.split('/')) {
		const v = decodeStrict(segment, false);
		if (v === null || !cleanText(v, false)) return false;
	}
	return true;
}

/**
 * The answer to a path that does not decode: a page of its own, returned (not thrown).
 * SvelteKit calls the handle hook for such a path outside its error handling, so an
 * error thrown there is an unhandled rejection that stopped the whole server.
 */
export function badPathResponse(): Response {
	const html = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Adresse invalide</title></head><body><main><h1>Adresse invalide</h1><p>${BAD_INPUT_MESSAGE}</p><p><a href="/">Revenir à l’accueil</a></p></main></body></html>`;
	return new Response(html, { status: 400, headers: { 'content-type': 'text/html; charset=utf-8' } });
}

export function urlOk(url: URL): boolean {
	for (const segment of url.pathname.split('/')) {
		const v = decodeStrict(segment, false);
		if (v === null || !cleanText(v, false)) return false;
	}
	return urlencodedOk(url.search.slice(1), false);
}

/** The body as text, or null when it is not valid UTF-8 (the request stays readable). */
async function strictUtf8(request: Request): Promise<string | null> {
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(await request.clone().arrayBuffer()));
	} catch (e) {
		// a body above the server's limit, sent without its length: the caller says so (413)
		if ((e as { status?: number } | null)?.status === 413) throw e;
		return null;
	}
}

/**
 * The request's body, read from a clone (the route still reads the original): forms
 * (urlencoded and multipart, files excepted) and JSON. Other bodies are the routes' own.
 */
export async function bodyOk(request: Request): Promise<boolean> {
	if (request.method === 'GET' || request.method === 'HEAD' || !request.body) return true;
	const type = (request.headers.get('content-type') ?? '').toLowerCase();
	if (type.startsWith('application/x-www-form-urlencoded')) {
		const text = await strictUtf8(request);
		return text !== null && urlencodedOk(text, true);
	}
	if (type.startsWith('multipart/form-data')) {
		let form: FormData;
		try {
			form = await request.clone().formData();
		} catch {
			return true; // malformed: the route answers it
		}
		for (const [k, v] of form) if (!cleanText(k) || (typeof v === 'string' && !cleanText(v))) return false;
		return true;
	}
	if (type.startsWith('application/json') || type.endsWith('+json')) {
		const text = await strictUtf8(request);
		if (text === null) return false;
		try {
			return jsonOk(JSON.parse(text));
		} catch {
			return true; // not JSON: the route answers it
		}
	}
	return true;
}
