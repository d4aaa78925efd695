/**
 * Refurbishing (issue 18, item 2): the refurbisher's team (can('equipment.refurbish')) starts
 * work on a device, records its tests and its data erasure report, describes it (the
 * specification, a grade, a warranty, a solidarity price), offers it once décret 2022-190's
 * conditions hold, or sends it to recycling. Each act locks the device's row, writes its event
 * and the journal entry in one transaction.
 */
import { and, asc, count, desc, eq, gt, inArray } from 'drizzle-orm';
import type { Database, Tx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, fieldErrors, organisationNames, type Actor } from '../accounts/index.ts';
import { equipmentDevices, equipmentErasures, equipmentLots, equipmentDonors, equipmentRecycling, equipmentTests, type EquipmentDevice } from './db.ts';
import { DEVICE_STATUSES, TEST_FUNCTIONS, erasureInput, recycleInput, specInput, testInput, type DeviceStatus, type OfferFacts } from './model.ts';
import { EquipmentError, NO_DEVICE, addEvent, hasErasureReport, historyOf, lastReturnedAt, loadDevice, moveDevice, userActor } from './internal.ts';

const INCOMPLETE = 'Le formulaire n’est pas complet.';

function mustRefurbish(actor: Actor, d: Pick<EquipmentDevice, 'refurbisherOrganisationId'>) {
	// not_found rather than forbidden: no hint that the device exists elsewhere
	if (!can(actor, 'equipment.refurbish', { organisationId: d.refurbisherOrganisationId })) throw new EquipmentError('not_found', NO_DEVICE);
}

/** One act on a locked device the actor refurbishes: the transaction, the lock, the check, the journal. */
async function act<T>(
	database: Database,
	actor: Actor,
	deviceId: string,
	action: string,
	run: (tx: Tx, d: EquipmentDevice) => Promise<T>,
	ip?: string | null,
	details: Record<string, unknown> = {}
): Promise<T> {
	const first = await loadDevice(database.db, deviceId);
	mustRefurbish(actor, first);
	return database.db.transaction(async (tx) => {
		const d = await loadDevice(tx, deviceId, true);
		const out = await run(tx, d);
		await journal(tx, {
			actor: userActor(actor),
			action,
			targetType: 'equipment_device',
			targetId: d.id,
			departmentCode: d.departmentCode,
			ip,
			details: { type: d.type, organisationId: d.refurbisherOrganisationId, ...details }
		});
		return out;
	});
}

export async function startRefurbishing(database: Database, actor: Actor, deviceId: string, ip?: string | null): Promise<void> {
	await act(database, actor, deviceId, 'equipment.device.refurbishing', (tx, d) => moveDevice(tx, d, 'refurbishing', { kind: 'refurbishing', actor }), ip);
}

/** The functions checked: every function of TEST_FUNCTIONS named is ok or not; passed when all checked are ok. */
export async function recordTest(database: Database, actor: Actor, deviceId: string, input: unknown, ip?: string | null): Promise<boolean> {
	const parsed = testInput.safeParse(input);
	if (!parsed.success) throw new EquipmentError('invalid', INCOMPLETE, fieldErrors(parsed.error.issues));
	const results = Object.fromEntries(Object.entries(parsed.data.results).filter(([k]) => k in TEST_FUNCTIONS));
	if (!Object.keys(results).length) throw new EquipmentError('invalid', INCOMPLETE, { results: 'Cochez les fonctions vérifiées.' });
	const passed = Object.values(results).every(Boolean);
	await act(
		database,
		actor,
		deviceId,
		'equipment.device.tested',
		async (tx, d) => {
			if (!['refurbishing', 'returned'].includes(d.status))
				throw new EquipmentError('conflict', 'Commencez le reconditionnement de l’appareil avant de le tester.');
			await tx.insert(equipmentTests).values({
				deviceId: d.id,
				departmentCode: d.departmentCode,
				testedOn: parsed.data.testedOn,
				results,
				passed,
				operatorUserId: actor.userId,
				note: parsed.data.note
			});
			await addEvent(tx, d, { kind: 'tested', actor, details: { passed } });
		},
		ip,
		{ passed }
	);
	return passed;
}

