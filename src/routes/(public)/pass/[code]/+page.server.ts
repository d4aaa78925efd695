import { error, redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { formatCode, parseCode, publicPassStatus } from '#lib/server/pass/index.ts';
import { dayLabel, euros } from '#lib/components/format.ts';
import { parisDay } from '#lib/time.ts';
import { abilities } from '#lib/server/accounts/index.ts';

export const csr = false;

/**
 * The page a voucher's QR code opens. A place's team (mediator, place manager) goes straight
 * to the redemption page with the code; anyone else, the person holding the pass first,
 * reads what it is worth and until when. Nothing about a person or a place. Rate limited per
 * address, since it tells whether a code exists.
 */
export const load: PageServerLoad = async ({ params, locals, setHeaders }) => {
	// the code is in the URL: never sent on to another site, never kept by a cache
	setHeaders({ 'referrer-policy': 'no-referrer', 'cache-control': 'private, no-store' });
	const session = locals.session;
	if (session && abilities(session.actor).placeTeam) {
		const p = parseCode(params.code);
		redirect(303, `/espace/pass/encaisser?code=${encodeURIComponent(p.ok ? formatCode(p.code) : params.code.slice(0, 40))}`);
	}
	const r = await publicPassStatus(await getDatabase(), params.code, locals.ip);
	if (r.status === 'throttled') error(429, r.message);
	if (r.status === 'unknown') error(404, 'Ce Pass Numérique n’existe pas. Vérifiez le code écrit sous le QR code.');
	return {
		code: formatCode(r.code),
		value: euros(r.faceValueCents),
		state: r.state,
		validFrom: dayLabel(r.validFrom),
		validUntil: dayLabel(r.validUntil),
		lastDay: r.lastDay !== r.validUntil && parisDay() > r.validUntil ? dayLabel(r.lastDay) : null
	};
};
