import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit/hooks';
import { error, isHttpError, redirect } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { getDatabase } from '#lib/server/db/client.ts';
import { startApp } from '#lib/server/app.ts';
import { describeError, log } from '#lib/server/log.ts';
import { loadSession } from '#lib/server/accounts/index.ts';
import { PERSON_COOKIE, readPersonSession } from '#lib/server/beneficiaries/index.ts';
import { decide } from '#lib/server/access.ts';
import { resolveInScope } from '#lib/server/db/handle-scope.ts';
import { clearSessionCookie, clientIp, parseTrustProxy, sessionCookieName } from '#lib/server/web/session-cookie.ts';
import { clearPersonCookie } from '#lib/server/web/person-cookie.ts';
import { isUploadRoute, MAX_UPLOAD_BYTES } from '#lib/server/web/uploads.ts';
import { BAD_INPUT_MESSAGE, badPathResponse, bodyOk, pathOk, urlOk } from '#lib/server/web/input.ts';
import { impossibleRouteId, malformedUuidQuery } from '#lib/server/web/params.ts';
import { REFUSALS, type Refusal } from '#lib/server/web/refusals.ts';
import { jsonRefusal } from '#lib/server/web/errors.ts';
import { checkOriginAtStart, derivedOrigin, hostAllowed } from '#lib/server/web/origin.ts';
import { API_METHODS, apiMethod, isPublicApi, METHOD_NOT_ALLOWED, preflight, withCors } from '#lib/server/web/cors.ts';

export const init: ServerInit = async () => {
	// production refuses to start without its public URL; elsewhere (the embedded default,
	// `node build`) it is derived from PORT/HOST, and requests for another host are refused
	checkOriginAtStart();
	parseTrustProxy(process.env.TRUST_PROXY); // a malformed list stops the start, not the first request
	if (!import.meta.env.DEV && !process.env.ORIGIN) process.env.ORIGIN = derivedOrigin();
	// the database, the workers and the scheduled jobs: the composition root
	const shutdown = await startApp();
	// scripts/start.mjs calls this on SIGTERM/SIGINT so the embedded database closes cleanly
	(globalThis as { maillageShutdown?: () => Promise<void> }).maillageShutdown = shutdown;
	// and adapter-node's own entry point (build/index.js) emits this one
	process.once('sveltekit:shutdown' as never, () => void shutdown());
};

const SECURITY_HEADERS: Record<string, string> = {
	'strict-transport-security': 'max-age=63072000; includeSubDomains',
	'x-content-type-options': 'nosniff',
	'referrer-policy': 'strict-origin-when-cross-origin',
	'permissions-policy': 'camera=(), microphone=(), geolocation=(self), interest-cohort=()',
	'cross-origin-opener-policy': 'same-origin',
	'x-frame-options': 'DENY'
};

/** Request bodies above this are refused (forms and API; imports go through the command line). */
const MAX_BODY_BYTES = 1024 * 1024;
/** set by scripts/start.mjs on a form posted from another origin (it removes any such header the client sent) */
const CROSS_SITE_HEADER = 'x-maillage-cross-site';

const wantsJson = (event: Parameters<Handle>[0]['event']) =>
	event.url.pathname.startsWith('/api/') || /^application\/json\b/.test(event.request.headers.get('accept') ?? '');

/**
 * Every answer of the public data API (/api/v1) carries CORS headers, errors and refusals
 * included (web/cors.ts); an error thrown before routing is answered there as JSON.
 */
export const handle: Handle = async (input) => {
	if (!isPublicApi(input.event.url.pathname)) return serve(input);
	// it only reads: SvelteKit's own 405 is bare English text (and a DELETE was taken for a form sent from another site)
	if (!apiMethod(input.event.request.method)) return withCors(jsonRefusal(405, 'method_not_allowed', METHOD_NOT_ALLOWED, { allow: API_METHODS }));
	try {
		return withCors(await serve(input));
	} catch (e) {
		if (isHttpError(e)) return withCors(jsonRefusal(e.status, e.status === 404 ? 'not_found' : 'bad_request', e.body.message));
		throw e;
	}
};

