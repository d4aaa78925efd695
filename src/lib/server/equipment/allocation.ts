/**
 * Allocation (issue 18, items 3 and 4): a prescriber asks for a device for a person they
 * follow (the kind of eligibility proof only); the requests wait in their area's list, first
 * asked first served; the refurbisher's team reserves a device for a request, hands it over
 * (a receipt signed on screen or on paper, a set-up accompaniment proposed), takes it back or
 * exchanges it under warranty. The device's row is locked first, then the request's (always
 * in that order); a partial unique index refuses a second active request on a device.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, fieldErrors, organisationNames, type Actor } from '../accounts/index.ts';
import { loadBeneficiary, namesVisibleTo } from '../beneficiaries/index.ts';
import { getArea, listAreas } from '../territory/index.ts';
import { sendHandoverReferral, type Links } from '../referral/index.ts';
import { prepareSetup } from './setup.ts';
import { parisDay } from '../../time.ts';
import { equipmentDevices, equipmentHandovers, equipmentRequests, equipmentSettings, type EquipmentRequest } from './db.ts';
import {
	ELIGIBILITY_KINDS,
	fits,
	handoverInput,
	isUuid,
	requestInput,
	requestReference,
	returnInput,
	warrantyUntil,
	type EligibilityKind,
	type Need
} from './model.ts';
import { EquipmentError, NO_DEVICE, NO_REQUEST, hasErasureReport, loadDevice, moveDevice, userActor } from './internal.ts';

const INCOMPLETE = 'La demande n’est pas complète.';

/** The eligibility proofs the département accepts (all of them until the instance's administrator chooses: settings.ts). */
export async function acceptedEligibility(db: DbOrTx, departmentCode: string): Promise<EligibilityKind[]> {
	const [s] = await db
		.select({ kinds: equipmentSettings.eligibilityKinds })
		.from(equipmentSettings)
		.where(eq(equipmentSettings.departmentCode, departmentCode));
	return (s?.kinds?.length ? s.kinds : Object.keys(ELIGIBILITY_KINDS)) as EligibilityKind[];
}

/** A prescriber asks for a device for a person whose record their structure holds. */
export async function requestDevice(
	database: Database,
	actor: Actor,
	input: unknown,
	ip?: string | null,
	now = new Date()
): Promise<{ id: string; reference: string }> {
	const parsed = requestInput.safeParse(input);
	if (!parsed.success) throw new EquipmentError('invalid', INCOMPLETE, fieldErrors(parsed.error.issues));
	const v = parsed.data;
	const person = await loadBeneficiary(database.db, actor, v.beneficiaryId, 'write');
	if (!can(actor, 'equipment.request', { organisationId: person.organisationId }))
		throw new EquipmentError('forbidden', 'Seuls les professionnels qui suivent la personne peuvent demander un appareil pour elle.');
	const fields: Record<string, string> = {};
	if (v.areaId === null) {
		// no area chosen: only where the département defines none (its requests wait in one list)
		if ((await listAreas(database, person.departmentCode)).length) fields.areaId = 'Choisissez le territoire.';
	} else {
		const area = await getArea(database, v.areaId);
		if (!area || area.departmentCode !== person.departmentCode) fields.areaId = 'Choisissez un territoire du département.';
	}
	if (!(await acceptedEligibility(database.db, person.departmentCode)).includes(v.eligibilityKind))
		fields.eligibilityKind = 'Ce justificatif n’est pas retenu dans le département.';
	if (Object.keys(fields).length) throw new EquipmentError('invalid', INCOMPLETE, fields);
	return database.db.transaction(async (tx) => {
		const [open] = await tx
			.select({ id: equipmentRequests.id })
			.from(equipmentRequests)
			.where(
				and(eq(equipmentRequests.beneficiaryId, person.id), eq(equipmentRequests.need, v.need), inArray(equipmentRequests.status, ['waiting', 'reserved']))
			);
		if (open) throw new EquipmentError('conflict', 'Une demande du même type est déjà en cours pour cette personne.');
		const reference = requestReference(Number(parisDay(now).slice(0, 4)), randomBytes(4).toString('hex').slice(0, 6));
		const [row] = await tx
			.insert(equipmentRequests)
			.values({
				departmentCode: person.departmentCode,
				beneficiaryId: person.id,
				organisationId: person.organisationId,
				areaId: v.areaId,
				need: v.need,
				eligibilityKind: v.eligibilityKind,
				reference,
				requestedAt: now,
				createdBy: actor.userId
			})
			.returning({ id: equipmentRequests.id });
		await journal(tx, {
			actor: userActor(actor),
			action: 'equipment.request.created',
			targetType: 'equipment_request',
			targetId: row.id,
			departmentCode: person.departmentCode,
			ip,
			details: { need: v.need, eligibilityKind: v.eligibilityKind, areaId: v.areaId, organisationId: person.organisationId }
		});
		return { id: row.id, reference };
	});
}

