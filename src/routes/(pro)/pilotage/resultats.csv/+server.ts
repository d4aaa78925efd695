import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { levelLabel, steeringCsv, steeringCsvName, outcomeSections } from '#lib/server/steering/index.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** One table of /pilotage/resultats for a spreadsheet (`?table=<id>` and the page's filters), masked as on the page. */
export const GET: RequestHandler = async ({ locals, url }) => {
	let result;
	try {
		result = await outcomeSections(await getDatabase(), locals.session!.actor, url.searchParams);
	} catch (e) {
		pageError(e);
	}
	const { sections, reader } = result;
	const table = sections.flatMap((s) => s.tables).find((t) => t.table.id === url.searchParams.get('table'))?.table;
	if (!table) error(404, 'Ce tableau n’existe pas sur cette page.');
	const q = reader.context.query;
	const body = steeringCsv(table, { departmentName: reader.departmentName, periodLabel: q.period.label, levelLabel: levelLabel(q.level) });
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${steeringCsvName(table, q.departmentCode, q.period.key)}"`,
			'cache-control': 'private, no-store'
		}
	});
};
