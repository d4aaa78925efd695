/**
 * What the equipment's files share: the error every use case throws, the journal's actor,
 * loading a device, and the one function that moves a device (checks the transition, writes
 * its event). Imports no topic file of equipment/.
 */
import { and, desc, eq, gt, max, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../db/client.ts';
import type { Actor } from '../accounts/index.ts';
import { DomainError } from '../errors.ts';
import { equipmentDeviceEvents, equipmentDevices, equipmentErasures, equipmentHandovers, type EquipmentDevice } from './db.ts';
import { checkTransition, isUuid, type DeviceLine, type DeviceStatus, type OfferFacts } from './model.ts';

/** A refusal of the equipment's use cases (the one error model, ../errors.ts). */
export class EquipmentError extends DomainError<'forbidden' | 'not_found' | 'invalid' | 'conflict'> {
	constructor(code: EquipmentError['code'], message: string, fields: Record<string, string> = {}) {
		super(code, message, { fields });
	}
}

export const userActor = (a: Actor) => ({ kind: 'user' as const, id: a.userId });

export const NO_DEVICE = 'Cet appareil n’existe pas, ou vous n’y avez pas accès.';
export const NO_LOT = 'Ce lot n’existe pas, ou vous n’y avez pas accès.';
export const NO_DONOR = 'Ce donateur n’existe pas, ou vous n’y avez pas accès.';
export const NO_REQUEST = 'Cette demande n’existe pas, ou vous n’y avez pas accès.';

/** The device, locked for the rest of the transaction when `lock`. */
export async function loadDevice(db: DbOrTx, id: string, lock = false): Promise<EquipmentDevice> {
	if (!isUuid(id)) throw new EquipmentError('not_found', NO_DEVICE);
	const q = db.select().from(equipmentDevices).where(eq(equipmentDevices.id, id));
	const [d] = lock ? await q.for('update') : await q;
	if (!d) throw new EquipmentError('not_found', NO_DEVICE);
	return d;
}

/**
 * When the device last came back from a person (its latest return), or null: the tests and
 * erasure reports recorded before speak of the previous user's data (décret 2022-190), a device
 * handed over again needs new ones.
 */
export async function lastReturnedAt(db: DbOrTx, deviceId: string): Promise<Date | null> {
	const [h] = await db
		.select({ at: max(equipmentHandovers.returnedAt) })
		.from(equipmentHandovers)
		.where(eq(equipmentHandovers.deviceId, deviceId));
	return h?.at ? new Date(h.at) : null;
}

/** An erasure report recorded for the device since it last came back from a person (or ever, if it never did). */
export async function hasErasureReport(db: DbOrTx, deviceId: string): Promise<boolean> {
	const since = await lastReturnedAt(db, deviceId);
	const [r] = await db
		.select({ id: equipmentErasures.id })
		.from(equipmentErasures)
		.where(and(eq(equipmentErasures.deviceId, deviceId), since ? gt(equipmentErasures.createdAt, since) : undefined))
		.limit(1);
	return !!r;
}

/**
 * Moves a locked device to `to` after the model's check (the guards' facts given by the
 * caller), and writes its event. The caller holds the device's row lock and journals.
 */
export async function moveDevice(
	tx: Tx,
	device: EquipmentDevice,
	to: DeviceStatus,
	event: { kind: string; actor: Actor | null; requestId?: string | null; details?: Record<string, unknown>; now?: Date },
	facts: { offer?: OfferFacts; erasureReport?: boolean } = {}
): Promise<void> {
	const check = checkTransition(device.status as DeviceStatus, to, facts);
	if (!check.ok) throw new EquipmentError('conflict', check.message);
	const now = event.now ?? new Date();
	await tx.update(equipmentDevices).set({ status: to, statusChangedAt: now, updatedAt: now }).where(eq(equipmentDevices.id, device.id));
	await addEvent(tx, device, { ...event, from: device.status, to, now });
}

export async function addEvent(
	tx: Tx,
	device: Pick<EquipmentDevice, 'id' | 'departmentCode'>,
	e: { kind: string; actor: Actor | null; from?: string | null; to?: string | null; requestId?: string | null; details?: Record<string, unknown>; now?: Date }
): Promise<void> {
	await tx.insert(equipmentDeviceEvents).values({
		deviceId: device.id,
		departmentCode: device.departmentCode,
		kind: e.kind,
		fromStatus: e.from ?? null,
		toStatus: e.to ?? null,
		requestId: e.requestId ?? null,
		at: e.now ?? new Date(),
		actorUserId: e.actor?.userId ?? null,
		details: e.details ?? {}
	});
}

/** A device's history, newest first. */
export async function historyOf(db: DbOrTx, deviceId: string) {
	return db
		.select()
		.from(equipmentDeviceEvents)
		.where(eq(equipmentDeviceEvents.deviceId, deviceId))
		.orderBy(desc(equipmentDeviceEvents.at), desc(equipmentDeviceEvents.id));
}

export const countInt = sql<number>`count(*)::int`;

/**
 * Devices received in a lot (a new lot, or lines added to it by a correction), each with its
 * « received » event, 500 rows per statement; their ids in the lines' order.
 */
export async function receiveDevices(
	tx: Tx,
	lot: { id: string; departmentCode: string; refurbisherOrganisationId: string; donorId: string },
	lines: readonly DeviceLine[],
	actor: Actor,
	details: Record<string, unknown> = {}
): Promise<string[]> {
	const ids: string[] = [];
	for (let i = 0; i < lines.length; i += 500) {
		const rows = await tx
			.insert(equipmentDevices)
			.values(
				lines.slice(i, i + 500).map((d) => ({
					departmentCode: lot.departmentCode,
					lotId: lot.id,
					refurbisherOrganisationId: lot.refurbisherOrganisationId,
					type: d.type,
					brand: d.brand,
					model: d.model,
					serial: d.serial,
					manufactureYear: d.manufactureYear,
					stateOnReceipt: d.stateOnReceipt,
					createdBy: actor.userId
				}))
			)
			.returning({ id: equipmentDevices.id });
		ids.push(...rows.map((r) => r.id));
		await tx.insert(equipmentDeviceEvents).values(
			rows.map((r) => ({
				deviceId: r.id,
				departmentCode: lot.departmentCode,
				kind: 'received',
				toStatus: 'received',
				actorUserId: actor.userId,
				details: { lotId: lot.id, donorId: lot.donorId, ...details }
			}))
		);
	}
	return ids;
}
