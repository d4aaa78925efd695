/**
 * The equipment channel (issue 18) through the use cases, on PGlite and on PostgreSQL: a lot
 * received, a device refurbished and offered only with its erasure report, no handover
 * without one, 50 reservations of one device at once (exactly one wins), the waiting list's
 * order, a return and an exchange under warranty, the donor's reuse report on a fixed set, the
 * personal-data hooks; on PostgreSQL, row-level security.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { openWorld, type World } from '../../../../test/world.ts';
import { onPostgres } from '../../../../test/db.ts';
import { scopeOf, type Actor } from '../accounts/index.ts';
import { runInScope } from '../db/request-scope.ts';
import { areas } from '../territory/db.ts';
import { auditLog } from '../audit/db.ts';
import { equipmentDevices, equipmentErasures, equipmentRequests } from './db.ts';
import {
	cancelReservation,
	createDonor,
	createLot,
	declareStock,
	deviceForRefurbisher,
	donorReport,
	donorReportCsv,
	donorReportPdfFile,
	handOver,
	offerDevice,
	personalData,
	recordErasure,
	recordTest,
	recycleDevice,
	requestDevice,
	requestsOfMyStructures,
	reserveDevice,
	returnDevice,
	specifyDevice,
	startRefurbishing,
	stockOf,
	waitingList
} from './index.ts';

let w: World;
let coordinator: Actor;
let refurbisher: Actor;
let otherRefurbisher: Actor;
let prescriber: Actor;
let coordinator33: Actor;
let cd47: string;
let atelier: string;
let ccas: string;
let agenArea: number;
let neracArea: number;
let donor: string;

const ALL_OK = { power: true, screen: true, keyboard: true, storage: true, memory: true, network: true, battery: true };
const erasure = { method: 'overwrite', tool: 'nwipe 0.36', erasedOn: '2026-03-02', operatorName: 'Léa Atelier', reportReference: 'EFF-001' };
const spec = {
	cpu: 'Intel Core i5-8250U',
	memoryGb: '8',
	storageGb: '256',
	screenInches: '14',
	batteryHealth: '82',
	operatingSystem: 'Linux Mint',
	grade: 'B',
	warrantyMonths: '12',
	priceEuros: '120'
};

async function lot(reference: string, devices: Record<string, unknown>[], receivedOn = '2026-03-01') {
	return createLot(w.db, coordinator, { donorId: donor, refurbisherId: atelier, reference, receivedOn, devices });
}

/** A device taken from received to available, every step through the use cases. */
async function readyDevice(id: string) {
	await startRefurbishing(w.db, refurbisher, id);
	await recordTest(w.db, refurbisher, id, { testedOn: '2026-03-02', results: ALL_OK });
	await recordErasure(w.db, refurbisher, id, erasure);
	await specifyDevice(w.db, refurbisher, id, spec);
	await offerDevice(w.db, refurbisher, id);
}

let people = 0;
async function waitingRequest(need = 'laptop', areaId = agenArea, at?: Date) {
	const person = await w.person(prescriber, ccas, { firstName: `Personne${++people}` });
	return requestDevice(w.db, prescriber, { beneficiaryId: person, need, eligibilityKind: 'minima_sociaux', areaId: String(areaId) }, null, at);
}

beforeAll(async () => {
	w = await openWorld({ places: 'agen' });
	cd47 = await w.organisation('Département de Lot-et-Garonne', 'departement');
	atelier = await w.organisation('Atelier solidaire de reconditionnement', 'association');
	const other = await w.organisation('Association Clic', 'association');
	ccas = await w.organisation('CCAS de Nérac', 'ccas');
	const cd33 = await w.organisation('Département de la Gironde', 'departement', '33');
	coordinator = await w.member('cam@cd47.test', cd47, 'coordinator');
	refurbisher = await w.member('lea@atelier.test', atelier, 'place_manager');
	otherRefurbisher = await w.member('eli@clic.test', other, 'place_manager');
	prescriber = await w.member('pat@ccas.test', ccas, 'prescriber');
	coordinator33 = await w.member('dom@cd33.test', cd33, 'coordinator');
	const rows = await w.db.db
		.insert(areas)
		.values([
			{ departmentCode: '47', kind: 'pole', name: 'Agenais' },
			{ departmentCode: '47', kind: 'pole', name: 'Albret' }
		])
		.returning({ id: areas.id });
	[agenArea, neracArea] = rows.map((r) => r.id);
	donor = await createDonor(w.db, coordinator, '47', { kind: 'departement', name: 'Département de Lot-et-Garonne', organisationId: cd47 });
}, 120_000);