/** Whether the actor may read a département's waiting lists: its coordinators, refurbishers' and care teams. */
function mayReadWaiting(actor: Actor, departmentCode: string): boolean {
	return (
		can(actor, 'equipment.read', { departmentCode }) ||
		actor.memberships.some(
			(m) =>
				m.departmentCode === departmentCode &&
				(can(actor, 'equipment.read', { departmentCode, organisationId: m.organisationId }) ||
					can(actor, 'equipment.request', { organisationId: m.organisationId }))
		)
	);
}

export interface WaitingRow {
	position: number;
	id: string;
	reference: string;
	need: Need;
	eligibilityKind: EligibilityKind;
	requestedAt: Date;
	organisation: string;
	/** the person's name, only for the structure that follows them */
	person: string | null;
}

/** An area's waiting list (or the département's requests without an area), first asked first. */
export async function waitingList(database: Database, actor: Actor, departmentCode: string, areaId: number | null, limit = 200): Promise<WaitingRow[]> {
	if (!mayReadWaiting(actor, departmentCode)) throw new EquipmentError('forbidden', 'Cette liste d’attente n’est pas celle de votre département.');
	const rows = await database.db
		.select()
		.from(equipmentRequests)
		.where(
			and(
				eq(equipmentRequests.departmentCode, departmentCode),
				eq(equipmentRequests.status, 'waiting'),
				areaId === null ? isNull(equipmentRequests.areaId) : eq(equipmentRequests.areaId, areaId)
			)
		)
		.orderBy(asc(equipmentRequests.requestedAt), asc(equipmentRequests.id))
		.limit(Math.min(Math.max(limit, 1), 1000));
	const orgs = await organisationNames(
		database.db,
		rows.map((r) => r.organisationId)
	);
	const own = rows.filter((r) => can(actor, 'equipment.request', { organisationId: r.organisationId })).map((r) => r.beneficiaryId);
	const names = own.length ? await namesVisibleTo(database.db, actor, own) : new Map();
	return rows.map((r, i) => {
		const n = r.beneficiaryId && can(actor, 'equipment.request', { organisationId: r.organisationId }) ? names.get(r.beneficiaryId) : undefined;
		return {
			position: i + 1,
			id: r.id,
			reference: r.reference,
			need: r.need as Need,
			eligibilityKind: r.eligibilityKind as EligibilityKind,
			requestedAt: r.requestedAt,
			organisation: orgs.get(r.organisationId) ?? '',
			person: n ? [n.firstName, n.lastName].filter(Boolean).join(' ') || n.pseudonym || null : null
		};
	});
}

/**
 * The ranks of waiting requests on their lists (first asked first), in one query: each list
 * (département and area) they are on is numbered once up to the latest of them, instead of
 * one count per request (up to 500 of them on the page).
 */
