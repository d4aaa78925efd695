import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { roadmapFile } from '#lib/server/strategy/index.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** The roadmap for a spreadsheet (CSV, `;`, BOM, formulas neutralised), with the page's filters. */
export const GET: RequestHandler = async ({ locals, url }) => {
	try {
		const f = await roadmapFile(await getDatabase(), locals.session!.actor, url.searchParams, 'csv');
		return new Response(f.body, {
			headers: { 'content-type': f.type, 'content-disposition': `attachment; filename="${f.name}"`, 'cache-control': 'private, no-store' }
		});
	} catch (e) {
		pageError(e);
	}
};