afterAll(async () => {
	await w?.close();
});

describe('donors, lots and refurbishing', () => {
	it('receives a lot and takes a device to the offer only with its tests, erasure report and description (décret 2022-190)', async () => {
		const { deviceIds } = await lot('L-2026-001', [
			{ type: 'laptop', brand: 'Dell', model: 'Latitude 5490', serial: 'SN1', manufactureYear: '2019' },
			{ type: 'laptop', brand: 'HP', model: 'EliteBook 840', serial: 'SN2', manufactureYear: '2018' }
		]);
		const [a] = deviceIds;
		// only the refurbisher's team refurbishes; another structure does not even see it
		await expect(startRefurbishing(w.db, otherRefurbisher, a)).rejects.toMatchObject({ code: 'not_found' });
		await expect(startRefurbishing(w.db, coordinator, a)).rejects.toMatchObject({ code: 'not_found' });
		await startRefurbishing(w.db, refurbisher, a);
		expect(await recordTest(w.db, refurbisher, a, { testedOn: '2026-03-02', results: ALL_OK })).toBe(true);
		await specifyDevice(w.db, refurbisher, a, spec);
		await expect(offerDevice(w.db, refurbisher, a)).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('rapport d’effacement') });
		await recordErasure(w.db, refurbisher, a, erasure);
		await offerDevice(w.db, refurbisher, a);
		const page = await deviceForRefurbisher(w.db, refurbisher, a);
		expect(page.device.status).toBe('available');
		expect(page.device.priceCents).toBe(12000);
		expect(page.history.map((e) => e.kind).reverse()).toEqual(['received', 'refurbishing', 'tested', 'specified', 'erased', 'offered']);
		const stock = await stockOf(w.db, refurbisher, atelier);
		expect(stock.byStatus.available).toBeGreaterThanOrEqual(1);
		await expect(stockOf(w.db, otherRefurbisher, atelier)).rejects.toMatchObject({ code: 'forbidden' });
		// every step journaled, nothing personal in the details
		const actions = (await w.db.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.targetId, a))).map((r) => r.action);
		expect(actions).toEqual(expect.arrayContaining(['equipment.device.tested', 'equipment.device.erased', 'equipment.device.offered']));
	});

	it('refuses bad input with French messages and writes nothing', async () => {
		await expect(lot('', [{ type: 'toaster' }])).rejects.toMatchObject({ code: 'invalid' });
		await expect(createDonor(w.db, prescriber, '47', { kind: 'company', name: 'Entreprise' })).rejects.toMatchObject({ code: 'forbidden' });
		await expect(createDonor(w.db, coordinator33, '47', { kind: 'company', name: 'Entreprise' })).rejects.toMatchObject({ code: 'forbidden' });
	});
});

