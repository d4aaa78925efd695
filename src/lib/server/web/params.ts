/**
 * Identifiers in URLs checked before any query (issue 11, low findings: malformed input gave
 * a 500 — PostgreSQL refuses "_" as a uuid — instead of a 400 or a 404).
 */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (v: string | null | undefined): v is string => !!v && UUID.test(v);

/**
 * A route's `[id]` that cannot exist: every `[id]` is a uuid, except places' (the national
 * standard's text identifiers, `/lieux/[id]`, `/espace/lieux/[id]`, `/api/v1/places/[id]`),
 * which are at most 200 characters.
 */
export function impossibleRouteId(routeId: string | null, params: Partial<Record<string, string>>): boolean {
	const id = params.id;
	if (id === undefined || !routeId) return false;
	if (/\/(lieux|places)\/\[id\]/.test(routeId)) return id.length === 0 || id.length > 200;
	return !isUuid(id);
}

/** Query parameters that name a record by its uuid, wherever they appear. */
const UUID_QUERY = ['campagne', 'financeur', 'personne'] as const;

/** The first uuid query parameter that is set but malformed (its name), or null. */
export function malformedUuidQuery(url: URL): string | null {
	for (const name of UUID_QUERY) {
		const v = url.searchParams.get(name)?.trim();
		if (v && !isUuid(v)) return name;
	}
	return null;
}

/** A whole positive number (a cursor such as `?avant=`), or null when absent; NaN when malformed. */
export function positiveInteger(v: string | null): number | null {
	if (v === null || v === '') return null;
	if (!/^\d{1,15}$/.test(v)) return NaN;
	const n = Number(v);
	return n > 0 && Number.isSafeInteger(n) ? n : NaN;
}

/** A calendar date "AAAA-MM-JJ" that exists (2026-13-45 and 2026-02-30 do not). */
export function isCalendarDay(v: string): boolean {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
	if (!m) return false;
	const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
	return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3] && +m[1] >= 2000 && +m[1] <= 2999;
}

/**
 * The message a page shows after an action (`?fait=supprimee`), from its own list; null for
 * anything else. The list's own keys only: `?fait=constructor` read `Object`'s and gave a 500.
 */
export function doneMessage(messages: Readonly<Record<string, string>>, code: string | null): string | null {
	return code !== null && Object.hasOwn(messages, code) ? messages[code] : null;
}
