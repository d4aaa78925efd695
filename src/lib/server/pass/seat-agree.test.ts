/**
 * Issue 12, item 17: the accompaniments offered when redeeming a voucher say what redeem()
 * will decide. An accompaniment of another person than the voucher's holder is listed as
 * such (not "aucun pass rattaché") and refused; one of the holder is accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDatabase } from '../../../../test/db.ts';
import { passWorld } from '../../../../test/security/pass-world.ts';
import type { Database } from '../db/client.ts';
import { accompaniments } from '../accompaniments/db.ts';
import { passVouchers } from './db.ts';
import { checkCode, recentAccompaniments, redeem, seatFor } from './index.ts';

let db: Database;
let w: Awaited<ReturnType<typeof passWorld>>;
beforeAll(async () => {
	db = await createTestDatabase();
	w = await passWorld(db);
}, 120_000);
afterAll(async () => db?.close());

describe('redeeming a voucher: the list and the refusal agree', () => {
	it('an accompaniment of another person is not offered as free, and is refused', async () => {
		const codes = (await w.campaign(1)).slice(0, 2);
		await w.handOut(codes);
		const [{ holder }] = await db.db.select({ holder: passVouchers.beneficiaryId }).from(passVouchers).where(eq(passVouchers.code, codes[0]));
		// someone else's accompaniment: another person handed vouchers
		const other = (await w.campaign(1)).slice(0, 1);
		await w.handOut(other);
		const [{ someoneElse }] = await db.db.select({ someoneElse: passVouchers.beneficiaryId }).from(passVouchers).where(eq(passVouchers.code, other[0]));
		const theirs = await w.accompaniment(1);
		await db.db.update(accompaniments).set({ beneficiaryId: someoneElse }).where(eq(accompaniments.id, theirs));
		const mine = await w.accompaniment(1);
		await db.db.update(accompaniments).set({ beneficiaryId: holder }).where(eq(accompaniments.id, mine));

		const check = await checkCode(db, w.mediator, { code: codes[0], placeId: w.lacepede });
		expect(check.holderId).toBe(holder);
		const list = await recentAccompaniments(db, w.mediator, w.lacepede);
		const seat = (id: string) =>
			seatFor(
				list.find((a) => a.id === id)!,
				check.holderId
			);
		expect(seat(theirs)).toBe('other_person');
		expect(seat(mine)).toBe('ok');
		await expect(redeem(db, w.mediator, { code: codes[0], placeId: w.lacepede, accompanimentId: theirs })).rejects.toThrow(/remis à une autre personne/);
		await expect(redeem(db, w.mediator, { code: codes[0], placeId: w.lacepede, accompanimentId: mine })).resolves.toBeTruthy();
		// now full, on both sides
		const after = await recentAccompaniments(db, w.mediator, w.lacepede);
		expect(
			seatFor(
				after.find((a) => a.id === mine)!,
				holder
			)
		).toBe('full');
		await expect(redeem(db, w.mediator, { code: codes[1], placeId: w.lacepede, accompanimentId: mine })).rejects.toThrow(/déjà rattaché/);
	});
});
