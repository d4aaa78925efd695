/**
 * The SQL of the search: the filters' conditions (as values, or as placeholders for
 * prepared statements), and the ranking around a point by distance band and completeness.
 */
import { inArray, sql, type SQL } from 'drizzle-orm';
import { places } from './db.ts';
import { EARTH_RADIUS } from '../db/types.ts';
import { ACCEPTS_PASS } from './place.ts';
import { minuteOfWeek, parisDay } from '../../time.ts';
import type { PlaceFilters, WherePoint } from './types.ts';

const SATURDAY = sql`int4multirange(int4range(7200, 8640))`;

/**
 * Ranking around a point (issue 12, item 4). Results come by distance BAND, and within a
 * band the most complete places first: an exact position, known opening hours and a way to
 * contact the place (phone or e-mail) count one point each (COMPLETENESS, 0 to 3); then by
 * distance, then by id. So a complete place 1.5 km away comes before a place placed at the
 * commune's centre with no hours and no phone, while a complete place 8 km away does not
 * jump ahead of an incomplete one 500 m away. Beyond the last band (30 km, the reach of
 * "near") places come by distance alone. Documented in docs/search.md.
 *
 * A commune searched by its name or its postcode is searched from its centre, the middle of
 * its area (territoire/communes-2024.csv), which in a large commune lies kilometres from the
 * town: Villeneuve-sur-Lot's is 3.6 km from its France services. So the places OF the
 * commune searched all belong to the first band (homeBand), whatever their distance to that
 * point: "Villeneuve" lists the complete places of Villeneuve-sur-Lot first, not the one
 * placed at the centre with nothing known. From an address, distances alone decide.
 */
export const DISTANCE_BANDS_METRES = [2_000, 5_000, 10_000, 20_000, 30_000] as const;
export const COMPLETENESS = sql<number>`((${places.locationPrecision} <> 'municipality')::int + (${places.openWeek} IS NOT NULL)::int + (${places.telephone} IS NOT NULL OR cardinality(${places.courriels}) > 0)::int)`;
export const metresToChord = (m: number) => 2 * EARTH_RADIUS * Math.sin(m / (2 * EARTH_RADIUS));
export const BAND_CHORDS = DISTANCE_BANDS_METRES.map(metresToChord);
/** band b covers chords [BAND_CHORDS[b - 1] (0 for the first), BAND_CHORDS[b]); the last band (b = BAND_CHORDS.length) has no end */
export function bandOf(metres: number): number {
	const i = DISTANCE_BANDS_METRES.findIndex((m) => metres < m);
	return i < 0 ? DISTANCE_BANDS_METRES.length : i;
}
/** the reach of "near": results go further, but the count is of places within it */
export const NEARBY_METRES = 30_000;
/** around a point, places are counted up to this many */
export const NEARBY_COUNT_CAP = 200;

function textArray(values: string[]): SQL {
	return sql`ARRAY[${sql.join(
		values.map((v) => sql`${v}`),
		sql`, `
	)}]::text[]`;
}

/** not closed for a while on that day (closureOf's rule, in SQL): "open now" leaves such places out */
const notClosedToday = (today: SQL) =>
	sql`NOT (${places.closure} IS NOT DISTINCT FROM 'temporary' AND (${places.closedUntil} IS NULL OR ${places.closedUntil} > ${today}))`;

export function filterConditions(f: PlaceFilters, now: Date): SQL[] {
	// a place closed for good is not searched (its page says it is closed)
	const c: SQL[] = [sql`${places.closure} IS DISTINCT FROM 'permanent'`];
	const any = (col: SQL | typeof places.services, values: string[]) => {
		if (values.length) c.push(sql`${col} && ${textArray(values)}`);
	};
	any(places.services, f.services);
	any(places.publicsSpecifiquementAdresses, f.publics);
	any(places.priseEnChargeSpecifique, f.priseEnCharge);
	any(places.modalitesAcces, f.modalitesAcces);
	any(places.modalitesAccompagnement, f.modalitesAccompagnement);
	any(places.dispositifProgrammesNationaux, f.programmes);
	if (f.gratuit) c.push(sql`'Gratuit' = ANY(${places.fraisACharge})`);
	if (f.itinerant) c.push(sql`'Itinérant' = ANY(${places.itinerance})`);
	if (f.ouvertMaintenant) c.push(sql`${places.openWeek} @> ${minuteOfWeek(now)}::int`, notClosedToday(sql`${parisDay(now)}::date`));
	if (f.ouvertSamedi) c.push(sql`${places.openWeek} && ${SATURDAY}`);
	if (f.pass) c.push(ACCEPTS_PASS);
	if (f.departements.length) c.push(inArray(places.departmentCode, f.departements));
	return c;
}

