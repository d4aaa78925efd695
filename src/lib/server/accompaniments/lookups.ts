/** What other capabilities read of accompaniments, by the ids they hold or the place they work at (the Pass: a voucher tied to an accompaniment). */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { accompaniments } from './db.ts';

/** The day of each of these accompaniments (a statement's lines). */
export async function accompanimentDates(db: DbOrTx, ids: readonly (string | null | undefined)[]): Promise<Map<string, string>> {
	const wanted = [...new Set(ids.filter((i): i is string => !!i))];
	if (!wanted.length) return new Map();
	const rows = await db.select({ id: accompaniments.id, date: accompaniments.date }).from(accompaniments).where(inArray(accompaniments.id, wanted));
	return new Map(rows.map((r) => [r.id, r.date]));
}

/** A structure's accompaniments at a place (or at no place) since a day, newest first: what a voucher can be tied to. The caller has checked who asks. */
export async function accompanimentsAtPlaceSince(db: DbOrTx, organisationId: string, placeId: string, since: string, limit: number) {
	return db
		.select({
			id: accompaniments.id,
			date: accompaniments.date,
			kind: accompaniments.kind,
			title: accompaniments.title,
			themes: accompaniments.themes,
			participants: accompaniments.participants,
			beneficiaryId: accompaniments.beneficiaryId
		})
		.from(accompaniments)
		.where(
			and(
				eq(accompaniments.organisationId, organisationId),
				sql`(${accompaniments.placeId} = ${placeId} or ${accompaniments.placeId} is null)`,
				sql`${accompaniments.date} >= ${since}`
			)
		)
		.orderBy(desc(accompaniments.date), desc(accompaniments.createdAt))
		.limit(limit);
}
