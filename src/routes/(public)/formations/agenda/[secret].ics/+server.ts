import type { RequestHandler } from './$types';
import { error } from '@sveltejs/kit';
import { getDatabase } from '#lib/server/db/client.ts';
import { feedBySecret, mailLinks } from '#lib/server/trainings/index.ts';

/** A calendar feed by its secret address (a calendar application asks, without a session): 404 when unknown or renewed. */
export const GET: RequestHandler = async ({ params }) => {
	const db = await getDatabase();
	const text = await feedBySecret(db, params.secret, await mailLinks(db));
	if (text === null) error(404, 'Ce calendrier n’existe pas, ou son adresse a été renouvelée.');
	return new Response(text, {
		headers: {
			'content-type': 'text/calendar; charset=utf-8',
			'content-disposition': 'inline; filename="formations.ics"',
			'cache-control': 'private, no-store',
			'x-robots-tag': 'noindex'
		}
	});
};
