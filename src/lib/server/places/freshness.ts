/**
 * Validators of the places API and files (ETag, Last-Modified), derived without building
 * twice what is sent:
 * - a place, a page of search results: the body is built anyway and is small, so its ETag
 *   is a hash of it (exactly right: any change of what is shown changes it); the page's
 *   Last-Modified is the last change of ANY place (one probe of places_updated_at_idx): an
 *   upper bound that also moves when a place leaves the page (closed, merged, edited out
 *   of the filters), which a maximum over the rows shown would miss;
 * - an export (the national CSV, the downloads), streamed and never held whole: its ETag
 *   hashes an aggregate of the rows it holds (how many, which ids, their update stamps: any
 *   insert, edit, merge, closure or licence change moves one of them), and its
 *   Last-Modified is the last update of the rows of its départements, closed ones included
 *   (a place closed for good leaves the file as it is stamped).
 * Every tag and date also carries REPRESENTATION: when the code changes what a place looks
 * like in the API or the files, bump it and every cached copy is fetched again.
 */
import { createHash } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { places } from './db.ts';
import { OPEN_PLACE_IN_SET } from './licences.ts';

/** The version of the places' representation (fields, names, formats) and the moment it shipped. Change both together. */
export const REPRESENTATION = Object.freeze({ version: '2026-12-07.1', since: new Date('2026-12-07T00:00:00Z') });

export interface PlaceValidators {
	/** weak: answers may be gzipped on the way */
	etag: string;
	/** null when the answer depends on something with no date (the time of day, the Pass qualifications) */
	lastModified: Date | null;
}

/** A weak entity tag over some parts (and the representation's version). */
export function weakTag(...parts: (string | number | null | undefined)[]): string {
	const h = createHash('sha256').update(REPRESENTATION.version);
	for (const p of parts) h.update('\u0000').update(String(p ?? ''));
	return `W/"${h.digest('base64url').slice(0, 27)}"`;
}

/** The latest of some dates and of the representation's. */
export function latest(...dates: (Date | null | undefined)[]): Date {
	let m = REPRESENTATION.since;
	for (const d of dates) if (d && d > m) m = d;
	return m;
}

/** The last change of any place (an index probe). */
export async function lastPlaceChange(database: Database): Promise<Date> {
	const [row] = await database.db.select({ last: sql<string | Date | null>`max(${places.updatedAt})` }).from(places);
	return latest(row?.last ? new Date(row.last) : null);
}

/** Validators of an answer built whole: its hash, and the date given. */
export function bodyValidators(body: string, lastModified: Date | null): PlaceValidators {
	return { etag: weakTag('body', body), lastModified };
}

export interface ExportState extends PlaceValidators {
	lastModified: Date;
	/** places in the export: not closed for good, open data */
	count: number;
	/** places left out because no source of theirs has a licence (licences.ts) */
	excluded: number;
}

/**
 * What an export of the published places (of some départements) holds, in one pass over
 * their rows: count, places left out for their licence, validators. `kind` tells the
 * representations apart (csv, json).
 */
export async function exportState(database: Database, kind: string, departements: string[] = []): Promise<ExportState> {
	const shown = sql`${places.closure} IS DISTINCT FROM 'permanent'`;
	const kept = sql`(${shown} AND ${OPEN_PLACE_IN_SET})`;
	const [row] = await database.db
		.select({
			count: sql<number>`count(*) FILTER (WHERE ${kept})::int`,
			excluded: sql<number>`count(*) FILTER (WHERE ${shown} AND NOT ${OPEN_PLACE_IN_SET})::int`,
			ids: sql<string>`coalesce(sum(hashtext(${places.id})::bigint) FILTER (WHERE ${kept}), 0)::text`,
			stamps: sql<string>`coalesce(sum((extract(epoch FROM ${places.updatedAt}) * 1000000)::bigint) FILTER (WHERE ${kept}), 0)::text`,
			last: sql<string | Date | null>`max(${places.updatedAt})`
		})
		.from(places)
		.where(departements.length ? inArray(places.departmentCode, departements) : undefined);
	const count = Number(row?.count ?? 0);
	const excluded = Number(row?.excluded ?? 0);
	const lastModified = latest(row?.last ? new Date(row.last) : null);
	return {
		count,
		excluded,
		lastModified,
		etag: weakTag('export', kind, [...departements].sort().join(','), count, excluded, row?.ids, row?.stamps, lastModified.getTime())
	};
}
