/** The public API's errors: DomainErrors with the API's own codes, in the one JSON shape { error: { status, code, message } }. */
import { DomainError } from '../errors.ts';

export class ApiError extends DomainError<string> {
	constructor(status: number, code: string, message: string, details?: unknown) {
		super(code, message, { status, details });
	}
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json; charset=utf-8', ...headers }
	});
}
