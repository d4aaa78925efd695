import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { PlaceManagementError } from '#lib/server/places/service.ts';
import { applyNormalCase } from '#lib/server/places/edit.ts';
import { workAreas, workList, WORK_KINDS, type WorkKind } from '#lib/server/places/worklist.ts';

export const load: PageServerLoad = async ({ url, locals }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	const zone = Number(url.searchParams.get('zone'));
	const areaId = Number.isInteger(zone) && zone > 0 ? zone : null;
	const kindParam = url.searchParams.get('liste') ?? 'doublons';
	const kind: WorkKind = kindParam in WORK_KINDS ? (kindParam as WorkKind) : 'doublons';
	const [areas, list] = await Promise.all([workAreas(db, actor), workList(db, actor, { areaId })]);
	return {
		areas,
		areaId,
		kind,
		kinds: Object.entries(WORK_KINDS).map(([key, label]) => ({ key, label, count: list.counts[key as WorkKind] })),
		total: list.total,
		duplicates: kind === 'doublons' ? list.duplicates : [],
		places: kind === 'doublons' ? [] : list.lists[kind]
	};
};

export const actions: Actions = {
	// one click: the name in normal case (the suggestion shown), a correction like any other
	casse: async ({ request, locals }) => {
		const f = await request.formData();
		try {
			const nom = await applyNormalCase(await getDatabase(), locals.session!.actor, String(f.get('id') ?? ''), { ip: locals.ip });
			return { renamed: nom };
		} catch (e) {
			if (e instanceof PlaceManagementError) return fail(e.code === 'forbidden' ? 403 : 400, { message: e.message });
			throw e;
		}
	}
};
