import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { donorReport, donorReportCsv } from '#lib/server/equipment/index.ts';
import { reportYear } from '../year.ts';

export const GET: RequestHandler = async ({ locals, params, url }) => {
	const year = reportYear(url);
	try {
		const r = await donorReport(await getDatabase(), locals.session!.actor, params.id, year);
		return new Response(donorReportCsv(r), {
			headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="rapport-reemploi-${year}.csv"` }
		});
	} catch (e) {
		pageError(e);
	}
};
