/**
 * One place as the public sees it: the public fields of a row, whether it accepts the Pass
 * Numérique, its closure and opening status, its page (getPlace); every place, page by
 * page, for exports.
 */
import { and, asc, eq, getTableColumns, gt, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { importReports, places, placeSources } from './db.ts';
import { greatCircleMetres } from '../db/types.ts';
import { openingStatus } from './hours.ts';
import { weekTable } from './hours-week.ts';
import { parisDay, parisMidnight } from '../../time.ts';
import { licenceOfFormat, licencesOf } from './licences.ts';
import { formatDate } from '../../components/format.ts';
import type { LocationPrecision, PlaceFields } from './types.ts';

export type PlaceRow = typeof places.$inferSelect;
export type PublicPlace = PlaceFields & { locationPrecision: LocationPrecision };
export interface OpeningState {
	open: boolean;
	label: string;
	detail: string | null;
}

/** the place accepts the Pass Numérique (migration 0022: a qualification in force for its SIRET or its structure's) */
export const ACCEPTS_PASS = sql<boolean>`(${places.id} IN (SELECT maillage_pass_places()))`;

export function toPublicPlace(r: PlaceRow): PublicPlace {
	const {
		openWeek: _w,
		nameKey: _n,
		departmentCode: _d,
		createdAt: _c,
		updatedAt: _u,
		pos: _p,
		closure: _cl,
		closedUntil: _cu,
		closureReason: _cr,
		mergedIds: _m,
		overrides: _o,
		// a source's claim, shown through acceptsPass (ACCEPTS_PASS) with the qualifications
		passNumerique: _pn,
		...rest
	} = r;
	return { ...rest, locationPrecision: rest.locationPrecision === 'municipality' ? 'municipality' : 'address' };
}

/** a temporary closure in force, said where the opening status would be: « Fermé temporairement, rouvre le 15 janvier » */
export function closedStatus(c: PlaceClosure | null): OpeningState | null {
	if (!c || c.kind !== 'temporary') return null;
	return { open: false, label: 'Fermé temporairement', detail: c.until ? `rouvre le ${formatDate(c.until)}` : null };
}

export function openingStatusOf(horaires: string, now: Date): OpeningState | null {
	const s = openingStatus(horaires, now);
	return s ? { open: s.open, label: s.label, detail: s.detail } : null;
}

export interface PlaceDetail extends PublicPlace {
	/** each source it was seen in, with the licence of the file it came from (null: none stated) */
	sources: { source: string; sourceId: string; lastSeenAt: Date; licence: string | null }[];
	/** its licence's identifier when it is open data, else null (licences.ts) */
	licence: string | null;
	week: ReturnType<typeof weekTable>;
	status: OpeningState | null;
	departmentCode: string | null;
	/** accepts the Pass Numérique */
	acceptsPass: boolean;
	/** closed for a while (until a date, with a reason) or for good; null when open */
	closure: PlaceClosure | null;
	/**
	 * when what the page and the API show of it last changed: its row, its sources (seen
	 * again by an import), the end of a temporary closure once passed (Last-Modified)
	 */
	lastModified: Date;
}

export interface PlaceClosure {
	kind: 'temporary' | 'permanent';
	until: string | null;
	reason: string | null;
}

/**
 * The closure in force today (Paris day). `closedUntil` is the day the place reopens (the
 * forms ask « Rouvre le »): the place is closed before it and open on it.
 */
export function closureOf(r: Pick<PlaceRow, 'closure' | 'closedUntil' | 'closureReason'>, today = parisDay()): PlaceClosure | null {
	if (r.closure === 'permanent') return { kind: 'permanent', until: null, reason: r.closureReason };
	if (r.closure === 'temporary' && (!r.closedUntil || r.closedUntil > today)) return { kind: 'temporary', until: r.closedUntil, reason: r.closureReason };
	return null;
}

export async function getPlace(database: Database, id: string, now = new Date()): Promise<PlaceDetail | null> {
	if (!id || id.length > 200) return null;
	const [found] = await database.db
		.select({ ...getTableColumns(places), acceptsPass: ACCEPTS_PASS })
		.from(places)
		.where(eq(places.id, id))
		.limit(1);
	if (!found) return null;
	const { acceptsPass, ...row } = found;
	const sources = (
		await database.db
			.select({ source: placeSources.source, sourceId: placeSources.sourceId, lastSeenAt: placeSources.lastSeenAt, format: importReports.format })
			.from(placeSources)
			.leftJoin(importReports, eq(importReports.id, placeSources.importId))
			.where(eq(placeSources.placeId, id))
			.orderBy(asc(placeSources.firstSeenAt), asc(placeSources.id))
	).map(({ format, ...s }) => ({ ...s, licence: licenceOfFormat(format)?.id ?? null }));
	let lastModified = row.updatedAt;
	for (const s of sources) if (s.lastSeenAt > lastModified) lastModified = s.lastSeenAt;
	const reopened = row.closure === 'temporary' && row.closedUntil ? parisMidnight(row.closedUntil) : null;
	if (reopened && reopened <= now && reopened > lastModified) lastModified = reopened;
	return {
		...toPublicPlace(row),
		lastModified,
		licence: (await licencesOf(database, [id])).get(id) ?? null,
		departmentCode: row.departmentCode,
		acceptsPass: !!acceptsPass,
		closure: closureOf(row, parisDay(now)),
		sources,
		week: row.horaires ? weekTable(row.horaires) : null,
		status: row.horaires ? openingStatusOf(row.horaires, now) : null
	};
}

/**
 * Every place (optionally of some départements), in id order, page by page — for exports.
 * Places closed for good are left out; with `openOnly`, so are the places no source of
 * which has a licence (licences.ts): the files offered for reuse.
 */
export async function* allPlaces(
	database: Database,
	opts: { departements?: string[]; batch?: number; openOnly?: boolean } = {}
): AsyncGenerator<PublicPlace[]> {
	const batch = opts.batch ?? 2000;
	let after = '';
	for (;;) {
		const rows = await database.db
			.select()
			.from(places)
			.where(
				and(
					gt(places.id, after),
					sql`${places.closure} IS DISTINCT FROM 'permanent'`,
					opts.departements?.length ? inArray(places.departmentCode, opts.departements) : undefined
				)
			)
			.orderBy(asc(places.id))
			.limit(batch);
		if (!rows.length) return;
		const licences = opts.openOnly
			? await licencesOf(
					database,
					rows.map((r) => r.id)
				)
			: null;
		const kept = licences ? rows.filter((r) => licences.get(r.id)) : rows;
		if (kept.length) yield kept.map(toPublicPlace);
		after = rows[rows.length - 1].id;
		if (rows.length < batch) return;
	}
}

/** Great-circle distance in metres between two positions (a place's page, from the search's point). */
export function distanceMetres(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
	return greatCircleMetres(a.latitude, a.longitude, b.latitude, b.longitude);
}

export async function countPlaces(database: Database): Promise<number> {
	const [{ n }] = await database.db.select({ n: sql<number>`count(*)::int` }).from(places);
	return Number(n);
}