/**
 * The same filters as placeholders, for prepared statements: one statement per set of
 * filters used (not per value), its values in `params`.
 */
export function filterPlaceholders(f: PlaceFilters, now: Date): { conds: SQL[]; params: Record<string, unknown>; key: string } {
	// a place closed for good is not searched (its page says it is closed)
	const conds: SQL[] = [sql`${places.closure} IS DISTINCT FROM 'permanent'`];
	const params: Record<string, unknown> = {};
	const keys: string[] = [];
	const overlap = (name: string, col: typeof places.services, values: string[]) => {
		if (!values.length) return;
		conds.push(sql`${col} && ${sql.placeholder(name)}::text[]`);
		params[name] = values;
		keys.push(name);
	};
	overlap('services', places.services, f.services);
	overlap('publics', places.publicsSpecifiquementAdresses, f.publics);
	overlap('pec', places.priseEnChargeSpecifique, f.priseEnCharge);
	overlap('acces', places.modalitesAcces, f.modalitesAcces);
	overlap('accompagnement', places.modalitesAccompagnement, f.modalitesAccompagnement);
	overlap('programmes', places.dispositifProgrammesNationaux, f.programmes);
	const flag = (name: string, on: boolean, cond: SQL) => {
		if (!on) return;
		conds.push(cond);
		keys.push(name);
	};
	flag('gratuit', f.gratuit, sql`'Gratuit' = ANY(${places.fraisACharge})`);
	flag('itinerant', f.itinerant, sql`'Itinérant' = ANY(${places.itinerance})`);
	flag('samedi', f.ouvertSamedi, sql`${places.openWeek} && ${SATURDAY}`);
	flag('pass', !!f.pass, ACCEPTS_PASS);
	if (f.ouvertMaintenant) {
		conds.push(sql`${places.openWeek} @> ${sql.placeholder('minute')}::int`, notClosedToday(sql`${sql.placeholder('today')}::date`));
		params.minute = minuteOfWeek(now);
		params.today = parisDay(now);
		keys.push('minute');
	}
	if (f.departements.length) {
		conds.push(sql`${places.departmentCode} = ANY(${sql.placeholder('departements')}::text[])`);
		params.departements = f.departements;
		keys.push('departements');
	}
	return { conds, params, key: keys.join(',') };
}

export function bandOfChord(chord: number): number {
	const i = BAND_CHORDS.findIndex((c) => chord < c);
	return i < 0 ? BAND_CHORDS.length : i;
}

export type Filters = { conds: SQL[]; params: Record<string, unknown>; key: string };

/**
 * The commune whose places all belong to the first band: the one searched by its name or its
 * postcode (the point is its centre, see DISTANCE_BANDS_METRES); none from an address or a
 * point given (lat/lng).
 */
export function homeBand(point: Pick<WherePoint, 'kind' | 'inseeCode'>): string {
	return point.kind !== 'address' && point.inseeCode ? point.inseeCode : '';
}

/** SQL: the distance band of a place (0 … BAND_CHORDS.length), constants inlined; the places of the commune `home` (INSEE code, '' for none) are band 0. */
export function bandSql(chord: SQL<number>, home: SQL<string>): SQL<number> {
	return sql<number>`(CASE WHEN ${home} <> '' AND ${places.codeInsee} = ${home} THEN 0 ${sql.join(
		BAND_CHORDS.map((c, i) => sql`WHEN ${chord} < ${sql.raw(String(c))}::float8 THEN ${sql.raw(String(i))}`),
		sql` `
	)} ELSE ${sql.raw(String(BAND_CHORDS.length))} END)`;
}
