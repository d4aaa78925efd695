/**
 * The scope a request runs in, for row-level security (docs/decisions/0006-rls-by-default.md).
 * hooks.server.ts runs each request inside runInScope(); the request pool (client.ts) reads
 * the current scope whenever it hands out a connection and sets it on that connection
 * (PostgreSQL settings maillage.departments, maillage.user_id, maillage.voucher_code) when it differs from
 * what the connection already holds. Outside any request the scope is empty: public data only.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestScope {
	/** the actor's départements joined by ',', '*' for the instance administrator, '' for nobody */
	departments: string;
	/** the signed-in professional, '' for nobody */
	userId: string;
	/**
	 * Non-empty (the reason) for the few flows without a professional that read a person's
	 * data from a token they verify themselves (OWNER_ROUTES in web/request-scope.ts): their
	 * connections come from the owner pool.
	 */
	owner: string;
	/** /pass/{code}: the one voucher (and its campaign) the holder of its code may read, '' otherwise */
	voucherCode: string;
}

export const NO_SCOPE: RequestScope = Object.freeze({ departments: '', userId: '', owner: '', voucherCode: '' });

const storage = new AsyncLocalStorage<RequestScope>();

/** Runs fn with a scope that it (or the hooks, once the session is known) may narrow or widen. */
export function runInScope<T>(fn: () => T, scope: RequestScope = { ...NO_SCOPE }): T {
	return storage.run(scope, fn);
}

/** The current request's scope (mutable: setScope changes it for the rest of the request). */
export function currentScope(): RequestScope {
	return storage.getStore() ?? NO_SCOPE;
}

/** Sets the scope of the request being handled (after its session was loaded). */
export function setScope(scope: Partial<RequestScope>): void {
	const s = storage.getStore();
	if (!s) throw new Error('setScope outside a request scope');
	Object.assign(s, scope);
}

/** The key a connection's settings are compared with. */
export const scopeKey = (s: RequestScope) => `${s.departments}|${s.userId}|${s.voucherCode}`;
