/**
 * The person's link, from their SMS, e-mail or the sheet their prescriber printed for them
 * (valid 90 days unless revoked or replaced; not spent by use): it opens a 30-minute
 * session (journaled "by link") and leads to Mon espace, so the token leaves the address
 * bar. A link revoked, replaced or expired says so, with the code form instead.
 */
import { error, redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { usePersonLink, PERSON_LINK_DAYS } from '#lib/server/beneficiaries/index.ts';
import { PRIVATE_HEADERS } from '../../mon-espace/space.server.ts';
import { setPersonCookie } from '#lib/server/web/person-cookie.ts';

export const csr = false;

const MESSAGES = {
	invalid: 'Ce lien n’est pas valide. Vérifiez qu’il est complet\u00a0: il est parfois coupé en deux dans un SMS ou un e-mail.',
	expired: `Ce lien a expiré\u00a0: il est valable ${PERSON_LINK_DAYS} jours.`,
	revoked: 'Ce lien ne marche plus\u00a0: il a été désactivé, ou remplacé par un lien plus récent (dans un nouveau message, ou sur une nouvelle feuille).'
};

export const load: PageServerLoad = async ({ params, setHeaders, cookies, url, locals, request }) => {
	setHeaders(PRIVATE_HEADERS);
	const r = await usePersonLink(await getDatabase(), params.token, { ip: locals.ip, userAgent: request.headers.get('user-agent') });
	if (!r.ok) error(r.reason === 'invalid' ? 404 : 410, MESSAGES[r.reason]);
	setPersonCookie(cookies, url, r.sessionToken);
	redirect(303, '/mon-espace');
};