async function waitingPositions(database: Database, rows: readonly EquipmentRequest[]): Promise<Map<string, number>> {
	const waiting = rows.filter((r) => r.status === 'waiting');
	if (!waiting.length) return new Map();
	const lists = new Map<string, { departmentCode: string; areaId: number | null; until: Date }>();
	for (const r of waiting) {
		const key = `${r.departmentCode}|${r.areaId ?? ''}`;
		const l = lists.get(key);
		if (!l) lists.set(key, { departmentCode: r.departmentCode, areaId: r.areaId, until: r.requestedAt });
		else if (r.requestedAt > l.until) l.until = r.requestedAt;
	}
	const ranked = database.db
		.select({
			id: equipmentRequests.id,
			position:
				sql<number>`row_number() over (partition by ${equipmentRequests.departmentCode}, ${equipmentRequests.areaId} order by ${equipmentRequests.requestedAt}, ${equipmentRequests.id})`.as(
					'position'
				)
		})
		.from(equipmentRequests)
		.where(
			and(
				eq(equipmentRequests.status, 'waiting'),
				or(
					...[...lists.values()].map((l) =>
						and(
							eq(equipmentRequests.departmentCode, l.departmentCode),
							l.areaId === null ? isNull(equipmentRequests.areaId) : eq(equipmentRequests.areaId, l.areaId),
							// a millisecond over: the timestamps hold microseconds, Date only milliseconds (later rows change no earlier rank)
							lte(equipmentRequests.requestedAt, new Date(l.until.getTime() + 1))
						)
					)
				)
			)
		)
		.as('ranked');
	const found = await database.db
		.select({ id: ranked.id, position: ranked.position })
		.from(ranked)
		.where(
			inArray(
				ranked.id,
				waiting.map((r) => r.id)
			)
		);
	return new Map(found.map((f) => [f.id, Number(f.position)]));
}

/** The requests the actor's care structures made, newest first, with their rank while waiting. */
export async function requestsOfMyStructures(database: Database, actor: Actor) {
	const orgs = [...new Set(actor.memberships.map((m) => m.organisationId))].filter((o) => can(actor, 'equipment.request', { organisationId: o }));
	if (!orgs.length) return [];
	const rows = await database.db
		.select()
		.from(equipmentRequests)
		.where(inArray(equipmentRequests.organisationId, orgs))
		.orderBy(desc(equipmentRequests.requestedAt))
		.limit(500);
	const names = await namesVisibleTo(
		database.db,
		actor,
		rows.map((r) => r.beneficiaryId)
	);
	const positions = await waitingPositions(database, rows);
	const out = [];
	for (const r of rows) {
		const position = r.status === 'waiting' ? (positions.get(r.id) ?? null) : null;
		const name = r.beneficiaryId ? names.get(r.beneficiaryId) : undefined;
		out.push({ ...r, position, person: name ? [name.firstName, name.lastName].filter(Boolean).join(' ') || name.pseudonym || '' : '' });
	}
	return out;
}

async function lockRequest(db: DbOrTx, id: string): Promise<EquipmentRequest> {
	if (!isUuid(id)) throw new EquipmentError('not_found', NO_REQUEST);
	const [r] = await db.select().from(equipmentRequests).where(eq(equipmentRequests.id, id)).for('update');
	if (!r) throw new EquipmentError('not_found', NO_REQUEST);
	return r;
}

function mustAllocate(actor: Actor, organisationId: string) {
	if (!can(actor, 'equipment.allocate', { organisationId })) throw new EquipmentError('not_found', NO_DEVICE);
}

/**
 * Reserves an available device for a waiting request: the device's row locked first, then the
 * request's. Of many reservations of one device at once, exactly one succeeds.
 */
