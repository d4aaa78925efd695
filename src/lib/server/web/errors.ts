/**
 * Where a DomainError (../errors.ts) becomes an answer: the one mapping, for pages, form
 * actions and the API. Anything that is not a DomainError is thrown on, to handleError
 * (a 500 with a reference, logged).
 */
import { error, fail, type ActionFailure } from '@sveltejs/kit';
import { domainErrorBody, errorBody, isDomainError, type DomainError } from '../errors.ts';

/** In a load or a +server handler that renders a page: the error page, with the status and the French message. */
export function pageError(e: unknown): never {
	if (isDomainError(e)) error(e.status, e.message);
	throw e;
}

/**
 * In a form action: the form again, with the message (`message`), the field errors
 * (`fields`) and whatever the page needs to show the form as it was typed (`keep`).
 */
export function formFailure<T extends Record<string, unknown> = Record<never, never>>(
	e: unknown,
	keep?: T
): ActionFailure<{ code: string; message: string; fields: Record<string, string> } & T> {
	if (!isDomainError(e)) throw e;
	return fail(e.status, { code: e.code, message: e.message, fields: e.fields, ...(keep ?? ({} as T)) });
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/** In the API: the one JSON error shape, with the status. */
export function apiError(e: unknown, headers: Record<string, string> = {}): Response {
	if (!isDomainError(e)) throw e;
	return jsonError(e, headers);
}

export function jsonError(e: DomainError<string>, headers: Record<string, string> = {}): Response {
	return new Response(JSON.stringify(domainErrorBody(e)), { status: e.status, headers: { ...JSON_HEADERS, ...headers } });
}

/** The JSON error shape for a refusal decided before any use case runs (hooks: access, input, size). */
export function jsonRefusal(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
	return new Response(JSON.stringify(errorBody(status, code, message)), { status, headers: { ...JSON_HEADERS, ...headers } });
}