describe('allocation', () => {
	it('never hands a device over without an erasure report', async () => {
		const { deviceIds } = await lot('L-2026-002', [{ type: 'laptop', brand: 'Lenovo', model: 'T480', serial: 'SN3', manufactureYear: '2019' }]);
		const [d] = deviceIds;
		await readyDevice(d);
		const r = await waitingRequest();
		await reserveDevice(w.db, refurbisher, d, r.id);
		// the report disappears behind the application's back: the handover is still refused
		await w.db.db.delete(equipmentErasures).where(eq(equipmentErasures.deviceId, d));
		await expect(handOver(w.db, refurbisher, r.id, { receipt: 'paper', accompaniment: 'declined' })).rejects.toMatchObject({
			code: 'conflict',
			message: expect.stringContaining('rapport d’effacement')
		});
		const [dev] = await w.db.db.select().from(equipmentDevices).where(eq(equipmentDevices.id, d));
		expect(dev.status).toBe('reserved');
		// a reservation is not handed over by rank either
		await recordErasureDirect(d);
		await expect(handOver(w.db, coordinator, r.id, { receipt: 'paper', accompaniment: 'declined' })).rejects.toMatchObject({ code: 'not_found' });
		await handOver(w.db, refurbisher, r.id, { receipt: 'on_screen', accompaniment: 'outside' });
		const [req] = await w.db.db.select().from(equipmentRequests).where(eq(equipmentRequests.id, r.id));
		expect(req.status).toBe('handed_over');
	});

	it('allocates one device once under 50 concurrent reservations', async () => {
		const { deviceIds } = await lot('L-2026-003', [{ type: 'laptop', brand: 'Dell', model: 'E7470', serial: 'SN4', manufactureYear: '2017' }]);
		const [d] = deviceIds;
		await readyDevice(d);
		const requests = [];
		for (let i = 0; i < 50; i++) requests.push(await waitingRequest('laptop', neracArea));
		const results = await Promise.allSettled(requests.map((r) => reserveDevice(w.db, refurbisher, d, r.id)));
		expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
		const rejected = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
		expect(rejected).toHaveLength(49);
		for (const x of rejected) expect(x.reason).toMatchObject({ code: 'conflict' });
		const held = await w.db.db.select().from(equipmentRequests).where(eq(equipmentRequests.deviceId, d));
		expect(held).toHaveLength(1);
		expect(held[0].status).toBe('reserved');
		// cancelling puts the device back on offer and the request back at its place in the list
		await cancelReservation(w.db, refurbisher, held[0].id);
		const list = await waitingList(w.db, refurbisher, '47', neracArea);
		expect(list.map((x) => x.id)).toEqual(requests.map((r) => r.id));
	}, 120_000);

	it('asks for the territory where the département defines some; where it defines none, the request waits in the département’s list', async () => {
		const person = await w.person(prescriber, ccas, { firstName: 'Sans territoire' });
		await expect(requestDevice(w.db, prescriber, { beneficiaryId: person, need: 'tablet', eligibilityKind: 'student', areaId: '' })).rejects.toMatchObject({
			code: 'invalid',
			fields: { areaId: 'Choisissez le territoire.' }
		});
		// (the Landes: the Gironde stays empty for the row-level security test below)
		const ccas40 = await w.organisation('CCAS de Dax', 'ccas', '40');
		const prescriber40 = await w.member('max@ccas40.test', ccas40, 'prescriber');
		const person40 = await w.person(prescriber40, ccas40, { commune: 'Dax' });
		const r = await requestDevice(w.db, prescriber40, { beneficiaryId: person40, need: 'tablet', eligibilityKind: 'student', areaId: '' });
		expect((await waitingList(w.db, prescriber40, '40', null)).map((x) => x.id)).toEqual([r.id]);
	});

	it('keeps each area’s waiting list in the order asked, names only for the structure that follows the person', async () => {
		const base = Date.UTC(2026, 0, 10, 9);
		const at = (days: number) => new Date(base + days * 86_400_000);
		const third = await waitingRequest('tablet', agenArea, at(3));
		const first = await waitingRequest('tablet', agenArea, at(1));
		const second = await waitingRequest('smartphone', agenArea, at(2));
		const list = await waitingList(w.db, prescriber, '47', agenArea);
		const ids = list.map((x) => x.id);
		expect(ids.indexOf(first.id)).toBeLessThan(ids.indexOf(second.id));
		expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(third.id));
		expect(list.map((x) => x.position)).toEqual(list.map((_, i) => i + 1));
		expect(list.find((x) => x.id === first.id)?.person).toMatch(/^Personne/);
		// the refurbisher reads references, never names
		const seen = await waitingList(w.db, refurbisher, '47', agenArea);
		expect(seen.every((x) => x.person === null)).toBe(true);
		await expect(waitingList(w.db, coordinator33, '47', agenArea)).rejects.toMatchObject({ code: 'forbidden' });
		const mine = await requestsOfMyStructures(w.db, prescriber);
		expect(mine.find((x) => x.id === first.id)?.position).toBe(ids.indexOf(first.id) + 1);
	});

	it('takes a device back under warranty and exchanges it for another', async () => {
		const { deviceIds } = await lot('L-2026-004', [
			{ type: 'laptop', brand: 'Acer', model: 'TravelMate', serial: 'SN5', manufactureYear: '2020' },
			{ type: 'laptop', brand: 'Acer', model: 'TravelMate', serial: 'SN6', manufactureYear: '2020' }
		]);
		const [d, e] = deviceIds;
		await readyDevice(d);
		await readyDevice(e);
		const r = await waitingRequest();
		await reserveDevice(w.db, refurbisher, d, r.id);
		const handedAt = new Date('2026-04-01T10:00:00Z');
		await handOver(w.db, refurbisher, r.id, { receipt: 'paper', accompaniment: 'outside' }, null, handedAt);
		// past the warranty (12 months): only an « autre retour »
		await expect(returnDevice(w.db, refurbisher, r.id, { reason: 'warranty' }, null, new Date('2027-05-01T10:00:00Z'))).rejects.toMatchObject({
			code: 'conflict'
		});
		await returnDevice(w.db, refurbisher, r.id, { reason: 'exchange', exchangeDeviceId: e }, null, new Date('2026-06-01T10:00:00Z'));
		const [req] = await w.db.db.select().from(equipmentRequests).where(eq(equipmentRequests.id, r.id));
		expect(req).toMatchObject({ status: 'reserved', deviceId: e });
		const [old] = await w.db.db.select().from(equipmentDevices).where(eq(equipmentDevices.id, d));
		expect(old.status).toBe('returned');
		await handOver(w.db, refurbisher, r.id, { receipt: 'paper', accompaniment: 'declined' }, null, new Date('2026-06-01T11:00:00Z'));
		await recycleDevice(w.db, refurbisher, d, { recycledOn: '2026-06-10', channel: 'Ecosystem', certificateReference: 'BSD-1' });
	});

	it('tests and erases a device again when it comes back from a person, before anyone else gets it; refuses impossible and future days', async () => {
		const { deviceIds } = await lot('L-2026-005', [{ type: 'laptop', brand: 'Asus', model: 'X515', serial: 'SN7', manufactureYear: '2021' }]);
		const [d] = deviceIds;
		await readyDevice(d);
		const r = await waitingRequest();
		await reserveDevice(w.db, refurbisher, d, r.id);
		await handOver(w.db, refurbisher, r.id, { receipt: 'paper', accompaniment: 'declined' });
		await returnDevice(w.db, refurbisher, r.id, { reason: 'other' });
		await startRefurbishing(w.db, refurbisher, d);
		// the first person's data may still be on it: the tests and the report before the return do not count
		await expect(offerDevice(w.db, refurbisher, d)).rejects.toMatchObject({
			code: 'conflict',
			message: expect.stringMatching(/testées.*rapport d’effacement/)
		});
		await expect(recordErasure(w.db, refurbisher, d, { ...erasure, erasedOn: '2026-13-45' })).rejects.toMatchObject({
			code: 'invalid',
			fields: { erasedOn: expect.stringMatching(/n’existe pas/) }
		});
		await expect(recordTest(w.db, refurbisher, d, { testedOn: '2999-01-01', results: ALL_OK })).rejects.toMatchObject({
			code: 'invalid',
			fields: { testedOn: expect.stringMatching(/futur/) }
		});
		await expect(recycleDevice(w.db, refurbisher, d, { recycledOn: '0000-00-00', channel: 'Ecosystem' })).rejects.toMatchObject({ code: 'invalid' });
		await recordTest(w.db, refurbisher, d, { testedOn: '2026-03-02', results: ALL_OK });
		await expect(offerDevice(w.db, refurbisher, d)).rejects.toMatchObject({ message: expect.stringContaining('rapport d’effacement') });
		await recordErasure(w.db, refurbisher, d, erasure);
		await offerDevice(w.db, refurbisher, d);
		const [dev] = await w.db.db.select().from(equipmentDevices).where(eq(equipmentDevices.id, d));
		expect(dev.status).toBe('available');
	});
});

