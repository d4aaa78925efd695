/**
 * The person's page moved to Mon espace (issue 15): the old address leads there (to the
 * sign-in page when no session is open). Old links /mes-orientations/<token> still work
 * ([token]).
 */
import { redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = () => redirect(301, '/mon-espace/orientations');