export async function reserveDevice(
	database: Database,
	actor: Actor,
	deviceId: string,
	requestId: string,
	ip?: string | null,
	now = new Date()
): Promise<void> {
	const first = await loadDevice(database.db, deviceId);
	mustAllocate(actor, first.refurbisherOrganisationId);
	await database.db.transaction(async (tx) => {
		const d = await loadDevice(tx, deviceId, true);
		const r = await lockRequest(tx, requestId);
		if (r.departmentCode !== d.departmentCode) throw new EquipmentError('not_found', NO_REQUEST);
		if (d.status !== 'available') throw new EquipmentError('conflict', 'Cet appareil n’est plus disponible.');
		if (r.status !== 'waiting') throw new EquipmentError('conflict', 'Cette demande n’est plus en attente.');
		if (!fits(r.need as Need, d.type)) throw new EquipmentError('conflict', 'Cet appareil ne correspond pas au besoin de la demande.');
		await moveDevice(tx, d, 'reserved', { kind: 'reserved', actor, requestId: r.id, now });
		await tx.update(equipmentRequests).set({ status: 'reserved', deviceId: d.id, reservedAt: now, updatedAt: now }).where(eq(equipmentRequests.id, r.id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'equipment.device.reserved',
			targetType: 'equipment_device',
			targetId: d.id,
			departmentCode: d.departmentCode,
			ip,
			details: { requestId: r.id, reference: r.reference, organisationId: d.refurbisherOrganisationId }
		});
	});
}

/** The reservation cancelled: the device offered again, the request back in its list at its first day. */
export async function cancelReservation(database: Database, actor: Actor, requestId: string, ip?: string | null, now = new Date()): Promise<void> {
	const [head] = isUuid(requestId) ? await database.db.select().from(equipmentRequests).where(eq(equipmentRequests.id, requestId)) : [];
	if (!head?.deviceId || head.status !== 'reserved') throw new EquipmentError('not_found', NO_REQUEST);
	const first = await loadDevice(database.db, head.deviceId);
	mustAllocate(actor, first.refurbisherOrganisationId);
	await database.db.transaction(async (tx) => {
		const d = await loadDevice(tx, head.deviceId!, true);
		const r = await lockRequest(tx, requestId);
		if (r.status !== 'reserved' || r.deviceId !== d.id) throw new EquipmentError('conflict', 'Cette réservation a déjà changé.');
		await moveDevice(tx, d, 'available', { kind: 'reservation_cancelled', actor, requestId: r.id, now });
		await tx.update(equipmentRequests).set({ status: 'waiting', deviceId: null, reservedAt: null, updatedAt: now }).where(eq(equipmentRequests.id, r.id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'equipment.reservation.cancelled',
			targetType: 'equipment_device',
			targetId: d.id,
			departmentCode: d.departmentCode,
			ip,
			details: { requestId: r.id, reference: r.reference }
		});
	});
}

/**
 * The device handed over for its request: only with an erasure report (checked again under
 * the lock), the receipt's kind, the set-up accompaniment proposed; the warranty runs from today.
 * A referral to a place of the network (or an appointment at one of the actor's places) is
 * sent through the referral capability in the same transaction, with the person's consent
 * given at the counter; the handover keeps its id (decision 0023). `links`: the site's, for
 * the referral's messages.
 */