async function recordErasureDirect(deviceId: string) {
	const [dev] = await w.db.db.select().from(equipmentDevices).where(eq(equipmentDevices.id, deviceId));
	await w.db.db
		.insert(equipmentErasures)
		.values({ deviceId, departmentCode: dev.departmentCode, method: 'overwrite', erasedOn: '2026-03-02', operatorName: 'Léa Atelier' });
}

describe('the donor’s reuse report (décret 2023-266)', () => {
	it('counts proven reuse over the declared stock, devices over 10 years excluded, on a fixed set', async () => {
		const town = await createDonor(w.db, coordinator, '47', { kind: 'commune', name: 'Commune de Nérac' });
		const devices = [
			...Array.from({ length: 4 }, (_, i) => ({ type: 'laptop', brand: 'Dell', model: 'E5470', serial: `NR${i}`, manufactureYear: '2018' })),
			{ type: 'laptop', brand: 'Dell', model: 'D630', serial: 'OLD', manufactureYear: '2010' }
		];
		const { deviceIds } = await createLot(w.db, coordinator, {
			donorId: town,
			refurbisherId: atelier,
			reference: 'NER-2025-1',
			receivedOn: '2025-02-03',
			devices
		});
		// two handed over (proof of reuse), one recycled, one in stock, the old one handed over but excluded
		for (const id of [deviceIds[0], deviceIds[1], deviceIds[4]]) {
			await readyDevice(id);
			const r = await waitingRequest();
			await reserveDevice(w.db, refurbisher, id, r.id);
			await handOver(w.db, refurbisher, r.id, { receipt: 'paper', accompaniment: 'declined' }, null, new Date('2025-05-05T10:00:00Z'));
		}
		await startRefurbishing(w.db, refurbisher, deviceIds[2]);
		await recycleDevice(w.db, refurbisher, deviceIds[2], { recycledOn: '2025-03-01', channel: 'Ecologic' });
		await declareStock(w.db, coordinator, town, 2025, 5);
		const report = await donorReport(w.db, coordinator, town, 2025);
		expect(report.figures).toMatchObject({ given: 5, excludedOverAge: 1, counted: 4, provenReused: 2, declaredStock: 5, ratio: 40, target: 50, met: false });
		expect(report.lines.filter((l) => l.justification.startsWith('Réemploi prouvé'))).toHaveLength(2);
		expect(report.lines.find((l) => l.serial === 'OLD')?.justification).toContain('exclu');
		const csv = donorReportCsv(report);
		expect(csv).toContain('Taux de réemploi (décret 2023-266);40 %');
		expect(csv.split('\r\n').filter((l) => l.startsWith('NER-2025-1'))).toHaveLength(5);
		const pdf = await donorReportPdfFile(w.db, report);
		expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
		// the donor's report is not the prescriber's to read, nor another département's
		await expect(donorReport(w.db, prescriber, town, 2025)).rejects.toMatchObject({ code: 'not_found' });
		await expect(donorReport(w.db, coordinator33, town, 2025)).rejects.toMatchObject({ code: 'not_found' });
	});
});

