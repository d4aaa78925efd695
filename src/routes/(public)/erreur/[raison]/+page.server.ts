import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { REFUSALS } from '#lib/server/web/refusals.ts';

/**
 * The branded page of a refusal decided before routing (hooks.server.ts): the hook asks for
 * this page and sends it with its own status, so that a 403 or a 404 of the access rules
 * has the site's header, footer and a way back, like any other error page.
 */
export const load: PageServerLoad = async ({ params }) => {
	const r = REFUSALS[params.raison as keyof typeof REFUSALS] ?? REFUSALS.introuvable;
	error(r.status, r.message);
};