export async function handOver(
	database: Database,
	actor: Actor,
	requestId: string,
	input: unknown,
	ip?: string | null,
	now = new Date(),
	links?: Links
): Promise<string> {
	const parsed = handoverInput.safeParse(input);
	if (!parsed.success) throw new EquipmentError('invalid', 'La remise n’est pas complète.', fieldErrors(parsed.error.issues));
	const v = parsed.data;
	const [head] = isUuid(requestId) ? await database.db.select().from(equipmentRequests).where(eq(equipmentRequests.id, requestId)) : [];
	if (!head?.deviceId) throw new EquipmentError('not_found', NO_REQUEST);
	const first = await loadDevice(database.db, head.deviceId);
	mustAllocate(actor, first.refurbisherOrganisationId);
	const referral = v.accompaniment === 'referral' || v.accompaniment === 'appointment' ? await prepareSetup(database, actor, head, v, now, links) : null;
	return database.db.transaction(async (tx) => {
		const d = await loadDevice(tx, head.deviceId!, true);
		const r = await lockRequest(tx, requestId);
		if (r.status !== 'reserved' || r.deviceId !== d.id) throw new EquipmentError('conflict', 'Cet appareil n’est pas réservé pour cette demande.');
		if (referral && r.beneficiaryId !== referral.b.id) throw new EquipmentError('conflict', 'Cette demande vient de changer\u00a0: rechargez la page.');
		await moveDevice(tx, d, 'handed_over', { kind: 'handed_over', actor, requestId: r.id, now }, { erasureReport: await hasErasureReport(tx, d.id) });
		const referralId = referral
			? await sendHandoverReferral(
					database,
					tx,
					actor,
					referral,
					{
						recordedByOrganisationId: d.refurbisherOrganisationId,
						// the prescriber who asked for the device hears how it goes, while their structure still follows the person
						prescriberId: r.organisationId === referral.b.organisationId ? r.createdBy : null,
						consent: { method: v.consentMethod ?? '', scope: v.consentScope ?? [] },
						handoverOf: { requestId: r.id, deviceId: d.id }
					},
					links!,
					ip
				)
			: null;
		const [h] = await tx
			.insert(equipmentHandovers)
			.values({
				departmentCode: d.departmentCode,
				requestId: r.id,
				deviceId: d.id,
				placeId: v.placeId ?? d.placeId,
				handedOverAt: now,
				receipt: v.receipt,
				warrantyUntil: warrantyUntil(parisDay(now), d.warrantyMonths ?? 0),
				priceCents: d.priceCents ?? 0,
				accompaniment: v.accompaniment,
				accompanimentPlaceId: referral ? referral.place.id : null,
				referralId,
				accompanimentOutcome: v.accompaniment === 'declined' ? 'declined' : 'pending',
				createdBy: actor.userId
			})
			.returning({ id: equipmentHandovers.id });
		await tx.update(equipmentRequests).set({ status: 'handed_over', updatedAt: now }).where(eq(equipmentRequests.id, r.id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'equipment.device.handed_over',
			targetType: 'equipment_device',
			targetId: d.id,
			departmentCode: d.departmentCode,
			ip,
			details: { requestId: r.id, reference: r.reference, receipt: v.receipt, accompaniment: v.accompaniment, referralId }
		});
		return h.id;
	});
}

/**
 * A device brought back: under warranty (until its last day) or for an exchange, which
 * reserves another available device of the same refurbisher for the same request; otherwise
 * the request ends.
 */