describe('personal data', () => {
	it('exports the person’s requests and devices, and erasure unlinks them', async () => {
		const person = await w.person(prescriber, ccas, { firstName: 'Rosa' });
		const r = await requestDevice(w.db, prescriber, { beneficiaryId: person, need: 'tablet', eligibilityKind: 'student', areaId: String(agenArea) });
		const ref = { id: person, departmentCode: '47', phone: null, email: null };
		const exported = (await personalData.exportOf!(w.db.db, ref)) as { equipment: { reference: string; need: string }[] };
		expect(exported.equipment).toEqual([expect.objectContaining({ reference: r.reference, need: 'Tablette' })]);
		await w.db.db.transaction((tx) => personalData.erase!(tx, ref, new Date()));
		const [row] = await w.db.db.select().from(equipmentRequests).where(eq(equipmentRequests.id, r.id));
		// nobody will come for it: cancelled, out of the waiting list
		expect(row).toMatchObject({ beneficiaryId: null, status: 'cancelled' });
		expect((await waitingList(w.db, prescriber, '47', agenArea)).map((x) => x.id)).not.toContain(r.id);
		expect(await personalData.exportOf!(w.db.db, ref)).toEqual({ equipment: [] });
	});

	it('erasing a person a device is reserved for puts the device back on offer', async () => {
		const { deviceIds } = await lot('L-2026-006', [{ type: 'smartphone', brand: 'Fairphone', model: '4', serial: 'SN8', manufactureYear: '2022' }]);
		const [d] = deviceIds;
		await readyDevice(d);
		const person = await w.person(prescriber, ccas, { firstName: 'Effacée' });
		const r = await requestDevice(w.db, prescriber, { beneficiaryId: person, need: 'smartphone', eligibilityKind: 'student', areaId: String(agenArea) });
		await reserveDevice(w.db, refurbisher, d, r.id);
		await w.db.db.transaction((tx) => personalData.erase!(tx, { id: person, departmentCode: '47', phone: null, email: null }, new Date()));
		const [dev] = await w.db.db.select().from(equipmentDevices).where(eq(equipmentDevices.id, d));
		expect(dev.status).toBe('available');
		const [row] = await w.db.db.select().from(equipmentRequests).where(eq(equipmentRequests.id, r.id));
		expect(row).toMatchObject({ beneficiaryId: null, status: 'cancelled', deviceId: null });
		expect((await deviceForRefurbisher(w.db, refurbisher, d)).history[0].kind).toBe('reservation_cancelled');
	});
});

