import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../db/client.ts';
import type { PersonalDataDeclaration, PersonRef } from '../personal-data.ts';
import { dayLabel } from '../../components/format.ts';
import { equipmentDevices, equipmentHandovers, equipmentRequests } from './db.ts';
import { freezeSetups, setupViews } from './setup.ts';
import { loadDevice, moveDevice } from './internal.ts';
import { journal } from '../audit/index.ts';
import {
	DEVICE_TYPES,
	EQUIPMENT_RETENTION_MONTHS,
	NEEDS,
	REQUEST_STATUSES,
	ELIGIBILITY_KINDS,
	RECEIPTS,
	type DeviceType,
	type Need,
	type RequestStatus
} from './model.ts';

/**
 * What the equipment channel holds about a person (see ../personal-data.ts): the requests a
 * prescriber made for them (`equipment_requests.beneficiary_id`), and through them the devices
 * handed over. Erasure unlinks the requests (the devices' history and the donors' reports still
 * add up, with nothing left naming the person); a merge moves them.
 */
export const EQUIPMENT_RETENTION = `${EQUIPMENT_RETENTION_MONTHS} months after the handover or the request’s end (EQUIPMENT_RETENTION_MONTHS), then unlinked from the person`;

async function exportOf(db: DbOrTx, person: PersonRef): Promise<Record<string, unknown>> {
	const rows = await db.select().from(equipmentRequests).where(eq(equipmentRequests.beneficiaryId, person.id));
	if (!rows.length) return { equipment: [] };
	const handovers = await db
		.select({ h: equipmentHandovers, type: equipmentDevices.type, brand: equipmentDevices.brand, model: equipmentDevices.model })
		.from(equipmentHandovers)
		.innerJoin(equipmentDevices, eq(equipmentDevices.id, equipmentHandovers.deviceId))
		.where(
			inArray(
				equipmentHandovers.requestId,
				rows.map((r) => r.id)
			)
		);
	const setups = await setupViews(
		db,
		handovers.map((x) => x.h)
	);
	return {
		equipment: rows.map((r) => ({
			reference: r.reference,
			need: NEEDS[r.need as Need] ?? r.need,
			eligibilityProof: ELIGIBILITY_KINDS[r.eligibilityKind as keyof typeof ELIGIBILITY_KINDS] ?? r.eligibilityKind,
			requestedAt: r.requestedAt.toISOString(),
			state: REQUEST_STATUSES[r.status as RequestStatus] ?? r.status,
			devices: handovers
				.filter((x) => x.h.requestId === r.id)
				.map((x) => ({
					device: [DEVICE_TYPES[x.type as DeviceType] ?? x.type, x.brand, x.model].filter(Boolean).join(' '),
					handedOverAt: x.h.handedOverAt.toISOString(),
					receipt: RECEIPTS[x.h.receipt as keyof typeof RECEIPTS] ?? x.h.receipt,
					warrantyUntil: dayLabel(x.h.warrantyUntil),
					setUp: (() => {
						const v = setups.get(x.h.id)!;
						return `${v.kindLabel}${v.place ? ` (${v.place})` : ''}\u00a0: ${v.outcomeLabel}`;
					})(),
					returnedAt: x.h.returnedAt?.toISOString() ?? null
				}))
		}))
	};
}

/**
 * Erasure and anonymisation: the requests no longer name the person. A request still waiting,
 * or holding a device, is cancelled first: nobody will come for it, it would keep its place in
 * the list and the device reserved for no one; the device goes back on offer.
 */
async function erase(tx: Tx, person: PersonRef, now = new Date()): Promise<void> {
	const live = await tx
		.select()
		.from(equipmentRequests)
		.where(and(eq(equipmentRequests.beneficiaryId, person.id), inArray(equipmentRequests.status, ['waiting', 'reserved'])));
	for (const r of live) {
		if (r.status !== 'reserved' || !r.deviceId) continue;
		const d = await loadDevice(tx, r.deviceId, true);
		if (d.status !== 'reserved') continue;
		await moveDevice(tx, d, 'available', { kind: 'reservation_cancelled', actor: null, requestId: r.id, now, details: { personErased: true } });
		await journal(tx, {
			actor: { kind: 'system' },
			action: 'equipment.reservation.cancelled',
			targetType: 'equipment_device',
			targetId: d.id,
			departmentCode: d.departmentCode,
			details: { requestId: r.id, reference: r.reference, personErased: true }
		});
	}
	if (live.length)
		await tx
			.update(equipmentRequests)
			.set({ status: 'cancelled', deviceId: null, reservedAt: null, closedAt: now, updatedAt: now })
			.where(
				inArray(
					equipmentRequests.id,
					live.map((r) => r.id)
				)
			);
	// the referrals of the set-up accompaniments name the person: their outcomes stay on the handovers, the links go
	const mine = await tx.select({ id: equipmentRequests.id }).from(equipmentRequests).where(eq(equipmentRequests.beneficiaryId, person.id));
	await freezeSetups(
		tx,
		mine.map((r) => r.id)
	);
	await tx.update(equipmentRequests).set({ beneficiaryId: null, updatedAt: new Date() }).where(eq(equipmentRequests.beneficiaryId, person.id));
}

async function move(tx: Tx, fromId: string, toId: string): Promise<void> {
	await tx.update(equipmentRequests).set({ beneficiaryId: toId }).where(eq(equipmentRequests.beneficiaryId, fromId));
}

async function journalTargets(db: DbOrTx, person: PersonRef) {
	const rows = await db.select({ id: equipmentRequests.id }).from(equipmentRequests).where(eq(equipmentRequests.beneficiaryId, person.id));
	return { targetType: 'equipment_request', ids: rows.map((r) => r.id) };
}

export const personalData: PersonalDataDeclaration = {
	capability: 'equipment',
	tables: [
		{
			table: 'equipment_requests',
			person: 'beneficiary_id',
			holds:
				'the devices asked for the person (need, kind of eligibility proof, area, day) and, through them, the devices handed over (receipt’s kind, warranty, return, the set-up accompaniment)',
			export: 'equipment',
			onRecordDeleted: 'unlinked',
			erasure: { cleared: ['beneficiary_id'] },
			anonymisation: 'the same as erasure, after 24 months without activity (anonymiseInactive)',
			retention: EQUIPMENT_RETENTION
		}
	],
	exportOf,
	erase,
	move,
	journalTargets
};
