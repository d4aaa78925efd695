import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/db.ts';
import type { Database } from './db/client.ts';
import { getBoss, stopBoss } from './jobs/boss.ts';
import { SCHEDULE, startJobs } from './app.ts';

let db: Database;
beforeAll(async () => {
	db = await createTestDatabase();
});
afterAll(async () => {
	await stopBoss(db);
	await db.close();
});

describe('the composition root', () => {
	it('holds every recurring job of the server, once each', () => {
		expect(SCHEDULE.map((j) => j.queue).sort()).toEqual([
			'audit-checkpoint',
			'mail-purge',
			'mail-sweep',
			'maintenance-purge',
			'mandate-clock',
			'pass-clock',
			'referral-clock',
			'steering-refresh',
			'training-attestations',
			'training-reminders',
			'training-survey',
			'vault-expiry',
			'vault-integrity'
		]);
		for (const j of SCHEDULE) expect(j.cron.split(' ')).toHaveLength(5);
	});

	it('schedules them with pg-boss, the daily ones in Paris time', async () => {
		await startJobs(db);
		const boss = await getBoss(db);
		const schedules = await boss.getSchedules();
		expect(schedules.map((s) => s.name).sort()).toEqual(SCHEDULE.map((j) => j.queue).sort());
		expect(schedules.find((s) => s.name === 'pass-clock')).toMatchObject({ cron: '27 1 * * *', timezone: 'Europe/Paris' });
	});
});
