/** The demo's survey (survey-demo.ts): two past sessions, the closed one's results shown, the recent one's links sent; once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, lt, sql } from 'drizzle-orm';
import { openWorld, type World } from '../../../../test/world.ts';
import { parisDay, addDays } from '../../time.ts';
import { trainingSessions } from './db.ts';
import { seedDemoSurvey, seedDemoTrainings, sessionSurvey } from './index.ts';

let w: World;
beforeAll(async () => {
	w = await openWorld({ places: 'agen' });
}, 120_000);
afterAll(async () => {
	await w?.close();
});

describe('the demo’s survey', () => {
	it('seeds two past sessions once, sends the recent one’s survey, shows the closed one’s results', async () => {
		await seedDemoTrainings(w.db);
		const links = { origin: 'http://localhost:3000', instanceName: 'demo' };
		expect(await seedDemoSurvey(w.db, links)).toEqual({ sessions: 2, sent: 6 });
		expect(await seedDemoSurvey(w.db, links)).toEqual({ sessions: 0, sent: 0 });
		const [old] = await w.db.db
			.select()
			.from(trainingSessions)
			.where(and(eq(trainingSessions.departmentCode, '47'), lt(trainingSessions.lastDay, addDays(parisDay(), -30))));
		const cd = (await w.db.query<{ id: string }>(sql`select id from organisations where name = 'Département de Lot-et-Garonne'`))[0].id;
		const coordinator = await w.member('coord@cd47.test', cd, 'coordinator');
		const r = await sessionSurvey(w.db, coordinator, old.id);
		expect(r).toMatchObject({ sent: 8, answers: 6, shown: true });
		expect(r.comments).toHaveLength(2);
	});
});
