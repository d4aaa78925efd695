/**
 * The places as the steering space's offer figures read them (issue 16): where each place is,
 * its commune, services, weekly opening (the stored `open_week` ranges), its last update,
 * when maillage first knew it, whether it accepts the Pass Numérique. Places closed for good
 * are left out. Public data, read through the caller's handle.
 */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db, type DbOrTx } from '../db/client.ts';
import { earthPoint } from '../db/types.ts';
import { places } from './db.ts';
import { ACCEPTS_PASS } from './place.ts';
import { metresToChord } from './search-sql.ts';

export interface OfferPlace {
	id: string;
	latitude: number | null;
	longitude: number | null;
	codeInsee: string | null;
	departmentCode: string | null;
	services: string[];
	/** weekly open intervals in minutes from Monday 00:00 (Paris); null when the hours are unknown */
	openWeek: [number, number][] | null;
	/** the standard's date_maj ('YYYY-MM-DD'; sources write 1970-01-01 for « unknown ») */
	dateMaj: string;
	/** the Paris day maillage recorded the place */
	createdOn: string;
	acceptsPass: boolean;
}

/** '{[540,720),[840,1110)}' → [[540, 720], [840, 1110]]; '{}' → []; null → null. */
export function parseWeekRanges(text: string | null): [number, number][] | null {
	if (text == null) return null;
	const out: [number, number][] = [];
	for (const m of text.matchAll(/\[(\d+),(\d+)\)/g)) out.push([Number(m[1]), Number(m[2])]);
	return out;
}

/** The columns the offer reads, in SQL: a neighbour's services reduced to `serviceAround`, its Pass not read. */
function offerColumns(mine: SQL, serviceAround: string): SQL {
	return sql`${places.id} as id, ${places.latitude} as latitude, ${places.longitude} as longitude, ${places.codeInsee} as "codeInsee",
		${places.departmentCode} as "departmentCode",
		case when ${mine} then ${places.services} when ${serviceAround} = any(${places.services}) then array[${serviceAround}]::text[] else '{}'::text[] end as services,
		${places.openWeek}::text as "openWeek", ${places.dateMaj}::text as "dateMaj",
		to_char(${places.createdAt} at time zone 'Europe/Paris', 'YYYY-MM-DD') as "createdOn", (${mine} and ${ACCEPTS_PASS}) as "acceptsPass"`;
}

interface OfferRow extends Omit<OfferPlace, 'openWeek' | 'acceptsPass'> {
	openWeek: string | null;
	acceptsPass: boolean | null;
}

const offerPlace = (r: OfferRow): OfferPlace => ({ ...r, services: r.services ?? [], openWeek: parseWeekRanges(r.openWeek), acceptsPass: !!r.acceptsPass });

/** the places `offerPlaces` reads: not closed for good, of the département or placed within the circle */
function offerScope(departmentCode: string, centre: { latitude: number; longitude: number }, radiusMetres: number) {
	const mine = sql`${places.departmentCode} = ${departmentCode}`;
	const origin = sql`${earthPoint(centre.latitude, centre.longitude)}::cube`;
	const scope = sql`(${places.closure} IS DISTINCT FROM 'permanent' and (${mine} or ${places.pos} <@ cube_enlarge(${origin}, ${metresToChord(radiusMetres)}::float8, 3)))`;
	return { mine, scope };
}

/**
 * The places of a département (by their `department_code`, with or without a position) and
 * every placed one within `radiusMetres` of `centre` (those of the neighbouring départements
 * serve its communes too): one query, through the GiST index on `pos`. A place outside the
 * département is only a distance: its services are reduced to `serviceAround` (when it offers
 * it) and the Pass is not read for it, which keeps the rows small at national scale. Read as
 * plain rows (ten thousand of them around Pas-de-Calais at national density).
 */
export async function offerPlaces(
	db: DbOrTx,
	departmentCode: string,
	centre: { latitude: number; longitude: number },
	radiusMetres: number,
	serviceAround: string
): Promise<OfferPlace[]> {
	const { mine, scope } = offerScope(departmentCode, centre, radiusMetres);
	const rows = await rowsOf(db as Db)<OfferRow>(sql`select ${offerColumns(mine, serviceAround)} from ${places} where ${scope}`);
	return rows.map(offerPlace);
}

/**
 * What changed among the places `offerPlaces` reads since `since` (their `updated_at`): every
 * place updated since (through its index), with whether it is read now (`inScope`: a place
 * closed for good or moved away is not), and how many places it reads now in all, so that a
 * caller who kept the places can patch them, and see from the count that none was deleted
 * (a merge) without being told.
 */
export async function offerPlacesChanged(
	db: DbOrTx,
	departmentCode: string,
	centre: { latitude: number; longitude: number },
	radiusMetres: number,
	serviceAround: string,
	since: Date
): Promise<{ changed: (OfferPlace & { inScope: boolean })[]; count: number }> {
	const { mine, scope } = offerScope(departmentCode, centre, radiusMetres);
	// one row at least: the count, beside each place updated since (none: nulls)
	const rows = await rowsOf(db as Db)<OfferRow & { inScope: boolean | null; count: number | string }>(sql`
		select ${offerColumns(mine, serviceAround)}, ${scope} as "inScope", n.count
		from (select count(*) as count from ${places} where ${scope}) n left join ${places} on ${places.updatedAt} > ${since}`);
	const count = Number(rows[0].count);
	return { changed: rows.filter((r) => r.id !== null).map((r) => ({ ...offerPlace(r), inScope: !!r.inScope })), count };
}

/**
 * The places of a département (as `offerPlaces` reads them: not closed for good) that accept
 * the Pass Numérique now: a qualification changes it without touching the place's
 * `updated_at`, so that a caller who kept the places reads this again now and then (a probe
 * of the Pass's indexes, not the places).
 */
export async function offerPassPlaces(db: DbOrTx, departmentCode: string): Promise<Set<string>> {
	const rows = await rowsOf(db as Db)<{ id: string }>(
		sql`select ${places.id} as id from ${places} where ${places.departmentCode} = ${departmentCode} and ${places.closure} IS DISTINCT FROM 'permanent' and ${ACCEPTS_PASS}`
	);
	return new Set(rows.map((r) => r.id));
}