export async function returnDevice(database: Database, actor: Actor, requestId: string, input: unknown, ip?: string | null, now = new Date()): Promise<void> {
	const parsed = returnInput.safeParse(input);
	if (!parsed.success) throw new EquipmentError('invalid', 'Le retour n’est pas complet.', fieldErrors(parsed.error.issues));
	const v = parsed.data;
	if (v.reason === 'exchange' && !v.exchangeDeviceId)
		throw new EquipmentError('invalid', 'Le retour n’est pas complet.', { exchangeDeviceId: 'Choisissez l’appareil d’échange.' });
	const [head] = isUuid(requestId) ? await database.db.select().from(equipmentRequests).where(eq(equipmentRequests.id, requestId)) : [];
	if (!head?.deviceId || head.status !== 'handed_over') throw new EquipmentError('not_found', NO_REQUEST);
	const first = await loadDevice(database.db, head.deviceId);
	mustAllocate(actor, first.refurbisherOrganisationId);
	await database.db.transaction(async (tx) => {
		// devices first (in id order, so two exchanges never wait for each other in a cycle), then the request
		const ids = [head.deviceId!, ...(v.reason === 'exchange' ? [v.exchangeDeviceId!] : [])].sort();
		const locked = new Map<string, Awaited<ReturnType<typeof loadDevice>>>();
		for (const id of ids) locked.set(id, await loadDevice(tx, id, true));
		const d = locked.get(head.deviceId!)!;
		const r = await lockRequest(tx, requestId);
		if (r.status !== 'handed_over' || r.deviceId !== d.id) throw new EquipmentError('conflict', 'Cette remise a déjà changé.');
		const [h] = await tx
			.select()
			.from(equipmentHandovers)
			.where(and(eq(equipmentHandovers.requestId, r.id), eq(equipmentHandovers.deviceId, d.id), isNull(equipmentHandovers.returnedAt)))
			.orderBy(desc(equipmentHandovers.handedOverAt))
			.limit(1);
		if (!h) throw new EquipmentError('conflict', 'Cette remise a déjà changé.');
		if (v.reason !== 'other' && parisDay(now) > h.warrantyUntil)
			throw new EquipmentError('conflict', 'La garantie de cet appareil est terminée\u00a0: enregistrez un « autre retour ».');
		await moveDevice(tx, d, 'returned', { kind: 'returned', actor, requestId: r.id, now, details: { reason: v.reason } });
		await tx
			.update(equipmentHandovers)
			.set({ returnedAt: now, returnReason: v.reason, exchangedForDeviceId: v.reason === 'exchange' ? v.exchangeDeviceId! : null })
			.where(eq(equipmentHandovers.id, h.id));
		if (v.reason === 'exchange') {
			const e = locked.get(v.exchangeDeviceId!)!;
			if (e.refurbisherOrganisationId !== d.refurbisherOrganisationId || e.status !== 'available' || !fits(r.need as Need, e.type))
				throw new EquipmentError('conflict', 'L’appareil d’échange doit être disponible, de votre stock et du type demandé.', {
					exchangeDeviceId: 'Choisissez un appareil disponible du type demandé.'
				});
			await moveDevice(tx, e, 'reserved', { kind: 'reserved', actor, requestId: r.id, now, details: { exchangeFor: d.id } });
			await tx.update(equipmentRequests).set({ status: 'reserved', deviceId: e.id, reservedAt: now, updatedAt: now }).where(eq(equipmentRequests.id, r.id));
		} else {
			await tx.update(equipmentRequests).set({ status: 'closed', closedAt: now, updatedAt: now }).where(eq(equipmentRequests.id, r.id));
		}
		await journal(tx, {
			actor: userActor(actor),
			action: 'equipment.device.returned',
			targetType: 'equipment_device',
			targetId: d.id,
			departmentCode: d.departmentCode,
			ip,
			details: { requestId: r.id, reference: r.reference, reason: v.reason }
		});
	});
}

/** The devices of a refurbisher that could answer a need (available), for the reservation form. */
export async function availableFor(database: Database, actor: Actor, organisationId: string, need: Need) {
	mustAllocate(actor, organisationId);
	return database.db
		.select({
			id: equipmentDevices.id,
			brand: equipmentDevices.brand,
			model: equipmentDevices.model,
			grade: equipmentDevices.grade,
			priceCents: equipmentDevices.priceCents
		})
		.from(equipmentDevices)
		.where(and(eq(equipmentDevices.refurbisherOrganisationId, organisationId), eq(equipmentDevices.status, 'available'), eq(equipmentDevices.type, need)))
		.orderBy(asc(equipmentDevices.statusChangedAt))
		.limit(200);
}

/** The waiting requests a device could answer (its type, its département), first asked first, with the request its reservation holds. */
export async function requestsForDevice(database: Database, actor: Actor, deviceId: string) {
	const d = await loadDevice(database.db, deviceId);
	mustAllocate(actor, d.refurbisherOrganisationId);
	const waiting = await database.db
		.select({ id: equipmentRequests.id, reference: equipmentRequests.reference, requestedAt: equipmentRequests.requestedAt, areaId: equipmentRequests.areaId })
		.from(equipmentRequests)
		.where(and(eq(equipmentRequests.departmentCode, d.departmentCode), eq(equipmentRequests.status, 'waiting'), eq(equipmentRequests.need, d.type)))
		.orderBy(asc(equipmentRequests.requestedAt), asc(equipmentRequests.id))
		.limit(50);
	const [holding] = await database.db
		.select({ id: equipmentRequests.id, reference: equipmentRequests.reference, status: equipmentRequests.status })
		.from(equipmentRequests)
		.where(and(eq(equipmentRequests.deviceId, d.id), inArray(equipmentRequests.status, ['reserved', 'handed_over'])));
	return { waiting, holding: holding ?? null };
}
