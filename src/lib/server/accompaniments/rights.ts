/** What accompaniments/ does for the person's rights (privacy/ walks the registry): their accompaniments in the export, and the rows moved by a merge. */
import { eq } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../db/client.ts';
import { placeNames } from '../places/index.ts';
import type { PersonRef } from '../personal-data.ts';
import { accompaniments } from './db.ts';

export async function exportSections(db: DbOrTx, person: PersonRef) {
	const rows = await db.select().from(accompaniments).where(eq(accompaniments.beneficiaryId, person.id)).orderBy(accompaniments.date);
	const names = await placeNames(
		db,
		rows.map((a) => a.placeId)
	);
	return {
		accompaniments: rows.map((a) => ({
			date: a.date,
			place: (a.placeId && names.get(a.placeId)) || null,
			themes: a.themes,
			durationMinutes: a.durationMinutes
		}))
	};
}

export async function moveAccompaniments(tx: Tx, fromId: string, toId: string): Promise<void> {
	await tx.update(accompaniments).set({ beneficiaryId: toId }).where(eq(accompaniments.beneficiaryId, fromId));
}
