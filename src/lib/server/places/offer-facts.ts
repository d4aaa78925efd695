/**
 * The places as the steering space's offer figures read them (issue 16): where each place is,
 * its commune, services, weekly opening (the stored `open_week` ranges), its last update,
 * when maillage first knew it, whether it accepts the Pass Numérique. Places closed for good
 * are left out. Public data, read through the caller's handle.
 */
import { and, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
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

/**
 * The places of a département (by their `department_code`, with or without a position) and
 * every placed one within `radiusMetres` of `centre` (those of the neighbouring départements
 * serve its communes too): one query, through the GiST index on `pos`. A place outside the
 * département is only a distance: its services are reduced to `serviceAround` (when it offers
 * it) and the Pass is not read for it, which keeps the rows small at national scale.
 */
export async function offerPlaces(
	db: DbOrTx,
	departmentCode: string,
	centre: { latitude: number; longitude: number },
	radiusMetres: number,
	serviceAround: string
): Promise<OfferPlace[]> {
	const mine = sql`${places.departmentCode} = ${departmentCode}`;
	const origin = sql`${earthPoint(centre.latitude, centre.longitude)}::cube`;
	const chord = metresToChord(radiusMetres);
	const rows = await db
		.select({
			id: places.id,
			latitude: places.latitude,
			longitude: places.longitude,
			codeInsee: places.codeInsee,
			departmentCode: places.departmentCode,
			services: sql<
				string[]
			>`case when ${mine} then ${places.services} when ${serviceAround} = any(${places.services}) then array[${serviceAround}]::text[] else '{}'::text[] end`,
			openWeek: sql<string | null>`${places.openWeek}::text`,
			dateMaj: places.dateMaj,
			createdOn: sql<string>`to_char(${places.createdAt} at time zone 'Europe/Paris', 'YYYY-MM-DD')`,
			acceptsPass: sql<boolean>`(${mine} and ${ACCEPTS_PASS})`
		})
		.from(places)
		.where(and(sql`${places.closure} IS DISTINCT FROM 'permanent'`, or(mine, sql`${places.pos} <@ cube_enlarge(${origin}, ${chord}::float8, 3)`)));
	return rows.map((r) => ({ ...r, openWeek: parseWeekRanges(r.openWeek), acceptsPass: !!r.acceptsPass }));
}
