import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { donorReport, donorReportPdfFile } from '#lib/server/equipment/index.ts';
import { reportYear } from '../year.ts';

export const GET: RequestHandler = async ({ locals, params, url }) => {
	const year = reportYear(url);
	try {
		const db = await getDatabase();
		const body = await donorReportPdfFile(db, await donorReport(db, locals.session!.actor, params.id, year));
		return new Response(new Uint8Array(body), {
			headers: { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="rapport-reemploi-${year}.pdf"` }
		});
	} catch (e) {
		pageError(e);
	}
};
