import { inArray } from 'drizzle-orm';
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
