/**
 * Issue 14, item 8, on PostgreSQL as a request runs (the request role maillage_app, under
 * row-level security, scoped to the actor): the Coop's export of activities imported, then
 * our Coop CSV exported and imported back, creating nothing the second time.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { onPostgres } from '../../../../test/db.ts';
import { openWorld, type World } from '../../../../test/world.ts';
import type { Database } from '../db/client.ts';
import { runInScope } from '../db/request-scope.ts';
import { scopeOf, type Actor } from '../accounts/index.ts';
import { accompaniments } from './db.ts';
import { coopExport } from './coop-export.ts';
import { importCoopActivities } from './coop-import.ts';

const FIXTURE = new Uint8Array(readFileSync(new URL('../../../../test/fixtures/coop/activites-coop.csv', import.meta.url)));
const TODAY = '2026-11-20';

describe.skipIf(!onPostgres())('the Coop exchange through the request role', () => {
	let w: World;
	let request: Database;
	let mediator: Actor;
	let mediatheque: string;
	const as = <T>(actor: Actor, fn: () => Promise<T>) => runInScope(fn, { departments: scopeOf(actor), userId: actor.userId, owner: '', voucherCode: '' });

	beforeAll(async () => {
		w = await openWorld({ places: 'agen' });
		request = await w.requestDatabase(2);
		mediatheque = await w.organisation('Médiathèque Lacépède', 'mediatheque');
		mediator = await w.member('lou@mediatheque.test', mediatheque, 'mediator');
		await w.runs(mediatheque, 'Médiathèque Lacépède');
	}, 120_000);
	afterAll(async () => w?.close());

	it('imports, exports, and recognises its own export', async () => {
		const first = await as(mediator, () => importCoopActivities(request, mediator, FIXTURE, { today: TODAY }));
		expect(first.fileError).toBeNull();
		expect(first.fileError === null && first.report).toMatchObject({ written: true, created: 6, rejected: [] });
		const out = await as(mediator, () => coopExport(request, mediator, 'csv', { from: '2026-10-01', to: TODAY, today: TODAY }));
		expect(out.activities).toBe(6);
		const again = await as(mediator, () => importCoopActivities(request, mediator, out.body, { today: TODAY }));
		expect(again.fileError === null && again.report).toMatchObject({ created: 0, duplicates: 6, rejected: [] });
		expect(await w.db.db.select({ id: accompaniments.id }).from(accompaniments).where(eq(accompaniments.organisationId, mediatheque))).toHaveLength(6);
	});
});
