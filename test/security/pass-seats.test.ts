/**
 * Issue 11, finding 6: workshops were over-redeemed under concurrency (a 50-seat workshop
 * took 51 vouchers, a 3-seat one 5, a one-person accompaniment 4) and `pass verify` saw
 * nothing. Seats hold whatever the concurrency; `pass verify` checks vouchers per
 * accompaniment against its participants.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, onPostgres } from '../db.ts';
import { openDatabase, type Database } from '../../src/lib/server/db/client.ts';
import { PassError, redeem, verifyLedger } from '../../src/lib/server/pass/index.ts';
import { passWorld } from './pass-world.ts';

let db: Database;
let w: Awaited<ReturnType<typeof passWorld>>;
beforeAll(async () => {
	db = await createTestDatabase();
	w = await passWorld(db);
});
afterAll(async () => db?.close());

const seatsOf = async (accompanimentId: string) =>
	((await db.db.execute(sql`select count(*)::int as n from pass_vouchers where accompaniment_id = ${accompanimentId}`)) as unknown as { rows: { n: number }[] })
		.rows[0].n;

describe('issue 11, finding 6: seats hold whatever the concurrency', () => {
	it('a 3-seat workshop takes 3 vouchers, one after the other', async () => {
		const codes = (await w.campaign(1)).slice(0, 5);
		await w.handOutInSql(codes);
		const workshop = await w.accompaniment(3);
		const results = [];
		for (const code of codes)
			results.push(
				await redeem(db, w.mediator, { code, accompanimentId: workshop }).then(
					() => 'ok',
					(e: Error) => e.message
				)
			);
		expect(results.filter((r) => r === 'ok')).toHaveLength(3);
		expect(results.slice(3)).toEqual(Array(2).fill('Cet atelier compte 3 participants et 3 pass y sont déjà rattachés\u00a0: un pass par participant.'));
		expect(await seatsOf(workshop)).toBe(3);
		expect((await verifyLedger(db)).breaches).toEqual([]);
	});

	it('pass verify names an accompaniment holding more vouchers than its participants', async () => {
		const codes = (await w.campaign(1)).slice(0, 2);
		await w.handOutInSql(codes);
		const workshop = await w.accompaniment(2);
		for (const code of codes) await redeem(db, w.mediator, { code, accompanimentId: workshop });
		// behind the application's back: the workshop had one participant only
		await db.db.execute(sql`update accompaniments set participants = 1 where id = ${workshop}`);
		expect((await verifyLedger(db)).breaches).toEqual([`accompaniment ${workshop} has 1 participant but 2 vouchers`]);
		await db.db.execute(sql`update accompaniments set participants = 2 where id = ${workshop}`);
		expect((await verifyLedger(db)).breaches).toEqual([]);
	});

	it.runIf(onPostgres())(
		'on PostgreSQL, 100 concurrent redemptions into a 3-seat workshop from 3 app processes: exactly 3; a one-person accompaniment: exactly 1',
		async () => {
			const codes = await w.campaign(12);
			await w.handOutInSql(codes.slice(0, 120));
			// three connection pools, each with its own redemption batches: three app processes
			const apps = [db, await openDatabase({ url: db.url!, max: 4, migrate: false }), await openDatabase({ url: db.url!, max: 4, migrate: false })];
			try {
				const workshop = await w.accompaniment(3);
				const results = await Promise.allSettled(codes.slice(0, 100).map((code, i) => redeem(apps[i % 3], w.mediator, { code, accompanimentId: workshop })));
				for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(PassError);
				expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
				expect(await seatsOf(workshop)).toBe(3);

				const alone = await w.accompaniment(1);
				const single = await Promise.allSettled(codes.slice(100, 120).map((code, i) => redeem(apps[i % 3], w.mediator, { code, accompanimentId: alone })));
				expect(single.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
				expect(await seatsOf(alone)).toBe(1);
				expect((await verifyLedger(db)).breaches).toEqual([]);
			} finally {
				await apps[1].close();
				await apps[2].close();
			}
		}
	);
});
