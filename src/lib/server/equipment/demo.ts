/**
 * The demo's equipment channel (first start, demo/seed.ts): Lot-et-Garonne's « filière locale
 * de reconditionnement informatique » (../shared/seeds/002_*). The refurbisher is a structure of
 * the demo data (Transnumeric, Marmande, a conseiller numérique structure of the national
 * list); the donors are the Département and the commune of Boé. Two lots, devices in every
 * status with their events, erasure reports and handovers, and the Département's declared
 * stock for last year, so that the stock, a device's page and the reuse report show something.
 * The requests name no person (a demo has no one to name). Written as the system, once
 * (skipped when the département has a lot).
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { createOrganisation, organisationByName, type OrganisationKind } from '../accounts/index.ts';
import { addDays, parisDay } from '../../time.ts';
import {
	equipmentDeviceEvents,
	equipmentDevices,
	equipmentDonorStock,
	equipmentDonors,
	equipmentErasures,
	equipmentHandovers,
	equipmentLots,
	equipmentRecycling,
	equipmentRequests,
	equipmentTests
} from './db.ts';
import { TRANSITIONS, warrantyUntil, type DeviceStatus } from './model.ts';

const ORGS: { key: string; name: string; kind: OrganisationKind }[] = [
	{ key: 'cd47', name: 'Département de Lot-et-Garonne', kind: 'departement' },
	{ key: 'atelier', name: 'Transnumeric', kind: 'association' },
	{ key: 'ccas', name: 'CCAS d’Agen', kind: 'ccas' }
];

/** The path a device takes to reach a status (the events the demo writes). */
const PATH: Record<DeviceStatus, DeviceStatus[]> = {
	received: [],
	refurbishing: ['refurbishing'],
	available: ['refurbishing', 'available'],
	reserved: ['refurbishing', 'available', 'reserved'],
	handed_over: ['refurbishing', 'available', 'reserved', 'handed_over'],
	returned: ['refurbishing', 'available', 'reserved', 'handed_over', 'returned'],
	recycled: ['recycled']
};

interface DemoDevice {
	type: string;
	brand: string;
	model: string;
	year: number;
	status: DeviceStatus;
}

const LOT_CD47: DemoDevice[] = [
	{ type: 'laptop', brand: 'Dell', model: 'Latitude 5490', year: 2019, status: 'handed_over' },
	{ type: 'laptop', brand: 'Dell', model: 'Latitude 5490', year: 2019, status: 'handed_over' },
	{ type: 'laptop', brand: 'HP', model: 'ProBook 450 G6', year: 2019, status: 'handed_over' },
	{ type: 'laptop', brand: 'HP', model: 'ProBook 450 G6', year: 2019, status: 'available' },
	{ type: 'laptop', brand: 'Lenovo', model: 'ThinkPad T480', year: 2018, status: 'available' },
	{ type: 'laptop', brand: 'Lenovo', model: 'ThinkPad T480', year: 2018, status: 'reserved' },
	{ type: 'desktop', brand: 'Dell', model: 'OptiPlex 7060', year: 2018, status: 'refurbishing' },
	{ type: 'laptop', brand: 'HP', model: 'EliteBook 840 G3', year: 2016, status: 'returned' },
	{ type: 'laptop', brand: 'Toshiba', model: 'Satellite Pro', year: 2012, status: 'recycled' }
];
const LOT_BOE: DemoDevice[] = [
	{ type: 'tablet', brand: 'Samsung', model: 'Galaxy Tab A7', year: 2021, status: 'received' },
	{ type: 'smartphone', brand: 'Samsung', model: 'Galaxy A40', year: 2019, status: 'received' },
	{ type: 'laptop', brand: 'Acer', model: 'TravelMate P2', year: 2020, status: 'refurbishing' }
];

