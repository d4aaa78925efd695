import type { LayoutServerLoad } from './$types';
import { loadInstance } from '#lib/components/instance.server.ts';

// Public pages are server-rendered and need no JavaScript. A group that wants
// hydration (enhanced forms) opts in with `export const csr = true` in its own layout.
export const csr = false;

export const load: LayoutServerLoad = async ({ locals }) => {
	const instance = await loadInstance();
	// only whether someone is logged in, for the header link: pages load what they need
	return { instance, loggedIn: !!locals.session };
};
