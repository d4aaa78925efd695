import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import {
	PlaceManagementError,
	loadMergePair,
	mergeCandidates,
	mergePlaces,
	mergePreview,
	MERGE_FIELDS,
	type MergeChoice,
	canCuratePlace,
	getPlace
} from '#lib/server/places/index.ts';
import { formFailure } from '#lib/server/web/errors.ts';

/** "l123…", or the address of a place's page (…/lieux/l123…?…) */
/** a malformed escape (« % » typed or pasted) is kept as it is: then « aucun lieu », never an error page */
const safeDecode = (v: string) => {
	try {
		return decodeURIComponent(v);
	} catch {
		return v;
	}
};

function placeIdOf(v: string | null): string {
	const s = (v ?? '').trim();
	const m = /\/lieux\/([^/?#]+)/.exec(s);
	return safeDecode(m ? m[1] : s).slice(0, 200);
}

export const load: PageServerLoad = async ({ url, locals }) => {
	const db = await getDatabase();
	const actor = locals.session!.actor;
	const keepId = placeIdOf(url.searchParams.get('garder'));
	const otherId = placeIdOf(url.searchParams.get('autre'));
	const keep = keepId ? await getPlace(db, keepId) : null;
	if (!keep || !canCuratePlace(actor, keep.departmentCode)) error(404, 'Ce lieu n’existe pas, ou il n’est pas dans votre département.');
	const place = { id: keep.id, nom: keep.nom, adresse: keep.adresse, commune: keep.commune };
	if (!otherId) return { place, other: null, rows: null, candidates: await mergeCandidates(db, actor, keep.id), choiceError: null };
	try {
		const { survivor, other } = await loadMergePair(db, actor, keep.id, otherId);
		return {
			place,
			other: { id: other.id, nom: other.nom, adresse: other.adresse, commune: other.commune },
			rows: mergePreview(survivor, other),
			candidates: [],
			choiceError: null
		};
	} catch (e) {
		if (e instanceof PlaceManagementError)
			return { place, other: null, rows: null, candidates: await mergeCandidates(db, actor, keep.id), choiceError: e.message, typed: otherId };
		throw e;
	}
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const f = await request.formData();
		const survivorId = String(f.get('garder') ?? '');
		const otherId = String(f.get('autre') ?? '');
		const choices: Record<string, MergeChoice> = {};
		for (const g of MERGE_FIELDS) choices[g.key] = f.get(`choix_${g.key}`) === 'autre' ? 'autre' : 'survivant';
		let mergedName: string;
		try {
			const db = await getDatabase();
			const pair = await loadMergePair(db, locals.session!.actor, survivorId, otherId);
			mergedName = pair.other.nom;
			await mergePlaces(db, locals.session!.actor, { survivorId, otherId, choices }, { ip: locals.ip });
		} catch (e) {
			return formFailure(e);
		}
		redirect(303, `/admin/lieux/${encodeURIComponent(survivorId)}?fait=fusionne&nom=${encodeURIComponent(mergedName)}`);
	}
};