export async function seedDemoEquipment(database: Database, today = parisDay()): Promise<{ lots: number; devices: number }> {
	const db = database.db;
	const [any] = await db.select({ id: equipmentLots.id }).from(equipmentLots).where(eq(equipmentLots.departmentCode, '47')).limit(1);
	if (any) return { lots: 0, devices: 0 };
	const org: Record<string, string> = {};
	for (const o of ORGS)
		org[o.key] = (
			(await organisationByName(db, o.name, '47')) ?? (await createOrganisation(database, null, { name: o.name, kind: o.kind, departmentCode: '47' }))
		).id;
	const year = Number(today.slice(0, 4));
	let devices = 0;
	await db.transaction(async (tx) => {
		const [cd47] = await tx
			.insert(equipmentDonors)
			.values({ departmentCode: '47', kind: 'departement', name: 'Département de Lot-et-Garonne', organisationId: org.cd47, publicBody: true })
			.returning({ id: equipmentDonors.id });
		const [boe] = await tx
			.insert(equipmentDonors)
			.values({ departmentCode: '47', kind: 'commune', name: 'Commune de Boé', communeCode: '47031', publicBody: true })
			.returning({ id: equipmentDonors.id });
		await tx.insert(equipmentDonorStock).values({ donorId: cd47.id, departmentCode: '47', year: year - 1, retiredInStock: 12 });
		const lots = [
			{ donorId: cd47.id, reference: `CD47-${year - 1}-01`, receivedOn: `${year - 1}-03-10`, legalBasis: 'CGPPP L.3212-2', devices: LOT_CD47 },
			{ donorId: boe.id, reference: `BOE-${year}-01`, receivedOn: addDays(today, -20), legalBasis: 'CGPPP L.3212-2', devices: LOT_BOE }
		];
		let serial = 1000;
		for (const l of lots) {
			const [lot] = await tx
				.insert(equipmentLots)
				.values({
					departmentCode: '47',
					donorId: l.donorId,
					refurbisherOrganisationId: org.atelier,
					reference: l.reference,
					receivedOn: l.receivedOn,
					legalBasis: l.legalBasis
				})
				.returning({ id: equipmentLots.id });
			for (const d of l.devices) {
				const offered = PATH[d.status].includes('available');
				const at = new Date(`${l.receivedOn}T09:00:00Z`);
				const [row] = await tx
					.insert(equipmentDevices)
					.values({
						departmentCode: '47',
						lotId: lot.id,
						refurbisherOrganisationId: org.atelier,
						type: d.type,
						brand: d.brand,
						model: d.model,
						serial: `DEMO-${serial++}`,
						manufactureYear: d.year,
						stateOnReceipt: 'Fonctionne, chargeur fourni',
						status: d.status,
						statusChangedAt: at,
						...(offered
							? {
									cpu: 'Intel Core i5',
									memoryGb: 8,
									storageGb: 256,
									operatingSystem: 'Linux Mint',
									grade: 'B',
									warrantyMonths: 12,
									priceCents: d.type === 'desktop' ? 9000 : 12000
								}
							: {})
					})
					.returning({ id: equipmentDevices.id });
				devices++;
				const events: (typeof equipmentDeviceEvents.$inferInsert)[] = [{ deviceId: row.id, departmentCode: '47', kind: 'received', toStatus: 'received', at }];
				let from: DeviceStatus = 'received';
				for (const to of PATH[d.status]) {
					if (!TRANSITIONS[from].includes(to)) throw new Error(`demo: ${from} → ${to}`);
					events.push({ deviceId: row.id, departmentCode: '47', kind: to === 'available' ? 'offered' : to, fromStatus: from, toStatus: to, at });
					from = to;
				}
				await tx.insert(equipmentDeviceEvents).values(events);
				if (offered) {
					await tx.insert(equipmentTests).values({
						deviceId: row.id,
						departmentCode: '47',
						testedOn: l.receivedOn,
						results: { power: true, screen: true, keyboard: true, storage: true, battery: true },
						passed: true
					});
					await tx.insert(equipmentErasures).values({
						deviceId: row.id,
						departmentCode: '47',
						method: 'overwrite',
						tool: 'nwipe',
						erasedOn: l.receivedOn,
						operatorName: 'Atelier Transnumeric',
						reportReference: `EFF-${serial}`
					});
				}
				if (d.status === 'recycled')
					await tx
						.insert(equipmentRecycling)
						.values({ deviceId: row.id, departmentCode: '47', recycledOn: l.receivedOn, channel: 'Ecologic', reason: 'Plus de 10 ans, écran cassé' });
				if (['reserved', 'handed_over', 'returned'].includes(d.status)) {
					const handed = d.status !== 'reserved';
					const [req] = await tx
						.insert(equipmentRequests)
						.values({
							departmentCode: '47',
							organisationId: org.ccas,
							need: d.type,
							eligibilityKind: 'minima_sociaux',
							reference: `D-DEMO-${serial}`,
							requestedAt: new Date(at.getTime() - 20 * 86_400_000),
							status: d.status === 'returned' ? 'closed' : d.status,
							deviceId: d.status === 'returned' ? null : row.id,
							reservedAt: at
						})
						.returning({ id: equipmentRequests.id });
					if (handed)
						await tx.insert(equipmentHandovers).values({
							departmentCode: '47',
							requestId: req.id,
							deviceId: row.id,
							handedOverAt: at,
							receipt: 'paper',
							warrantyUntil: warrantyUntil(l.receivedOn, 12),
							priceCents: 12000,
							// a demo names no one: no referral to send, an accompaniment outside the network noted done
							accompaniment: 'outside',
							accompanimentOutcome: 'done',
							returnedAt: d.status === 'returned' ? at : null,
							returnReason: d.status === 'returned' ? 'warranty' : null
						});
				}
			}
		}
		// three people waiting (no one named in a demo)
		for (let i = 0; i < 3; i++)
			await tx.insert(equipmentRequests).values({
				departmentCode: '47',
				organisationId: org.ccas,
				need: i === 2 ? 'tablet' : 'laptop',
				eligibilityKind: i === 1 ? 'job_seeker' : 'minima_sociaux',
				reference: `D-DEMO-A${i + 1}`,
				requestedAt: new Date(`${addDays(today, -10 + i)}T10:00:00Z`)
			});
	});
	return { lots: 2, devices };
}