const serve: Handle = async ({ event, resolve }) => {
	const start = performance.now();
	// a request for another host (a forged Host header): links are never built from it, and it
	// gets no page either (the dev server, without ORIGIN, serves whatever host it is given)
	const host = event.request.headers.get('host');
	if (process.env.ORIGIN && host !== null && !hostAllowed(host)) {
		return new Response('Cette adresse ne correspond pas à ce site. Utilisez l’adresse publique du service.', {
			status: 421,
			headers: { 'content-type': 'text/plain; charset=utf-8' }
		});
	}
	// a form posted from another site: SvelteKit's own refusal is a bare English text, so the
	// server's entry (scripts/start.mjs) marks the request and it is refused here, in French
	if (event.request.headers.get(CROSS_SITE_HEADER) === '1') {
		const r = REFUSALS['autre-site'];
		if (wantsJson(event)) return jsonRefusal(r.status, 'cross_site', r.message);
		return refusal(event, 'autre-site');
	}
	const tooLarge = () => {
		const reason = isUploadRoute(event.route.id) ? 'document-trop-lourd' : 'trop-volumineux';
		const r = REFUSALS[reason];
		if (wantsJson(event)) return jsonRefusal(r.status, 'payload_too_large', r.message);
		return refusal(event, reason);
	};
	const declared = event.request.headers.get('content-length');
	const length = Number(declared ?? 0);
	// a document sent to a vault may be larger (its route reads the form itself and checks its fields)
	const upload = isUploadRoute(event.route.id);
	if (length > (upload ? MAX_UPLOAD_BYTES : MAX_BODY_BYTES)) return tooLarge();
	// adapter-node's limit is the uploads' (scripts/start.mjs): a body of unknown length elsewhere is refused
	// rather than read up to it (browsers always send the length of a form)
	if (!upload && declared === null && event.request.body && !['GET', 'HEAD'].includes(event.request.method)) return tooLarge();
	// control characters, lone surrogates, malformed UTF-8: refused here for every route
	// (a NUL byte made PostgreSQL fail mid-write and the error carried the record to the logs)
	let inputOk: boolean;
	try {
		inputOk = urlOk(event.url) && (upload || (await bodyOk(event.request)));
	} catch (e) {
		// a body sent without its length that goes over adapter-node's limit (BODY_SIZE_LIMIT)
		if ((e as { status?: number } | null)?.status === 413) return tooLarge();
		throw e;
	}
	if (!inputOk) {
		if (!event.url.pathname.startsWith('/api/') && !pathOk(event.url)) return badPathResponse();
		if (event.url.pathname.startsWith('/api/')) return jsonRefusal(400, 'bad_request', BAD_INPUT_MESSAGE);
		error(400, BAD_INPUT_MESSAGE);
	}
	if (isPublicApi(event.url.pathname)) {
		// an address the API does not have: its JSON error, not the site's page
		if (event.route.id === null) return jsonRefusal(404, 'not_found', 'Cette adresse n’existe pas dans l’API. Sa description est à /api/v1/openapi.json.');
		// a cross-origin request's preflight: public data, no session needed
		if (event.request.method === 'OPTIONS') return preflight();
	}
	event.locals.ip = clientIp(event.request, event.getClientAddress);
	event.locals.session = null;
	event.locals.sessionToken = null;
	const token = event.cookies.get(sessionCookieName(event.url));
	if (token) {
		event.locals.session = await loadSession((await getDatabase()).privileged.db, token);
		if (event.locals.session) event.locals.sessionToken = token;
		else clearSessionCookie(event.cookies, event.url);
	}
	// the person helped (Mon espace): a session of their own, never a professional's
	event.locals.person = null;
	event.locals.personToken = null;
	const personToken = event.cookies.get(PERSON_COOKIE);
	if (personToken) {
		event.locals.person = await readPersonSession((await getDatabase()).privileged.db, personToken);
		if (event.locals.person) event.locals.personToken = personToken;
		else clearPersonCookie(event.cookies, event.url);
	}
	const decision = decide(event.route.id, event.locals.session, !!event.locals.person);
	if (decision !== 'allow') {
		const api = event.url.pathname.startsWith('/api/');
		if (decision === 'no-rule') {
			log('error', 'route without an access rule', { route: event.route.id });
			return refusal(event, 'page-fermee');
		}
		if (decision === 'forbidden') {
			if (api) return jsonRefusal(403, 'forbidden', 'Accès refusé.');
			return refusal(event, 'acces-refuse');
		}
		if (api) return jsonRefusal(401, 'unauthenticated', 'Connexion requise.');
		const back = encodeURIComponent(event.url.pathname + event.url.search);
		if (decision === 'login') redirect(303, `/connexion?retour=${back}`);
		if (decision === 'person-login') redirect(303, `/mon-espace/connexion?retour=${back}`);
		if (decision === 'second-factor') redirect(303, `/connexion/code?retour=${back}`);
		redirect(303, `/compte/double-authentification?retour=${back}`);
	}
	// an identifier that cannot exist is a 404, a malformed one in the query a 400, before any query
	if (impossibleRouteId(event.route.id, event.params ?? {})) {
		if (event.url.pathname.startsWith('/api/v1/')) return jsonRefusal(404, 'not_found', 'Aucun lieu n’a cet identifiant.');
		return refusal(event, 'introuvable');
	}
	const badQuery = malformedUuidQuery(event.url);
	if (badQuery) error(400, `Le paramètre « ${badQuery} » de l’adresse n’est pas valide. Revenez à la page précédente et choisissez dans la liste.`);
	const response = await resolveInScope(event, () => resolve(event));
	if (event.locals.session) {
		try {
			response.headers.set('cache-control', 'private, no-store');
		} catch {
			/* immutable headers */
		}
	}
	for (const [k, v] of Object.entries(SECURITY_HEADERS)) {
		if (!response.headers.has(k)) {
			try {
				response.headers.set(k, v);
			} catch {
				/* immutable headers (e.g. fetch passthrough) */
			}
		}
	}
	const compressed = compress(event.request, response);
	if (process.env.LOG_REQUESTS !== '0') {
		log('info', 'request', {
			method: event.request.method,
			route: event.route.id,
			status: response.status,
			ms: Math.round(performance.now() - start)
		});
	}
	return compressed;
};

