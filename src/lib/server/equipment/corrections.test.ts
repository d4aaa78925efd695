/**
 * Issue 18, the rest of items 1, 3 and 6, on PGlite and on PostgreSQL: the eligibility proofs
 * the instance's administrator accepts (the request form offers only those, the others are
 * refused); the person's link to a request unlinked 36 months after the handover or the
 * request's end by the scheduled purge, the device's history kept; a donor's and a lot's
 * corrections (a device not yet refurbished), all or nothing; a place merged takes the
 * equipment's references with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { openWorld, type World } from '../../../../test/world.ts';
import type { Actor } from '../accounts/index.ts';
import { auditLog } from '../audit/db.ts';
import { mergePlaces } from '../places/index.ts';
import { purgePersonalData } from '../jobs/maintenance.ts';
import { areas } from '../territory/db.ts';
import { equipmentDeviceEvents, equipmentDevices, equipmentDonors, equipmentHandovers, equipmentLots, equipmentRequests } from './db.ts';
import {
	createDonor,
	createLot,
	handOver,
	offerDevice,
	recordErasure,
	recordTest,
	requestDevice,
	requestFormChoices,
	reserveDevice,
	returnDevice,
	setAcceptedEligibility,
	specifyDevice,
	startRefurbishing,
	updateDonor,
	updateLot,
	lotForEditing,
	donorForEditing
} from './index.ts';

let w: World;
let admin: Actor;
let coordinator: Actor;
let coordinator33: Actor;
let refurbisher: Actor;
let otherRefurbisher: Actor;
let prescriber: Actor;
let atelier: string;
let clic: string;
let ccas: string;
let area: number;
let donor: string;

const ALL_OK = { power: true, screen: true, keyboard: true, storage: true, battery: true };
const SPEC = { cpu: 'Intel Core i5', memoryGb: '8', storageGb: '256', grade: 'B', warrantyMonths: '12', priceEuros: '120' };
const ERASURE = { method: 'overwrite', tool: 'nwipe', erasedOn: '2022-01-03', operatorName: 'Léa Atelier' };
let lots = 0;

async function devices(n: number, type = 'laptop') {
	const { deviceIds } = await createLot(w.db, coordinator, {
		donorId: donor,
		refurbisherId: atelier,
		reference: `L-C-${++lots}`,
		receivedOn: '2022-01-02',
		devices: Array.from({ length: n }, (_, i) => ({ type, brand: 'Dell', model: 'Latitude', serial: `C${lots}-${i}` }))
	});
	return deviceIds;
}

async function ready(id: string) {
	await startRefurbishing(w.db, refurbisher, id);
	await recordTest(w.db, refurbisher, id, { testedOn: '2022-01-03', results: ALL_OK });
	await recordErasure(w.db, refurbisher, id, ERASURE);
	await specifyDevice(w.db, refurbisher, id, SPEC);
	await offerDevice(w.db, refurbisher, id);
}

const monthsAgo = (m: number) => {
	const d = new Date();
	d.setUTCMonth(d.getUTCMonth() - m);
	return d;
};

async function ask(at: Date, eligibilityKind = 'job_seeker') {
	const person = await w.person(prescriber, ccas);
	const r = await requestDevice(w.db, prescriber, { beneficiaryId: person, need: 'laptop', eligibilityKind, areaId: String(area) }, null, at);
	return { ...r, person };
}

beforeAll(async () => {
	w = await openWorld({ places: 'agen' });
	const cd47 = await w.organisation('Département de Lot-et-Garonne', 'departement');
	const cd33 = await w.organisation('Département de la Gironde', 'departement', '33');
	atelier = await w.organisation('Atelier solidaire', 'association');
	clic = await w.organisation('Association Clic', 'association');
	ccas = await w.organisation('CCAS de Nérac', 'ccas');
	coordinator = await w.member('cam@cd47.test', cd47, 'coordinator');
	coordinator33 = await w.member('dom@cd33.test', cd33, 'coordinator');
	refurbisher = await w.member('lea@atelier.test', atelier, 'place_manager');
	otherRefurbisher = await w.member('eli@clic.test', clic, 'place_manager');
	prescriber = await w.member('pat@ccas.test', ccas, 'prescriber');
	admin = { ...(await w.member('root@instance.test', cd47, 'partner')), isAdmin: true };
	[{ id: area }] = await w.db.db.insert(areas).values({ departmentCode: '47', kind: 'pole', name: 'Albret' }).returning({ id: areas.id });
	donor = await createDonor(w.db, coordinator, '47', { kind: 'commune', name: 'Commune de Boé', communeCode: '47031' });
}, 120_000);

afterAll(async () => {
	await w?.close();
});

describe('the eligibility proofs the instance accepts', () => {
	it('are chosen by its administrator only; the form offers them and a request with another is refused', async () => {
		await expect(setAcceptedEligibility(w.db, coordinator, '47', ['student'])).rejects.toMatchObject({ code: 'forbidden' });
		await expect(setAcceptedEligibility(w.db, admin, '47', [])).rejects.toMatchObject({
			code: 'invalid',
			fields: { 'eligibility-47': 'Cochez au moins un justificatif.' }
		});
		await expect(setAcceptedEligibility(w.db, admin, '47', ['student', 'payslip'])).rejects.toMatchObject({ code: 'invalid' });
		expect(await setAcceptedEligibility(w.db, admin, '47', ['student', 'job_seeker'])).toEqual(['job_seeker', 'student']);
		const form = await requestFormChoices(w.db, prescriber);
		expect(form?.eligibility.map((e) => e.value)).toEqual(['job_seeker', 'student']);
		await expect(ask(new Date(), 'minima_sociaux')).rejects.toMatchObject({
			code: 'invalid',
			fields: { eligibilityKind: 'Ce justificatif n’est pas retenu dans le département.' }
		});
		const [entry] = await w.db.db.select().from(auditLog).where(eq(auditLog.action, 'equipment.settings.eligibility'));
		expect(entry.details).toMatchObject({ after: ['job_seeker', 'student'] });
	});
});

describe('retention of the person’s link (36 months)', () => {
	it('unlinks the requests 36 months after the handover or their end, keeps the device’s history', async () => {
		const [a, b, c] = await devices(3);
		for (const id of [a, b, c]) await ready(id);
		// handed over 37 months ago, never returned: past retention
		const old = await ask(monthsAgo(38));
		await reserveDevice(w.db, refurbisher, a, old.id, null, monthsAgo(37));
		await handOver(w.db, refurbisher, old.id, { receipt: 'paper', accompaniment: 'declined' }, null, monthsAgo(37));
		// handed over 35 months ago: kept
		const recent = await ask(monthsAgo(36));
		await reserveDevice(w.db, refurbisher, b, recent.id, null, monthsAgo(35));
		await handOver(w.db, refurbisher, recent.id, { receipt: 'on_screen', accompaniment: 'declined' }, null, monthsAgo(35));
		// handed over 40 months ago, brought back (other reason) 37 months ago: the request ended then
		const ended = await ask(monthsAgo(41));
		await reserveDevice(w.db, refurbisher, c, ended.id, null, monthsAgo(40));
		await handOver(w.db, refurbisher, ended.id, { receipt: 'paper', accompaniment: 'declined' }, null, monthsAgo(40));
		await returnDevice(w.db, refurbisher, ended.id, { reason: 'other' }, null, monthsAgo(37));
		// still waiting after 40 months: a live request, kept
		const waiting = await ask(monthsAgo(40));

		const r = await purgePersonalData(w.db);
		expect(r.equipmentUnlinked).toBe(2);
		const rows = await w.db.db
			.select({ id: equipmentRequests.id, beneficiaryId: equipmentRequests.beneficiaryId, status: equipmentRequests.status })
			.from(equipmentRequests)
			.where(inArray(equipmentRequests.id, [old.id, recent.id, ended.id, waiting.id]));
		const by = new Map(rows.map((x) => [x.id, x]));
		expect(by.get(old.id)).toMatchObject({ beneficiaryId: null, status: 'handed_over' });
		expect(by.get(ended.id)).toMatchObject({ beneficiaryId: null, status: 'closed' });
		expect(by.get(recent.id)?.beneficiaryId).toBe(recent.person);
		expect(by.get(waiting.id)?.beneficiaryId).toBe(waiting.person);
		// the non-personal facts stay: the handover (receipt's kind, warranty) and the device's history
		const [h] = await w.db.db.select().from(equipmentHandovers).where(eq(equipmentHandovers.requestId, old.id));
		expect(h).toMatchObject({ deviceId: a, receipt: 'paper' });
		const kinds = (await w.db.db.select({ kind: equipmentDeviceEvents.kind }).from(equipmentDeviceEvents).where(eq(equipmentDeviceEvents.deviceId, a))).map(
			(e) => e.kind
		);
		expect(kinds).toEqual(expect.arrayContaining(['received', 'erased', 'offered', 'reserved', 'handed_over']));
		const journaled = await w.db.db.select().from(auditLog).where(eq(auditLog.action, 'equipment.requests.unlinked_after_retention'));
		expect(journaled.map((j) => j.details)).toEqual([{ requests: 2, months: 36 }]);
		// once is enough
		expect((await purgePersonalData(w.db)).equipmentUnlinked).toBe(0);
	});
});

describe('correcting donors and lots', () => {
	it('corrects a donor with the same checks, journaled; others may not', async () => {
		await expect(updateDonor(w.db, coordinator, donor, { kind: 'commune', name: 'Commune de Boé', siret: '123' })).rejects.toMatchObject({
			code: 'invalid',
			fields: { siret: 'Ce numéro SIRET n’est pas valide (14 chiffres).' }
		});
		await expect(updateDonor(w.db, prescriber, donor, { kind: 'commune', name: 'Boé' })).rejects.toMatchObject({ code: 'forbidden' });
		await expect(updateDonor(w.db, coordinator33, donor, { kind: 'commune', name: 'Boé' })).rejects.toMatchObject({ code: 'forbidden' });
		// the team of a structure that received no lot from this donor: neither its form nor a rename
		await expect(donorForEditing(w.db, otherRefurbisher, donor)).rejects.toMatchObject({ code: 'forbidden' });
		await expect(updateDonor(w.db, otherRefurbisher, donor, { kind: 'company', name: 'Boé SARL' })).rejects.toMatchObject({ code: 'forbidden' });
		// a donor without a lot yet: the one who recorded it corrects it, not another team
		const fresh = await createDonor(w.db, otherRefurbisher, '47', { kind: 'company', name: 'Entreprise Clic' }, clic);
		await expect(updateDonor(w.db, refurbisher, fresh, { kind: 'company', name: 'Autre nom' })).rejects.toMatchObject({ code: 'forbidden' });
		await updateDonor(w.db, otherRefurbisher, fresh, { kind: 'company', name: 'Entreprise Clic et Cie' });
		await updateDonor(w.db, refurbisher, donor, { kind: 'commune', name: 'Mairie de Boé', communeCode: '47031' });
		const [d] = await w.db.db.select().from(equipmentDonors).where(eq(equipmentDonors.id, donor));
		expect(d).toMatchObject({ name: 'Mairie de Boé', communeCode: '47031', publicBody: true });
		const [entry] = await w.db.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'equipment.donor.updated'), eq(auditLog.targetId, donor)));
		expect(entry.details).toMatchObject({ name: 'Mairie de Boé', previousName: 'Commune de Boé', changed: ['name'] });
	});

	it('corrects a lot’s lines not yet refurbished, all or nothing', async () => {
		const [started, wrong, mistaken] = await devices(3);
		const { lot } = await lotForEditing(w.db, refurbisher, (await w.db.db.select().from(equipmentDevices).where(eq(equipmentDevices.id, wrong)))[0].lotId);
		await expect(lotForEditing(w.db, otherRefurbisher, lot.id)).rejects.toMatchObject({ code: 'not_found' });
		await startRefurbishing(w.db, refurbisher, started);
		const header = { donorId: donor, reference: lot.reference, receivedOn: lot.receivedOn, legalBasis: 'CGPPP L.3212-2' };
		const line = (id: string, model: string, extra: Record<string, unknown> = {}) => ({ id, type: 'laptop', brand: 'Dell', model, serial: '', ...extra });
		// a device whose refurbishing began is refused, and nothing else is written either
		await expect(
			updateLot(w.db, refurbisher, lot.id, { ...header, devices: [line(started, 'Latitude 7490'), line(wrong, 'Latitude 5490')] })
		).rejects.toMatchObject({ code: 'conflict', fields: { 'appareil-0-type': expect.stringContaining('reconditionnement') } });
		// a bad year and a bad added line: French errors by field
		await expect(
			updateLot(w.db, refurbisher, lot.id, { ...header, devices: [line(wrong, 'Latitude', { manufactureYear: '19' })], added: 'grille-pain;X' })
		).rejects.toMatchObject({
			code: 'invalid',
			fields: { 'appareil-0-manufactureYear': 'Indiquez une année entre 1980 et 2100.', added: expect.stringContaining('Ligne 1') }
		});
		let [row] = await w.db.db.select().from(equipmentDevices).where(eq(equipmentDevices.id, wrong));
		expect(row.model).toBe('Latitude');
		expect((await w.db.db.select().from(equipmentLots).where(eq(equipmentLots.id, lot.id)))[0].legalBasis).toBe('');

		const r = await updateLot(w.db, refurbisher, lot.id, {
			...header,
			devices: [line(wrong, 'Latitude 5490', { manufactureYear: '2019' }), line(mistaken, 'Latitude', { remove: true })],
			added: 'tablette;Samsung;Galaxy Tab A7;SN-A7;2021;écran rayé'
		});
		expect(r).toEqual({ changed: 1, removed: 1, added: 1 });
		[row] = await w.db.db.select().from(equipmentDevices).where(eq(equipmentDevices.id, wrong));
		expect(row).toMatchObject({ model: 'Latitude 5490', manufactureYear: 2019, status: 'received' });
		expect(await w.db.db.select().from(equipmentDevices).where(eq(equipmentDevices.id, mistaken))).toEqual([]);
		const now = await w.db.db.select().from(equipmentDevices).where(eq(equipmentDevices.lotId, lot.id));
		expect(now.map((d) => d.type).sort()).toEqual(['laptop', 'laptop', 'tablet']);
		const events = await w.db.db.select().from(equipmentDeviceEvents).where(eq(equipmentDeviceEvents.deviceId, wrong));
		expect(events.map((e) => e.kind)).toContain('corrected');
		const [entry] = await w.db.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'equipment.lot.corrected'), eq(auditLog.targetId, lot.id)));
		expect(entry.details).toMatchObject({ changed: 1, removed: 1, added: 1, headerChanged: ['legalBasis'] });
		// a reference another lot bears is refused
		await expect(updateLot(w.db, coordinator, lot.id, { ...header, reference: 'L-C-1' })).rejects.toMatchObject({
			code: 'invalid',
			fields: { reference: 'Un autre lot porte déjà cette référence.' }
		});
	});
});

describe('a place merged', () => {
	it('takes the devices stocked there and the handovers made there with it', async () => {
		const kept = await w.place('Médiathèque Lacépède');
		const merged = await w.place('France services de Boé');
		const [d] = await devices(1);
		await ready(d);
		await w.db.db.update(equipmentDevices).set({ placeId: merged }).where(eq(equipmentDevices.id, d));
		const req = await ask(new Date());
		await reserveDevice(w.db, refurbisher, d, req.id);
		await handOver(w.db, refurbisher, req.id, { receipt: 'paper', accompaniment: 'outside', placeId: merged });
		// as a referral to that place would have left it (setup.test.ts sends one)
		await w.db.db.update(equipmentHandovers).set({ accompanimentPlaceId: merged }).where(eq(equipmentHandovers.requestId, req.id));
		await mergePlaces(w.db, coordinator, { survivorId: kept, otherId: merged, choices: {} });
		const [dev] = await w.db.db.select().from(equipmentDevices).where(eq(equipmentDevices.id, d));
		expect(dev.placeId).toBe(kept);
		const [h] = await w.db.db.select().from(equipmentHandovers).where(eq(equipmentHandovers.requestId, req.id));
		expect(h).toMatchObject({ placeId: kept, accompanimentPlaceId: kept });
	});
});
