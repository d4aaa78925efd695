/**
 * The first start's steps (the territory, the demo network…): whether one has run, and
 * marking one done, so that each runs once per database.
 */
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { seedRuns } from './db.ts';

/** Whether this seed step has run. */
export async function seedStepDone(db: DbOrTx, step: string): Promise<boolean> {
	const rows = await db.select({ step: seedRuns.step }).from(seedRuns).where(eq(seedRuns.step, step));
	return rows.length > 0;
}

/** Marks a seed step done now, with what it did (`detail`); again: the new detail and time. */
export async function markSeedStep(db: DbOrTx, step: string, detail: string): Promise<void> {
	await db
		.insert(seedRuns)
		.values({ step, detail })
		.onConflictDoUpdate({ target: seedRuns.step, set: { detail, doneAt: new Date() } });
}
