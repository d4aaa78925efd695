/**
 * hooks.server.ts runs each request's resolve() through resolveInScope: the request pool
 * (request-pool.ts) then scopes every connection it hands out to the signed-in
 * professional's départements, or to none (public data only) for everyone else
 * (docs/decisions/0006-rls-by-default.md).
 */
import type { RequestEvent } from '@sveltejs/kit';
import { scopeOf } from '../accounts/scope.ts';
import { runInScope, type RequestScope } from './request-scope.ts';

/**
 * The flows without a professional that read a person's data from a token they verify
 * themselves; their connections come from the owner pool. Each is listed in the decision
 * record; narrowing them to a scope the policies understand is the next step.
 */
export const OWNER_ROUTES: Record<string, string> = {
	'/(public)/mes-orientations': 'the person, after a one-time code',
	'/(public)/mes-orientations/[token]': 'the person, through their link',
	'/(public)/orientation/[token]': 'the receiving place, through the referral’s signed link',
	'/api/sms/entrant': 'the person’s SMS replies (signed webhook)',
	'/(public)/pass/[code]': 'the holder of a Pass code'
};

export function scopeOfEvent(event: Pick<RequestEvent, 'route' | 'locals'>): RequestScope {
	const session = event.locals.session;
	return {
		departments: session ? scopeOf(session.actor) : '',
		userId: session?.userId ?? '',
		owner: (event.route.id && OWNER_ROUTES[event.route.id]) || ''
	};
}

export function resolveInScope<T>(event: Pick<RequestEvent, 'route' | 'locals'>, resolve: () => T): T {
	return runInScope(resolve, scopeOfEvent(event));
}
