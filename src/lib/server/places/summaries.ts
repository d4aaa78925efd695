/**
 * Places as other capabilities need them: a short summary of given places (names, commune,
 * département, contact), the places matching a few words of their name or commune, the
 * places of some départements, and the place each error report is about. Each answers in one
 * batched query; the callers (accounts, journal) join what they hold themselves.
 */
import { and, asc, inArray, notInArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { placeErrorReports, places } from './db.ts';

export interface PlaceSummary {
	id: string;
	nom: string;
	commune: string;
	adresse: string;
	departmentCode: string | null;
	courriels: string[];
	typologie: string[];
	programmes: string[];
	pivot: string;
}

const SUMMARY = {
	id: places.id,
	nom: places.nom,
	commune: places.commune,
	adresse: places.adresse,
	departmentCode: places.departmentCode,
	courriels: places.courriels,
	typologie: places.typologie,
	programmes: places.dispositifProgrammesNationaux,
	pivot: places.pivot
};

/** The places of these ids (those that exist), in no particular order. */
export async function placeSummaries(db: DbOrTx, ids: string[]): Promise<PlaceSummary[]> {
	const unique = [...new Set(ids)];
	if (!unique.length) return [];
	return db.select(SUMMARY).from(places).where(inArray(places.id, unique));
}

/**
 * Places where each word (normalizeKey()'d, 2 letters at least) is in the name or in the
 * commune (the commune as normalizeKey() writes it: « Penne-d'Agenais » → « penne d agenais »),
 * of these départements (null: any), by name, `limit` at most.
 */
export async function placesMatchingWords(db: DbOrTx, words: string[], departmentCodes: string[] | null, limit: number): Promise<PlaceSummary[]> {
	if (!words.length || (departmentCodes && !departmentCodes.length)) return [];
	const haystack = sql`(' ' || ${places.nameKey} || ' ' || regexp_replace(lower(unaccent(coalesce(${places.commune}, ''))), '[^a-z0-9]+', ' ', 'g') || ' ')`;
	return db
		.select(SUMMARY)
		.from(places)
		.where(and(departmentCodes ? inArray(places.departmentCode, departmentCodes) : undefined, ...words.map((w) => sql`${haystack} like ${'%' + w + '%'}`)))
		.orderBy(asc(places.nom))
		.limit(limit);
}

/** Places of these départements (null: any), only those of `ids` when given, but none of `excluding`; by name, `limit` at most. */
export async function placesOf(
	db: DbOrTx,
	opts: { departmentCodes: string[] | null; ids?: string[]; excluding?: string[]; limit: number }
): Promise<PlaceSummary[]> {
	if ((opts.departmentCodes && !opts.departmentCodes.length) || (opts.ids && !opts.ids.length)) return [];
	return db
		.select(SUMMARY)
		.from(places)
		.where(
			and(
				opts.departmentCodes ? inArray(places.departmentCode, opts.departmentCodes) : undefined,
				opts.ids ? inArray(places.id, opts.ids) : undefined,
				opts.excluding?.length ? notInArray(places.id, opts.excluding) : undefined
			)
		)
		.orderBy(asc(places.nom))
		.limit(opts.limit);
}

/** The place each error report of these ids is about (report id → place id). */
export async function placesOfErrorReports(db: DbOrTx, reportIds: number[]): Promise<Map<number, string>> {
	if (!reportIds.length) return new Map();
	const rows = await db
		.select({ id: placeErrorReports.id, placeId: placeErrorReports.placeId })
		.from(placeErrorReports)
		.where(inArray(placeErrorReports.id, reportIds));
	return new Map(rows.map((r) => [r.id, r.placeId]));
}