/** The data erasure report (décret 2022-190): method, tool, day, operator, reference. */
export async function recordErasure(database: Database, actor: Actor, deviceId: string, input: unknown, ip?: string | null): Promise<void> {
	const parsed = erasureInput.safeParse(input);
	if (!parsed.success) throw new EquipmentError('invalid', INCOMPLETE, fieldErrors(parsed.error.issues));
	const v = parsed.data;
	await act(
		database,
		actor,
		deviceId,
		'equipment.device.erased',
		async (tx, d) => {
			if (d.status !== 'refurbishing') throw new EquipmentError('conflict', 'Le rapport d’effacement s’enregistre pendant le reconditionnement.');
			await tx.insert(equipmentErasures).values({
				deviceId: d.id,
				departmentCode: d.departmentCode,
				method: v.method,
				tool: v.tool,
				erasedOn: v.erasedOn,
				operatorUserId: actor.userId,
				operatorName: v.operatorName,
				reportReference: v.reportReference
			});
			await addEvent(tx, d, { kind: 'erased', actor, details: { method: v.method } });
		},
		ip,
		{ method: v.method }
	);
}

/** The specification, grade, warranty and solidarity price. */
export async function specifyDevice(database: Database, actor: Actor, deviceId: string, input: unknown, ip?: string | null): Promise<void> {
	const parsed = specInput.safeParse(input);
	if (!parsed.success) throw new EquipmentError('invalid', INCOMPLETE, fieldErrors(parsed.error.issues));
	const v = parsed.data;
	await act(
		database,
		actor,
		deviceId,
		'equipment.device.specified',
		async (tx, d) => {
			if (!['received', 'refurbishing', 'returned'].includes(d.status))
				throw new EquipmentError('conflict', 'La fiche d’un appareil proposé, réservé ou remis ne se modifie plus.');
			await tx
				.update(equipmentDevices)
				.set({
					cpu: v.cpu,
					memoryGb: v.memoryGb,
					storageGb: v.storageGb,
					screenInches: v.screenInches,
					batteryHealth: v.batteryHealth,
					operatingSystem: v.operatingSystem,
					grade: v.grade,
					warrantyMonths: v.warrantyMonths,
					priceCents: v.priceEuros === null ? null : Math.round(v.priceEuros * 100),
					updatedAt: new Date()
				})
				.where(eq(equipmentDevices.id, d.id));
			await addEvent(tx, d, { kind: 'specified', actor, details: { grade: v.grade } });
		},
		ip
	);
}

/** What the offer's guard reads about a device. */
async function offerFacts(tx: Tx, d: EquipmentDevice): Promise<OfferFacts> {
	// only the tests since the device last came back from a person: a device returned is tested again
	const since = await lastReturnedAt(tx, d.id);
	const [lastTest] = await tx
		.select({ passed: equipmentTests.passed })
		.from(equipmentTests)
		.where(and(eq(equipmentTests.deviceId, d.id), since ? gt(equipmentTests.createdAt, since) : undefined))
		.orderBy(desc(equipmentTests.testedOn), desc(equipmentTests.createdAt))
		.limit(1);
	const [fresh] = await tx.select().from(equipmentDevices).where(eq(equipmentDevices.id, d.id));
	return {
		testPassed: !!lastTest?.passed,
		erasureReport: await hasErasureReport(tx, d.id),
		specified: !!(fresh.cpu || fresh.memoryGb !== null || fresh.storageGb !== null || fresh.operatingSystem),
		grade: fresh.grade,
		warrantyMonths: fresh.warrantyMonths,
		priceCents: fresh.priceCents
	};
}

/** Offered to the network (Disponible): décret 2022-190's tests and erasure, then the description. */
export async function offerDevice(database: Database, actor: Actor, deviceId: string, ip?: string | null): Promise<void> {
	await act(
		database,
		actor,
		deviceId,
		'equipment.device.offered',
		async (tx, d) => moveDevice(tx, d, 'available', { kind: 'offered', actor }, { offer: await offerFacts(tx, d) }),
		ip
	);
}

/** Taken back from the offer (a fault found): back to refurbishing. */
export async function withdrawDevice(database: Database, actor: Actor, deviceId: string, ip?: string | null): Promise<void> {
	await act(database, actor, deviceId, 'equipment.device.withdrawn', (tx, d) => moveDevice(tx, d, 'refurbishing', { kind: 'withdrawn', actor }), ip);
}

