import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { exportJournal } from '#lib/server/journal/index.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** The journal's entries for the page's filters, as a CSV for spreadsheets; the export itself is journaled. */
export const GET: RequestHandler = async ({ locals, url }) => {
	let csv: string;
	try {
		csv = await exportJournal(await getDatabase(), locals.session!.actor, url.searchParams, locals.ip);
	} catch (e) {
		pageError(e);
	}
	const day = new Date().toISOString().slice(0, 10);
	return new Response(csv, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="journal-${day}.csv"`,
			'cache-control': 'private, no-store'
		}
	});
};
