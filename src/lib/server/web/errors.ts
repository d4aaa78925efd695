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

/** What a form action gives back besides the mapped error: fixed, or computed from the error (`(e) => ({ roleFields: … })`). */
export type Keep<T> = T | ((e: DomainError<string>) => T);

export interface FormFailureOptions {
	/**
	 * Codes answered with the error page rather than the form again: a form about a row the
	 * actor may not see (`not_found`, `forbidden`) has nothing to show again.
	 */
	page?: readonly string[];
}

/**
 * In a form action: the form again, with the status of the error's code, the message
 * (`message`), the field errors (`fields`) and whatever the page needs to show the form as
 * it was typed (`keep`, spread last: it may place the message or the fields elsewhere when
 * a page has several forms). A code listed in `options.page` answers the error page.
 */
export function formFailure<T extends Record<string, unknown> = Record<never, never>>(
	e: unknown,
	keep?: Keep<T>,
	options: FormFailureOptions = {}
): ActionFailure<{ code: string; message: string; fields: Record<string, string> } & T> {
	if (!isDomainError(e)) throw e;
	if (options.page?.includes(e.code)) error(e.status, e.message);
	const extra = typeof keep === 'function' ? keep(e) : (keep ?? ({} as T));
	return fail(e.status, { code: e.code, message: e.message, fields: e.fields, ...extra });
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