/** Sent to recycling, recorded (day, channel, certificate). */
export async function recycleDevice(database: Database, actor: Actor, deviceId: string, input: unknown, ip?: string | null): Promise<void> {
	const parsed = recycleInput.safeParse(input);
	if (!parsed.success) throw new EquipmentError('invalid', INCOMPLETE, fieldErrors(parsed.error.issues));
	const v = parsed.data;
	await act(
		database,
		actor,
		deviceId,
		'equipment.device.recycled',
		async (tx, d) => {
			await moveDevice(tx, d, 'recycled', { kind: 'recycled', actor, details: { channel: v.channel } });
			await tx.insert(equipmentRecycling).values({
				deviceId: d.id,
				departmentCode: d.departmentCode,
				recycledOn: v.recycledOn,
				channel: v.channel,
				certificateReference: v.certificateReference,
				reason: v.reason,
				createdBy: actor.userId
			});
		},
		ip,
		{ channel: v.channel }
	);
}

export interface StockFilter {
	status?: DeviceStatus | null;
	type?: string | null;
	limit?: number;
	offset?: number;
}

/** A refurbisher's stock: counts by status, and a page of devices (newest change first). */
export async function stockOf(database: Database, actor: Actor, organisationId: string, f: StockFilter = {}) {
	if (!can(actor, 'equipment.refurbish', { organisationId })) throw new EquipmentError('forbidden', 'Ce stock n’est pas celui de votre structure.');
	const where = and(
		eq(equipmentDevices.refurbisherOrganisationId, organisationId),
		f.status ? eq(equipmentDevices.status, f.status) : undefined,
		f.type ? eq(equipmentDevices.type, f.type) : undefined
	);
	const counts = await database.db
		.select({ status: equipmentDevices.status, n: count() })
		.from(equipmentDevices)
		.where(eq(equipmentDevices.refurbisherOrganisationId, organisationId))
		.groupBy(equipmentDevices.status);
	const byStatus = Object.fromEntries(Object.keys(DEVICE_STATUSES).map((s) => [s, 0])) as Record<DeviceStatus, number>;
	for (const c of counts) byStatus[c.status as DeviceStatus] = Number(c.n);
	const limit = Math.min(Math.max(f.limit ?? 50, 1), 200);
	const devices = await database.db
		.select({ d: equipmentDevices, lot: equipmentLots.reference })
		.from(equipmentDevices)
		.innerJoin(equipmentLots, eq(equipmentLots.id, equipmentDevices.lotId))
		.where(where)
		.orderBy(desc(equipmentDevices.statusChangedAt), asc(equipmentDevices.id))
		.limit(limit + 1)
		.offset(Math.max(f.offset ?? 0, 0));
	return { byStatus, devices: devices.slice(0, limit).map((r) => ({ ...r.d, lot: r.lot })), more: devices.length > limit };
}

/** A device's page for its refurbisher: the device, its lot and donor, tests, erasure reports, recycling, its history. */
export async function deviceForRefurbisher(database: Database, actor: Actor, deviceId: string) {
	const d = await loadDevice(database.db, deviceId);
	mustRefurbish(actor, d);
	const [lot] = await database.db
		.select({ reference: equipmentLots.reference, receivedOn: equipmentLots.receivedOn, donor: equipmentDonors.name })
		.from(equipmentLots)
		.innerJoin(equipmentDonors, eq(equipmentDonors.id, equipmentLots.donorId))
		.where(eq(equipmentLots.id, d.lotId));
	const tests = await database.db.select().from(equipmentTests).where(eq(equipmentTests.deviceId, d.id)).orderBy(desc(equipmentTests.testedOn));
	const erasures = await database.db.select().from(equipmentErasures).where(eq(equipmentErasures.deviceId, d.id)).orderBy(desc(equipmentErasures.erasedOn));
	const [recycling] = await database.db.select().from(equipmentRecycling).where(eq(equipmentRecycling.deviceId, d.id));
	const history = await historyOf(database.db, d.id);
	const organisation = (await organisationNames(database.db, [d.refurbisherOrganisationId])).get(d.refurbisherOrganisationId) ?? '';
	return { device: d, lot, tests, erasures, recycling: recycling ?? null, history, organisation };
}

/** The structures whose stock the actor keeps (their refurbishing team). */
export async function refurbisherChoices(database: Database, actor: Actor): Promise<{ id: string; name: string }[]> {
	const ids = [
		...new Set(actor.memberships.filter((m) => can(actor, 'equipment.refurbish', { organisationId: m.organisationId })).map((m) => m.organisationId))
	];
	const names = await organisationNames(database.db, ids);
	return ids.map((id) => ({ id, name: names.get(id) ?? '' })).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
}

/** Lots' devices by lot, for the donor's pages. */
export async function devicesOfLots(database: Database, lotIds: readonly string[]) {
	if (!lotIds.length) return [];
	return database.db
		.select()
		.from(equipmentDevices)
		.where(inArray(equipmentDevices.lotId, [...lotIds]));
}
