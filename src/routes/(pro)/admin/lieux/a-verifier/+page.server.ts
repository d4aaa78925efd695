import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { getPlace, applyNormalCase, canCuratePlace, workAreas, workList, WORK_KINDS, type WorkKind } from '#lib/server/places/index.ts';
import { formFailure } from '#lib/server/web/errors.ts';

export const load: PageServerLoad = async ({ url, locals }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	const zone = Number(url.searchParams.get('zone'));
	const areaId = Number.isInteger(zone) && zone > 0 ? zone : null;
	const kindParam = url.searchParams.get('liste') ?? 'doublons';
	const kind: WorkKind = Object.hasOwn(WORK_KINDS, kindParam) ? (kindParam as WorkKind) : 'doublons';
	const [areas, list] = await Promise.all([workAreas(db, actor), workList(db, actor, { areaId })]);
	// Post/Redirect/Get: after « casse », `?fait=casse&lieu=<id>`; the new name is read from the place itself
	const renamedPlace = url.searchParams.get('fait') === 'casse' ? await getPlace(db, url.searchParams.get('lieu') ?? '') : null;
	return {
		renamed: renamedPlace && canCuratePlace(actor, renamedPlace.departmentCode) ? renamedPlace.nom : null,
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
		const id = String(f.get('id') ?? '');
		try {
			await applyNormalCase(await getDatabase(), locals.session!.actor, id, { ip: locals.ip });
		} catch (e) {
			return formFailure(e);
		}
		// back to the list the button was on (its area kept)
		const back = new URLSearchParams({ liste: 'noms' });
		const zone = Number(f.get('zone'));
		if (Number.isInteger(zone) && zone > 0) back.set('zone', String(zone));
		back.set('fait', 'casse');
		back.set('lieu', id);
		redirect(303, `/admin/lieux/a-verifier?${back}`);
	}
};
