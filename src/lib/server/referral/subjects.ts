import { eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { referrals } from './db.ts';

/** Whom and where these referrals are about, by id (the journal's French reading names them; it decides itself what it shows). */
export async function referralSubjects(db: DbOrTx, ids: readonly string[]) {
	if (!ids.length) return [];
	return db
		.select({ id: referrals.id, beneficiaryId: referrals.beneficiaryId, placeId: referrals.placeId })
		.from(referrals)
		.where(inArray(referrals.id, [...ids]));
}

/** The ids of these people's referrals (their own journal: Mon espace). */
export async function referralIdsOf(db: DbOrTx, beneficiaryIds: readonly string[]): Promise<string[]> {
	if (!beneficiaryIds.length) return [];
	const rows = await db
		.select({ id: referrals.id })
		.from(referrals)
		.where(inArray(referrals.beneficiaryId, [...beneficiaryIds]));
	return rows.map((r) => r.id);
}

/** A structure's referrals counted by status, in all and since `since` (a partner's own figures: counts only). */
export async function referralCountsFrom(db: DbOrTx, organisationId: string, since: Date) {
	return db
		.select({
			status: referrals.status,
			total: sql<number>`count(*)::int`,
			lastYear: sql<number>`(count(*) filter (where ${referrals.sentAt} >= ${since.toISOString()}::timestamptz))::int`
		})
		.from(referrals)
		.where(eq(referrals.fromOrganisationId, organisationId))
		.groupBy(referrals.status);
}
