import type { LayoutServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { levelKey, levelLabel, steeringContext, steeringQueryString } from '#lib/server/steering/index.ts';
import { pageError } from '#lib/server/web/errors.ts';

/** Every steering page: who may steer what, and the département, period and level asked for (the filter form). */
export const load: LayoutServerLoad = async ({ locals, url }) => {
	try {
		const c = await steeringContext(await getDatabase(), locals.session!.actor, url.searchParams);
		return {
			steering: {
				departments: c.departments,
				departmentCode: c.query.departmentCode,
				departmentName: c.departments.find((d) => d.code === c.query.departmentCode)?.name ?? c.query.departmentCode,
				period: c.query.period,
				level: { key: levelKey(c.query.level), label: levelLabel(c.query.level) },
				levels: c.levels.map((l) => ({ key: levelKey(l), label: levelLabel(l) })),
				periods: {
					year: c.periods.year.map((p) => ({ key: p.key, label: p.ongoing ? `${p.label} (en cours)` : p.label })),
					quarter: c.periods.quarter.map((p) => ({ key: p.key, label: p.ongoing ? `${p.label} (en cours)` : p.label })),
					month: c.periods.month.map((p) => ({ key: p.key, label: p.ongoing ? `${p.label} (en cours)` : p.label }))
				},
				coordinator: c.coordinator,
				query: steeringQueryString(c.query)
			}
		};
	} catch (e) {
		pageError(e);
	}
};
