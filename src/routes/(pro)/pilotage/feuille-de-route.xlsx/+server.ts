import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { roadmapFile } from '#lib/server/strategy/index.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** The roadmap for a spreadsheet (XLSX: amounts as numbers, due dates as dates), with the page's filters. */
export const GET: RequestHandler = async ({ locals, url }) => {
	try {
		const f = await roadmapFile(await getDatabase(), locals.session!.actor, url.searchParams, 'xlsx');
		return new Response(f.body, {
			headers: { 'content-type': f.type, 'content-disposition': `attachment; filename="${f.name}"`, 'cache-control': 'private, no-store' }
		});
	} catch (e) {
		pageError(e);
	}
};
