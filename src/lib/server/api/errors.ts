/** JSON errors of the public API: { error: { status, code, message } }, French messages. */
export class ApiError extends Error {
	constructor(
		public status: number,
		public code: string,
		message: string,
		public details?: unknown
	) {
		super(message);
	}
}

export function apiErrorResponse(e: unknown): Response {
	if (e instanceof ApiError) {
		return json({ error: { status: e.status, code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } }, e.status);
	}
	throw e;
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json; charset=utf-8', ...headers }
	});
}
