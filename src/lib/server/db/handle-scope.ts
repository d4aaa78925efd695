/**
 * hooks.server.ts runs each request's resolve() through resolveInScope: the request pool
 * (request-pool.ts) then scopes every connection it hands out to the signed-in
 * professional's départements, or to none (public data only) for everyone else
 * (docs/decisions/0006-rls-by-default.md).
 */
import type { RequestEvent } from '@sveltejs/kit';
import { scopeOf } from '../accounts/index.ts';
import { parseCode } from '../pass/index.ts';
import { runInScope, type RequestScope } from './request-scope.ts';

/**
 * The flows without a professional that read a person's data from a token they verify
 * themselves; their connections come from the owner pool. Each is listed in the decision
 * record; narrowing them to a scope the policies understand is the next step.
 */
export const OWNER_ROUTES: Record<string, string> = {
	'/(public)/mes-orientations/[token]': 'the person, through their link',
	'/(public)/mon-espace': 'the person, in their own session (Mon espace: the services read their records only)',
	'/(public)/mon-espace/connexion': 'the person signing in (a one-time code, a recovery code, a passkey)',
	'/(public)/mon-espace/connexion/cle': 'the person signing in with a passkey (a challenge)',
	'/(public)/mon-espace/deconnexion': 'the person logging out (their own session)',
	'/(public)/mon-espace/orientations': 'the person, in their own session',
	'/(public)/mon-espace/orientations/[id]/documents': 'the person, in their own session: the documents they join to a referral',
	'/(public)/mon-espace/pass': 'the person, in their own session',
	'/(public)/mon-espace/acces': 'the person, in their own session',
	'/(public)/mon-espace/journal': 'the person, in their own session',
	'/(public)/mon-espace/securite': 'the person, in their own session (their credentials)',
	'/(public)/mon-espace/securite/cle': 'the person, in their own session (a passkey challenge)',
	'/(public)/mon-espace/securite/feuille.pdf': 'the person, in their own session (their recovery sheet)',
	'/(public)/orientation/[token]': 'the receiving place, through the referral’s signed link',
	'/(public)/orientation/[token]/documents/[document]': 'the receiving place, through the referral’s signed link: a document the person joined',
	'/(public)/mandat/[token]': 'whoever holds a mandate’s attestation: valid or not, and ending it',
	'/(public)/mon-espace/mandats': 'the person, in their own session: their mandates',
	'/api/sms/entrant': 'the person’s SMS replies (signed webhook)',
	'/(public)/mon-espace/documents': 'the person, in their own session: their vault',
	'/(public)/mon-espace/documents/ajouter': 'the person, in their own session: a deposit in their vault',
	'/(public)/mon-espace/documents/export.zip': 'the person, in their own session: their vault’s export',
	'/(public)/mon-espace/documents/fermer': 'the person, in their own session: closing their vault',
	'/(public)/mon-espace/documents/[id]': 'the person, in their own session: one of their documents',
	'/(public)/mon-espace/documents/[id]/fichier': 'the person, in their own session: one of their documents',
	'/(public)/mon-espace/documents/[id]/vignette': 'the person, in their own session: a document’s small picture'
};

/** /pass/{code}: its holder reads that voucher only (policies pass_vouchers_by_code, pass_campaigns_by_code) */
const PASS_PAGE = '/(public)/pass/[code]';

type ScopedEvent = Pick<RequestEvent, 'route' | 'locals' | 'params'>;

export function scopeOfEvent(event: ScopedEvent): RequestScope {
	const session = event.locals.session;
	const code = event.route.id === PASS_PAGE ? parseCode(event.params.code ?? '') : null;
	return {
		departments: session ? scopeOf(session.actor) : '',
		userId: session?.userId ?? '',
		owner: (event.route.id && OWNER_ROUTES[event.route.id]) || '',
		voucherCode: code?.ok ? code.code : ''
	};
}

export function resolveInScope<T>(event: ScopedEvent, resolve: () => T): T {
	return runInScope(resolve, scopeOfEvent(event));
}