describe.skipIf(!onPostgres())('row-level security (PostgreSQL)', () => {
	it('keeps the devices and requests within their département', async () => {
		const request = await w.requestDatabase(4);
		const as = <T>(actor: Actor | null, fn: () => Promise<T>) =>
			runInScope(fn, { departments: actor ? scopeOf(actor) : '', userId: actor?.userId ?? '', owner: '', voucherCode: '' });
		const count = (table: string) => async () => (await request.query<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)}`))[0].n;
		for (const t of ['equipment_devices', 'equipment_requests', 'equipment_lots', 'equipment_device_events']) {
			expect(await as(coordinator, count(t))).toBeGreaterThan(0);
			expect(await as(coordinator33, count(t))).toBe(0);
			expect(await as(null, count(t))).toBe(0);
		}
		// the use cases through the request role
		const { deviceIds } = await as(coordinator, () =>
			createLot(request, coordinator, { donorId: donor, refurbisherId: atelier, reference: 'RLS-1', receivedOn: '2026-03-01', devices: [{ type: 'tablet' }] })
		);
		await as(refurbisher, () => startRefurbishing(request, refurbisher, deviceIds[0]));
		expect((await as(refurbisher, () => stockOf(request, refurbisher, atelier))).byStatus.refurbishing).toBeGreaterThan(0);
		// the public count per area: counts only, through the function
		const counts = await as(null, () => request.query<{ handed_over: number }>(sql`select * from maillage_equipment_public_counts('47')`));
		expect(counts.reduce((s, c) => s + c.handed_over, 0)).toBeGreaterThan(0);
	});
});
