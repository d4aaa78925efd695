/**
 * Mon espace (issue 15): the person's own place. Every page is private (not cached, not
 * indexed, no Referer to other sites) and works without JavaScript. The header says the
 * person's first name when a record has one.
 */
import type { LayoutServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { firstNameOf, PRIVATE_HEADERS } from './space.server.ts';

export const csr = false;

export const load: LayoutServerLoad = async ({ locals, setHeaders }) => {
	setHeaders(PRIVATE_HEADERS);
	const person = locals.person;
	return { person: person ? { firstName: await firstNameOf(await getDatabase(), person.beneficiaryIds) } : null };
};
