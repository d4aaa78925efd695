/**
 * What referral/ does for the person's rights (privacy/ walks the registry): their referrals
 * in the export, the prescriber's and the place's free texts emptied by erasure, the rows
 * moved by a merge, the referrals' journal lines joined to the person's.
 */
import { eq } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../db/client.ts';
import { placeNames } from '../places/index.ts';
import type { PersonRef } from '../personal-data.ts';
import { referrals } from './db.ts';
import { STATUS_LABELS } from './model.ts';

export async function exportSections(db: DbOrTx, person: PersonRef) {
	const rows = await db.select().from(referrals).where(eq(referrals.beneficiaryId, person.id)).orderBy(referrals.sentAt);
	const names = await placeNames(
		db,
		rows.map((r) => r.placeId)
	);
	return {
		referrals: rows.map((r) => ({
			sentAt: r.sentAt.toISOString(),
			place: names.get(r.placeId) ?? '',
			status: STATUS_LABELS[r.status as keyof typeof STATUS_LABELS] ?? r.status,
			appointmentAt: r.appointmentAt?.toISOString() ?? null,
			reason: r.reason
		}))
	};
}

export async function eraseTexts(tx: Tx, person: PersonRef): Promise<void> {
	await tx.update(referrals).set({ reason: '', declineNote: null }).where(eq(referrals.beneficiaryId, person.id));
}

export async function moveReferrals(tx: Tx, fromId: string, toId: string): Promise<void> {
	await tx.update(referrals).set({ beneficiaryId: toId }).where(eq(referrals.beneficiaryId, fromId));
}

export async function referralTargets(db: DbOrTx, person: PersonRef) {
	const rows = await db.select({ id: referrals.id }).from(referrals).where(eq(referrals.beneficiaryId, person.id));
	return { targetType: 'referral', ids: rows.map((r) => r.id) };
}
