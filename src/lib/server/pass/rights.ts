/** What pass/ does for the person's rights (privacy/ walks the registry): the vouchers handed to them in the export (never their codes: they are money), and the vouchers moved by a merge. */
import { eq } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../db/client.ts';
import type { PersonRef } from '../personal-data.ts';
import { passVouchers } from './db.ts';
import { vouchersOfPerson } from './distribution.ts';
import { STATE_LABELS } from './model.ts';
import { euros } from '../../components/format.ts';

export async function exportSections(db: DbOrTx, person: PersonRef) {
	const rows = await vouchersOfPerson(db, person.id);
	return {
		vouchers: rows.map((v) => ({
			campaign: v.campaign,
			value: euros(v.faceValueCents),
			state: STATE_LABELS[v.state as keyof typeof STATE_LABELS] ?? v.state,
			validUntil: v.validUntil,
			handedOutAt: v.distributedAt?.toISOString() ?? null,
			usedAt: v.redeemedAt?.toISOString() ?? null
		}))
	};
}

export async function moveVouchers(tx: Tx, fromId: string, toId: string): Promise<void> {
	await tx.update(passVouchers).set({ beneficiaryId: toId }).where(eq(passVouchers.beneficiaryId, fromId));
}
