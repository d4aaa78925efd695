/**
 * Issue 11, low: redemption ignored the code-check lock. Ten unknown codes within 15
 * minutes lock a user's code checks for 30 minutes; that lock now blocks their
 * redemptions too (redeeming was another way to test codes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDatabase } from '../db.ts';
import type { Database } from '../../src/lib/server/db/client.ts';
import { passVouchers } from '../../src/lib/server/pass/db.ts';
import { checkCode, FRAUD, PassError, redeem } from '../../src/lib/server/pass/index.ts';
import { newCode } from '../../src/lib/server/pass/index.ts';
import { passWorld } from './pass-world.ts';

let db: Database;
let w: Awaited<ReturnType<typeof passWorld>>;
beforeAll(async () => {
	db = await createTestDatabase();
	w = await passWorld(db);
});
afterAll(async () => db?.close());

describe('issue 11, low: the code-check lock blocks redemption', () => {
	it('refuses the redemption of a valid code by a user locked out of code checks', async () => {
		const [code] = await w.campaign(1);
		await w.handOut([code]);
		const workshop = await w.accompaniment(1);
		for (let i = 0; i < FRAUD.failures.limit; i++) await checkCode(db, w.mediator, { code: newCode() }).catch((e) => expect(e).toBeInstanceOf(PassError));
		await expect(checkCode(db, w.mediator, { code })).rejects.toThrow(/Trop de vérifications de codes en peu de temps/);
		const refused = await redeem(db, w.mediator, { code, accompanimentId: workshop }).catch((e) => e);
		expect(refused).toBeInstanceOf(PassError);
		expect(refused.status).toBe(429);
		expect(refused.message).toMatch(/^Trop de vérifications de codes en peu de temps\. Réessayez dans 30 minutes\.$/);
		const [v] = await db.db.select({ state: passVouchers.state }).from(passVouchers).where(eq(passVouchers.code, code));
		expect(v.state).toBe('distributed');
	});
});
