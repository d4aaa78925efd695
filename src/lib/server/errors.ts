/**
 * The one error model (decision 0012). A use case that refuses throws a DomainError: a
 * code a program can test, a French message a person can read, the field errors of a form,
 * and the HTTP status it means. The web layer maps it once, in `web/errors.ts`: a page
 * answers with the error page, a form action with the form and its errors, the API with
 * the one JSON error shape `{ error: { status, code, message, fields?, details? } }`.
 *
 * Anything else thrown is a fault of ours: a 500 with a reference, logged without personal data.
 */

export const ERROR_STATUS = {
	/** the input is wrong: the message (and `fields`) say what to fix */
	invalid: 400,
	/** no session, or it has expired */
	unauthenticated: 401,
	/** a session, but this actor may not do this */
	forbidden: 403,
	/** nothing here, or nothing this actor may know exists */
	not_found: 404,
	/** the thing changed meanwhile, or the action does not fit its state */
	conflict: 409,
	/** the body is larger than what this address accepts */
	payload_too_large: 413,
	/** too many tries: wait before trying again */
	throttled: 429,
	/** a service we rely on does not answer (address search, SMS provider…) */
	unavailable: 503
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface DomainErrorOptions {
	/** field name → French message, as the form shows them next to each field */
	fields?: Record<string, string>;
	/** more, for the API (row numbers of a file, the values refused…): never personal data */
	details?: unknown;
	/** the status when it is not the code's usual one */
	status?: number;
	cause?: unknown;
}

/** A code of ERROR_STATUS, or a finer one of a capability's (the API's 'invalid_cursor'…) with its status given. */
export class DomainError<C extends string = ErrorCode> extends Error {
	readonly code: C;
	readonly status: number;
	readonly fields: Record<string, string>;
	readonly details: unknown;

	constructor(code: C, message: string, options: DomainErrorOptions = {}) {
		super(message, options.cause === undefined ? undefined : { cause: options.cause });
		this.name = new.target.name;
		this.code = code;
		this.status = options.status ?? (ERROR_STATUS as Record<string, number>)[code] ?? 400;
		this.fields = options.fields ?? {};
		this.details = options.details;
	}
}

export function isDomainError(e: unknown): e is DomainError<string> {
	return e instanceof DomainError;
}

/** The one JSON shape of an error, for the API and for any request that asks for JSON. */
export interface ErrorBody {
	error: { status: number; code: string; message: string; fields?: Record<string, string>; details?: unknown };
}

export function errorBody(status: number, code: string, message: string, extra: { fields?: Record<string, string>; details?: unknown } = {}): ErrorBody {
	return {
		error: {
			status,
			code,
			message,
			...(extra.fields && Object.keys(extra.fields).length ? { fields: extra.fields } : {}),
			...(extra.details !== undefined ? { details: extra.details } : {})
		}
	};
}

export function domainErrorBody(e: DomainError<string>): ErrorBody {
	return errorBody(e.status, e.code, e.message, { fields: e.fields, details: e.details });
}
