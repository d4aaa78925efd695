import type { RequestHandler } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { bodyValidators, getPlace, latest, placeToJson, survivorOf } from '#lib/server/places/index.ts';
import { ApiError, json } from '#lib/server/api/errors.ts';
import { apiError } from '#lib/server/web/errors.ts';
import { errorBody } from '#lib/server/errors.ts';
import { conditionalAnswer, validatorHeaders } from '#lib/server/web/conditional.ts';

const CACHE = 'public, max-age=60, stale-while-revalidate=300';

/** GET /api/v1/places/{id} — one place, with its sources and licence; validators for conditional requests. Public. */
export const GET: RequestHandler = async ({ params, request }) => {
	try {
		const db = await getDatabase();
		const p = await getPlace(db, params.id);
		if (!p) {
			// merged into another place: a permanent redirect, and the body says where
			const survivor = await survivorOf(db, params.id);
			if (survivor) {
				const location = `/api/v1/places/${encodeURIComponent(survivor)}`;
				const body = errorBody(308, 'merged', `Ce lieu a été fusionné avec le lieu « ${survivor} ».`);
				return json({ ...body, fusionne_dans: survivor, lien: location }, 308, { location, 'cache-control': 'public, max-age=60' });
			}
		}
		if (!p) throw new ApiError(404, 'not_found', `Aucun lieu n’a l’identifiant « ${params.id} ».`);
		const { sources, week: _w, status: _s, departmentCode: _d, acceptsPass: _p, closure, lastModified, licence, ...place } = p;
		const body = JSON.stringify(
			placeToJson(place, {
				licence,
				sources: sources.map((s) => ({ source: s.source, identifiant: s.sourceId, vu_le: s.lastSeenAt.toISOString(), licence: s.licence })),
				fermeture: closure ? { type: closure.kind === 'permanent' ? 'definitive' : 'temporaire', jusqu_au: closure.until, raison: closure.reason } : null
			})
		);
		const headers = {
			'content-type': 'application/json; charset=utf-8',
			'cache-control': CACHE,
			vary: 'Accept-Encoding',
			...validatorHeaders(bodyValidators(body, latest(lastModified)))
		};
		return conditionalAnswer(request, headers, () => body);
	} catch (e) {
		return apiError(e);
	}
};
