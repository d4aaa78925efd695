import type { PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { pageError } from '#lib/server/web/errors.ts';
import { donorReport } from '#lib/server/equipment/index.ts';
import { formatDate } from '#lib/components/format.ts';
import { reportYear } from './year.ts';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const year = reportYear(url);
	try {
		const r = await donorReport(await getDatabase(), locals.session!.actor, params.id, year);
		return {
			year,
			donor: r.donor,
			figures: r.figures,
			lines: r.lines.slice(0, 200).map((l, i) => ({ ...l, key: i, handedOverOn: l.handedOverOn ? formatDate(l.handedOverOn) : null })),
			total: r.lines.length
		};
	} catch (e) {
		pageError(e);
	}
};
