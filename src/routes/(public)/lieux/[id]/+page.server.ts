import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '#lib/server/db/client.ts';
import { getPlace, reportPlaceError, ERROR_REPORT_FIELDS } from '#lib/server/places/service.ts';
import { countAttempt, lockedUntil, retryMessage, THROTTLE_RULES } from '#lib/server/accounts/service.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';
import { survivorOf } from '#lib/server/places/edit.ts';

export const csr = false;

/** The search to go back to: only a query string, re-encoded (no open redirect). */
function backHref(retour: string | null): string | null {
	if (!retour) return null;
	const qs = new URLSearchParams(retour.replace(/^\?/, '')).toString();
	return qs ? `/lieux?${qs}` : '/lieux';
}

export const load: PageServerLoad = async ({ params, url }) => {
	const db = await getDatabase();
	const place = await getPlace(db, params.id);
	if (!place) {
		// a place merged into another: its address leads there, for good
		const survivor = await survivorOf(db, params.id);
		if (survivor) redirect(308, `/lieux/${encodeURIComponent(survivor)}${url.search}`);
	}
	if (!place) error(404, 'Ce lieu n’existe pas, ou il n’est plus dans l’annuaire.');
	const { sources, week, status, closure, ...fields } = place;
	return {
		place: fields,
		sources: sources.map((s) => ({ source: s.source, lastSeenAt: s.lastSeenAt.toISOString() })),
		week,
		// closed: the opening status of the hours would mislead
		status: closure ? null : status,
		closure,
		back: backHref(url.searchParams.get('retour')),
		reportFields: Object.entries(ERROR_REPORT_FIELDS).map(([value, label]) => ({ value, label })),
		origin: publicOrigin()
	};
};

export const actions: Actions = {
	default: async ({ params, request, locals }) => {
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
		return { sent: true as const };
	}
};
