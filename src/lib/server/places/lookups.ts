/**
 * Places as other capabilities read them, without reaching into this capability's tables.
 * Places are public data; each look-up reads through the caller's handle (its transaction)
 * and answers in one batched query:
 * - by id: a name (`placeNames`), a card (`placeCards`, `placeCard`: name, address, phone,
 *   e-mails, hours, INSEE code), a summary for the structures' pages (`placeSummaries`: with its
 *   département, typology and SIRET), what a referral needs (`placeForReferral`);
 * - by SIRET: the places a structure's qualification covers (`placesBySiret`);
 * - by words or area: `placesMatchingWords`, `placesOf`, `placesOfCommune`, `placeIdByName`;
 * - the place each error report is about (`placesOfErrorReports`).
 */
import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { placeErrorReports, places } from './db.ts';

type Ids = readonly (string | null | undefined)[];

/** One `inArray` per this many ids. */
const BATCH = 5000;

/** The ids asked for, once each, without the empty ones. */
const wanted = (ids: Ids) => [...new Set(ids.filter((i): i is string => !!i))];

// ——— by id ———

/** The names of places by id (for lists that show a place beside their own rows). */
export async function placeNames(db: DbOrTx, ids: Ids): Promise<Map<string, string>> {
	const unique = wanted(ids);
	if (!unique.length) return new Map();
	const rows = await db.select({ id: places.id, nom: places.nom }).from(places).where(inArray(places.id, unique));
	return new Map(rows.map((r) => [r.id, r.nom]));
}

export type PlaceCard = Pick<
	typeof places.$inferSelect,
	'id' | 'nom' | 'adresse' | 'codePostal' | 'commune' | 'codeInsee' | 'telephone' | 'courriels' | 'horaires'
>;

const CARD = {
	id: places.id,
	nom: places.nom,
	adresse: places.adresse,
	codePostal: places.codePostal,
	commune: places.commune,
	codeInsee: places.codeInsee,
	telephone: places.telephone,
	courriels: places.courriels,
	horaires: places.horaires
};

/**
 * The cards of these places, by id; unknown ids are left out. The map iterates by name,
 * then commune (the database's collation) within each batch of 5,000 ids: one batch for any
 * page or structure's list.
 */
export async function placeCards(db: DbOrTx, ids: Ids): Promise<Map<string, PlaceCard>> {
	const unique = wanted(ids);
	const rows: PlaceCard[] = [];
	for (let i = 0; i < unique.length; i += BATCH)
		rows.push(
			...(await db
				.select(CARD)
				.from(places)
				.where(inArray(places.id, unique.slice(i, i + BATCH)))
				.orderBy(asc(places.nom), asc(places.commune), asc(places.id)))
		);
	return new Map(rows.map((r) => [r.id, r]));
}

/** One place's card, or undefined when there is no such place. */
export async function placeCard(db: DbOrTx, id: string): Promise<PlaceCard | undefined> {
	const [card] = await db.select(CARD).from(places).where(eq(places.id, id));
	return card;
}

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

/** The summaries of these places (those that exist), in no particular order. */
export async function placeSummaries(db: DbOrTx, ids: Ids): Promise<PlaceSummary[]> {
	const unique = wanted(ids);
	if (!unique.length) return [];
	return db.select(SUMMARY).from(places).where(inArray(places.id, unique));
}

/** What a referral needs of the place it goes to: its name, département, e-mails and closure; with `followMerge`, the place a merged id now lives in (merged_ids). */
export async function placeForReferral(
	db: DbOrTx,
	id: string,
	opts: { followMerge?: boolean } = {}
): Promise<{ id: string; nom: string; departmentCode: string | null; courriels: string[]; closure: string | null } | undefined> {
	const cols = { id: places.id, nom: places.nom, departmentCode: places.departmentCode, courriels: places.courriels, closure: places.closure };
	const [place] = await db.select(cols).from(places).where(eq(places.id, id));
	if (place || !opts.followMerge) return place;
	const [merged] = await db
		.select(cols)
		.from(places)
		.where(sql`${places.mergedIds} @> ARRAY[${id}]::text[]`)
		.limit(1);
	return merged;
}

/** The places of these SIRETs (their `pivot`), by name: a structure's places as the Pass's qualifications list them. */
export async function placesBySiret(db: DbOrTx, sirets: Ids): Promise<Map<string, { nom: string; commune: string }[]>> {
	const unique = wanted(sirets);
	const out = new Map<string, { nom: string; commune: string }[]>();
	if (!unique.length) return out;
	const rows = await db
		.select({ pivot: places.pivot, nom: places.nom, commune: places.commune })
		.from(places)
		.where(inArray(places.pivot, unique))
		.orderBy(asc(places.nom));
	for (const r of rows) out.set(r.pivot, [...(out.get(r.pivot) ?? []), { nom: r.nom, commune: r.commune }]);
	return out;
}

// ——— by words or area ———

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

/** The places of a commune of a département with their SIRET (pivot), by name, the one named `first` first. */
export async function placesOfCommune(
	db: DbOrTx,
	codeInsee: string,
	departmentCode: string,
	first: string | null = null
): Promise<{ nom: string; pivot: string }[]> {
	return db
		.select({ nom: places.nom, pivot: places.pivot })
		.from(places)
		.where(and(eq(places.codeInsee, codeInsee), eq(places.departmentCode, departmentCode)))
		.orderBy(sql`${places.nom} = ${first ?? ''} desc`, asc(places.nom));
}

/** The place of this name in a département (the demo's structures name theirs), or null. */
export async function placeIdByName(db: DbOrTx, nom: string, departmentCode: string): Promise<string | null> {
	const [p] = await db
		.select({ id: places.id })
		.from(places)
		.where(and(eq(places.nom, nom), eq(places.departmentCode, departmentCode)));
	return p?.id ?? null;
}

// ——— error reports ———

/** The place each error report of these ids is about (report id → place id). */
export async function placesOfErrorReports(db: DbOrTx, reportIds: number[]): Promise<Map<number, string>> {
	if (!reportIds.length) return new Map();
	const rows = await db
		.select({ id: placeErrorReports.id, placeId: placeErrorReports.placeId })
		.from(placeErrorReports)
		.where(inArray(placeErrorReports.id, reportIds));
	return new Map(rows.map((r) => [r.id, r.placeId]));
}