/**
 * A refusal of the access rules as the site's own error page (header, footer, a way back),
 * not SvelteKit's bare fallback: the page /erreur/<raison> is rendered for the same visitor
 * and sent with the refusal's status. Without `fetch` (a hook called outside a server) the
 * plain error is thrown.
 */
async function refusal(event: Parameters<Handle>[0]['event'], reason: Refusal): Promise<Response> {
	const r = REFUSALS[reason];
	if (typeof event.fetch !== 'function' || event.url.pathname.startsWith('/erreur/')) error(r.status, r.message);
	const page = await event.fetch(`/erreur/${reason}`, { headers: { accept: 'text/html' } });
	const headers = new Headers(page.headers);
	headers.set('cache-control', 'private, no-store');
	return new Response(await page.text(), { status: r.status, headers });
}

const COMPRESSIBLE = /^(text\/|application\/(json|javascript|geo\+json|xml))/;

/** gzip for pages and API answers (static files are precompressed at build time). */
function compress(request: Request, response: Response): Response {
	if (
		!response.body ||
		response.headers.has('content-encoding') ||
		!/\bgzip\b/.test(request.headers.get('accept-encoding') ?? '') ||
		!COMPRESSIBLE.test(response.headers.get('content-type') ?? '')
	) {
		return response;
	}
	const headers = new Headers(response.headers);
	headers.set('content-encoding', 'gzip');
	headers.delete('content-length');
	if (!/\baccept-encoding\b/i.test(headers.get('vary') ?? '')) headers.append('vary', 'Accept-Encoding');
	return new Response(response.body.pipeThrough(new CompressionStream('gzip')), {
		status: response.status,
		statusText: response.statusText,
		headers
	});
}

/** Unknown errors: logged with a reference, never shown (no stack trace to users). */
export const handleError: HandleServerError = ({ kind, error, event }) => {
	// a body above the limit sent without a length (chunked): adapter-node stops reading it with an English message
	if (kind === 'framework' && error.status === 413) return { message: REFUSALS['trop-volumineux'].message };
	if (kind !== 'unknown') return; // error(404, …) and SvelteKit's own errors keep their message
	const id = randomUUID();
	log('error', 'unhandled error', { id, route: event.route.id, error: describeError(error) });
	return { message: `Une erreur est survenue de notre côté. Réessayez dans quelques minutes. (référence ${id.slice(0, 8)})` };
};
