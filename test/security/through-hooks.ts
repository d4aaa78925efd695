import type { Handle } from '@sveltejs/kit/hooks';
import type { Actor } from '../../src/lib/server/accounts/index.ts';

export type Handler = (event: never) => unknown;

/**
 * A GET through the server's hook (`handle`, imported by the test after its mocks), then the
 * route (a load or a +server handler), as `actor`: the status and, when not 200, the body.
 */
export async function getThroughHooks(
	handle: Handle,
	path: string,
	routeId: string,
	handler: Handler,
	actor: Actor | null,
	params: Record<string, string> = {},
	host = 'localhost:3000'
): Promise<{ status: number; body: string }> {
	const url = new URL(path, 'http://localhost:3000');
	const event = {
		request: new Request(url, { headers: { host, accept: 'text/html' } }),
		url,
		route: { id: routeId },
		params,
		getClientAddress: () => '192.0.2.1',
		cookies: { get: () => undefined },
		locals: {} as Record<string, unknown>
	};
	try {
		const res = await handle({
			event: event as never,
			resolve: async () => {
				event.locals.session = actor ? { actor, mfa: true } : null;
				const out = await handler(event as never);
				return out instanceof Response ? out : new Response(JSON.stringify(out), { headers: { 'content-type': 'application/json' } });
			}
		});
		return { status: res.status, body: res.status === 200 ? '' : await res.text() };
	} catch (e) {
		const err = e as { status?: number; body?: { message: string } };
		if (!err.status) throw e;
		return { status: err.status, body: err.body?.message ?? '' };
	}
}
