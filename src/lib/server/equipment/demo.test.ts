/** The demo's equipment channel (equipment/demo.ts): what `./run start` shows a refurbisher and a coordinator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { openWorld, type World } from '../../../../test/world.ts';
import { addMember, actorFor, organisationByName } from '../accounts/index.ts';
import { equipmentDonors } from './db.ts';
import { donorReport, seedDemoEquipment, stockOf, waitingList } from './index.ts';

let w: World;
beforeAll(async () => {
	w = await openWorld({ places: 'agen' });
}, 120_000);
afterAll(async () => {
	await w?.close();
});

describe('the demo’s equipment channel', () => {
	it('has devices in every status at the refurbisher, a waiting list, and the Département’s reuse report for last year; once', async () => {
		expect(await seedDemoEquipment(w.db, '2026-11-18')).toEqual({ lots: 2, devices: 12 });
		expect(await seedDemoEquipment(w.db, '2026-11-18')).toEqual({ lots: 0, devices: 0 });
		const atelier = (await organisationByName(w.db.db, 'Transnumeric', '47'))!.id;
		const cd47 = (await organisationByName(w.db.db, 'Département de Lot-et-Garonne', '47'))!.id;
		const team = await actorFor(
			w.db.db,
			(
				await addMember(w.db, null, {
					email: 'lea@transnumeric.test',
					displayName: 'Léa',
					organisationId: atelier,
					role: 'place_manager',
					password: 'une phrase de passe solide'
				})
			).userId,
			true
		);
		const coordinator = await actorFor(
			w.db.db,
			(
				await addMember(w.db, null, {
					email: 'cam@cd47.test',
					displayName: 'Cam',
					organisationId: cd47,
					role: 'coordinator',
					password: 'une phrase de passe solide'
				})
			).userId,
			true
		);
		const stock = await stockOf(w.db, team, atelier);
		expect(stock.byStatus).toEqual({ received: 2, refurbishing: 2, available: 2, reserved: 1, handed_over: 3, returned: 1, recycled: 1 });
		expect((await waitingList(w.db, team, '47', null)).map((r) => r.reference)).toEqual(['D-DEMO-A1', 'D-DEMO-A2', 'D-DEMO-A3']);
		const [donor] = await w.db.db.select().from(equipmentDonors).where(eq(equipmentDonors.kind, 'departement'));
		const report = await donorReport(w.db, coordinator, donor.id, 2025);
		expect(report.figures).toMatchObject({ given: 9, excludedOverAge: 1, provenReused: 4, declaredStock: 12, target: 50 });
	});
});
