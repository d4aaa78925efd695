/**
 * The public check of a mandate's attestation (its QR code): whether it is in force and
 * until when, nothing else (no name, no theme, no structure); an unknown, revoked or ended
 * token gets the same answer. Whoever holds the attestation may end the mandate here, in
 * two steps (possession of the paper is the proof), journaled.
 */
import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { checkAttestation, revokeMandate, untilWords } from '#lib/server/mandates/index.ts';
import { isDomainError } from '#lib/server/errors.ts';

export const csr = false;

/** Not cached, not indexed, the address (the token) never sent as a Referer. */
const HEADERS = { 'cache-control': 'private, no-store', 'referrer-policy': 'same-origin', 'x-robots-tag': 'noindex' };

export const load: PageServerLoad = async ({ params, setHeaders }) => {
	setHeaders(HEADERS);
	const r = await checkAttestation((await getDatabase()).db, params.token);
	return r.valid ? { valid: true as const, until: untilWords(r.duration, r.until) } : { valid: false as const, until: null };
};

export const actions: Actions = {
	// the page's load sets the headers of the answer (once: a second setHeaders would throw)
	arreter: async ({ params, request, locals }) => {
		if ((await request.formData()).get('confirmer') !== '1') return { confirm: true };
		try {
			await revokeMandate(await getDatabase(), { kind: 'attestation', ip: locals.ip }, params.token);
		} catch (e) {
			if (isDomainError(e) && e.code === 'conflict') return fail(409, { error: 'Ce mandat n’est pas en cours.' });
			throw e;
		}
		return { ended: true };
	}
};
