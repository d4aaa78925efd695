import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { statementCsv, statementDetail } from '#lib/server/pass/index.ts';
import { statementFileName } from '#lib/server/pass/index.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** The statement for a spreadsheet: one line per voucher, then the total. */
export const GET: RequestHandler = async ({ params, locals }) => {
	try {
		const d = await statementDetail(await getDatabase(), locals.session!.actor, params.id);
		return new Response(statementCsv(d), {
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename="${statementFileName(d.statement, 'csv')}"`,
				'cache-control': 'private, no-store'
			}
		});
	} catch (e) {
		pageError(e);
	}
};
