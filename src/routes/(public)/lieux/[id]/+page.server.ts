import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { reportPlaceError, ERROR_REPORT_FIELDS, getPlace, distanceMetres, survivorOf } from '#lib/server/places/index.ts';
import { resolveWhere } from '#lib/server/territory/index.ts';
import { loadInstance } from '#lib/components/instance.server.ts';
import { formatDistance } from '#lib/components/format.ts';
import { countAttempt, lockedUntil, retryMessage, THROTTLE_RULES } from '#lib/server/accounts/index.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';
import { placeSessions } from '#lib/server/trainings/index.ts';

export const csr = false;

/** The search to go back to: only a query string, re-encoded (no open redirect). */
function backHref(retour: string | null): string | null {
	if (!retour) return null;
	const qs = new URLSearchParams(retour.replace(/^\?/, '')).toString();
	return qs ? `/lieux?${qs}` : '/lieux';
}

/**
 * "À 1,2 km d’Agen": the distance from the point of the search the visitor came from (its
 * "Où ?" in the link back), as the results showed it.
 */
async function distanceFromSearch(
	database: Awaited<ReturnType<typeof getDatabase>>,
	retour: string | null,
	place: { latitude: number | null; longitude: number | null; locationPrecision: string; codeInsee: string | null }
) {
	const ou = retour ? new URLSearchParams(retour.replace(/^\?/, '')).get('ou')?.trim().slice(0, 200) : null;
	if (!ou || place.latitude == null || place.longitude == null) return null;
	const instance = await loadInstance();
	const where = await resolveWhere(database, ou, { departmentCodes: instance.departmentCodes }).catch(() => null);
	if (where?.status !== 'found') return null;
	const m = distanceMetres(where.point, { latitude: place.latitude, longitude: place.longitude });
	const label = where.point.label;
	if (place.locationPrecision === 'municipality' && where.point.inseeCode && where.point.inseeCode === place.codeInsee)
		return `Dans la commune recherchée (${label})`;
	const text = place.locationPrecision === 'municipality' ? formatDistance(Math.max(m, 1000))!.replace(/^à /, 'à environ ') : formatDistance(m)!;
	// "à 190 m d’Agen (47)", "à 3 km de Boé (47)", "à 12 km du Passage (47)"
	const from = /^le\s/i.test(label)
		? `du ${label.slice(3)}`
		: /^les\s/i.test(label)
			? `des ${label.slice(4)}`
			: /^[aeiouyhàâäéèêëîïôöûüÿœæ]/i.test(label)
				? `d’${label}`
				: `de ${label}`;
	return `${text[0].toUpperCase()}${text.slice(1)} ${from}`;
}

export const load: PageServerLoad = async ({ params, url }) => {
	const database = await getDatabase();
	const place = await getPlace(database, params.id);
	if (!place) {
		// a place merged into another: its address leads there, for good
		const survivor = await survivorOf(database, params.id);
		if (survivor) redirect(308, `/lieux/${encodeURIComponent(survivor)}${url.search}`);
	}
	if (!place) error(404, 'Ce lieu n’existe pas, ou il n’est plus dans l’annuaire.');
	const { sources, week, status, closure, ...fields } = place;
	const retour = url.searchParams.get('retour');
	const hasPosition = fields.latitude != null && fields.longitude != null;
	return {
		distance: await distanceFromSearch(database, retour, fields),
		directions: hasPosition
			? {
					geo: `geo:${fields.latitude},${fields.longitude}`,
					osm: `https://www.openstreetmap.org/directions?route=%3B${fields.latitude}%2C${fields.longitude}`
				}
			: null,
		claimHref: `/espace/lieux?lieu=${encodeURIComponent(fields.id)}#demander`,
		place: fields,
		sources: sources.map((s) => ({ source: s.source, lastSeenAt: s.lastSeenAt.toISOString() })),
		week,
		// closed: the opening status of the hours would mislead
		status: closure ? null : status,
		closure,
		back: backHref(url.searchParams.get('retour')),
		reportFields: Object.entries(ERROR_REPORT_FIELDS).map(([value, label]) => ({ value, label })),
		origin: publicOrigin(),
		// the training sessions to come held here, or followed here in a group (issue 17)
		trainings: await placeSessions(database, fields.id),
		// after a report, Post/Redirect/Get (?signale=1): F5 no longer sends it again
		sent: url.searchParams.get('signale') === '1'
	};
};

export const actions: Actions = {
	default: async ({ params, request, locals, url }) => {
		const form = await request.formData();
		const values = {
			champs: form.getAll('champs').map(String),
			message: String(form.get('message') ?? ''),
			courriel: String(form.get('courriel') ?? '').trim()
		};
		const db = await getDatabase();
		// a public form: a few reports per address and hour, no more
		const key = `form:report:${locals.ip ?? 'unknown'}`;
		const locked = (await lockedUntil(db.db, [key])) ?? (await countAttempt(db.db, key, THROTTLE_RULES.form));
		if (locked) return fail(429, { errors: { message: retryMessage(locked) } as Record<string, string>, values });
		const result = await reportPlaceError(db, params.id, values);
		if (!result.ok) return fail(400, { errors: result.errors, values });
		// F5 on the answer to the post sent the report a second time (a duplicate for the coordinators)
		const back = new URLSearchParams(url.search);
		back.set('signale', '1');
		redirect(303, `${url.pathname}?${back}#signaler`);
	}
};
