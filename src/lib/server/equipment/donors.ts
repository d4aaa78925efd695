/**
 * Donors and lots (issue 18, item 1): the Département, communes, partners and companies give
 * lots of retired devices to a refurbisher of the network. The département's coordinators and
 * the refurbisher's team record them (can('equipment.manage')); each write is one transaction
 * with its journal entry and, for the devices of a lot, their first event.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, fieldErrors, organisationSummaries, type Actor } from '../accounts/index.ts';
import { equipmentDonorStock, equipmentDonors, equipmentLots } from './db.ts';
import { donorInput, isUuid, lotInput } from './model.ts';
import { EquipmentError, NO_DONOR, receiveDevices, userActor } from './internal.ts';

const INCOMPLETE = 'Le formulaire n’est pas complet.';

function mustManage(actor: Actor, departmentCode: string, organisationId: string | null) {
	if (!can(actor, 'equipment.manage', { departmentCode, organisationId }))
		throw new EquipmentError('forbidden', 'Seules la coordination du département et la structure qui reconditionne peuvent enregistrer les dons.');
}

/** A donor of the département; `actingFor` the refurbisher the actor records it for (none for a coordinator). */
export async function createDonor(
	database: Database,
	actor: Actor,
	departmentCode: string,
	input: unknown,
	actingFor: string | null = null,
	ip?: string | null
): Promise<string> {
	if (actingFor) {
		const org = (await organisationSummaries(database.db, [actingFor])).get(actingFor);
		if (!org || org.departmentCode !== departmentCode) throw new EquipmentError('forbidden', 'Cette structure n’est pas de ce département.');
	}
	mustManage(actor, departmentCode, actingFor);
	const parsed = donorInput.safeParse(input);
	const fields = parsed.success ? {} : fieldErrors(parsed.error.issues);
	const commune = (input as { communeCode?: unknown } | null)?.communeCode;
	if (!fields.communeCode && typeof commune === 'string' && commune && !commune.startsWith(departmentCode))
		fields.communeCode = 'Indiquez une commune du département.';
	if (!parsed.success || Object.keys(fields).length) throw new EquipmentError('invalid', INCOMPLETE, fields);
	const v = parsed.data;
	if (v.organisationId) {
		const org = (await organisationSummaries(database.db, [v.organisationId])).get(v.organisationId);
		if (!org || org.departmentCode !== departmentCode)
			throw new EquipmentError('invalid', INCOMPLETE, { organisationId: 'Choisissez une structure du département.' });
	}
	return database.db.transaction(async (tx) => {
		const [row] = await tx
			.insert(equipmentDonors)
			.values({
				departmentCode,
				kind: v.kind,
				name: v.name,
				publicBody: v.publicBody || v.kind === 'departement' || v.kind === 'commune' || v.kind === 'public_body',
				communeCode: v.communeCode ?? null,
				siret: v.siret ?? null,
				organisationId: v.organisationId ?? null,
				createdBy: actor.userId
			})
			.returning({ id: equipmentDonors.id });
		await journal(tx, {
			actor: userActor(actor),
			action: 'equipment.donor.created',
			targetType: 'equipment_donor',
			targetId: row.id,
			departmentCode,
			ip,
			details: { name: v.name, kind: v.kind }
		});
		return row.id;
	});
}

async function loadDonor(database: Database, id: string) {
	if (!isUuid(id)) throw new EquipmentError('not_found', NO_DONOR);
	const [d] = await database.db.select().from(equipmentDonors).where(eq(equipmentDonors.id, id));
	if (!d) throw new EquipmentError('not_found', NO_DONOR);
	return d;
}

/** The donor's retired devices in stock on 1 January of a year (10 years old or less): the ratio's denominator. */
export async function declareStock(
	database: Database,
	actor: Actor,
	donorId: string,
	year: number,
	retiredInStock: number,
	actingFor: string | null = null,
	ip?: string | null
): Promise<void> {
	const donor = await loadDonor(database, donorId);
	if (actingFor) {
		const org = (await organisationSummaries(database.db, [actingFor])).get(actingFor);
		if (!org || org.departmentCode !== donor.departmentCode) throw new EquipmentError('forbidden', 'Cette structure n’est pas de ce département.');
	}
	mustManage(actor, donor.departmentCode, actingFor);
	if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new EquipmentError('invalid', INCOMPLETE, { year: 'Indiquez une année.' });
	if (!Number.isInteger(retiredInStock) || retiredInStock < 0 || retiredInStock > 10_000_000)
		throw new EquipmentError('invalid', INCOMPLETE, { retiredInStock: 'Indiquez un nombre d’appareils.' });
	await database.db.transaction(async (tx) => {
		await tx
			.insert(equipmentDonorStock)
			.values({ donorId, departmentCode: donor.departmentCode, year, retiredInStock, declaredBy: actor.userId })
			.onConflictDoUpdate({
				target: [equipmentDonorStock.donorId, equipmentDonorStock.year],
				set: { retiredInStock, declaredBy: actor.userId, declaredAt: new Date() }
			});
		await journal(tx, {
			actor: userActor(actor),
			action: 'equipment.donor.stock_declared',
			targetType: 'equipment_donor',
			targetId: donorId,
			departmentCode: donor.departmentCode,
			ip,
			details: { name: donor.name, year, retiredInStock }
		});
	});
}

/** A lot and its devices, received by a refurbisher of the donor's département: one transaction, each device's first event. */
export async function createLot(database: Database, actor: Actor, input: unknown, ip?: string | null): Promise<{ lotId: string; deviceIds: string[] }> {
	const parsed = lotInput.safeParse(input);
	if (!parsed.success) throw new EquipmentError('invalid', INCOMPLETE, fieldErrors(parsed.error.issues));
	const v = parsed.data;
	const donor = await loadDonor(database, v.donorId);
	const refurbisher = (await organisationSummaries(database.db, [v.refurbisherId])).get(v.refurbisherId);
	if (!refurbisher || !refurbisher.active || refurbisher.departmentCode !== donor.departmentCode)
		throw new EquipmentError('invalid', INCOMPLETE, { refurbisherId: 'Choisissez une structure du département.' });
	mustManage(actor, donor.departmentCode, refurbisher.id);
	return database.db.transaction(async (tx) => {
		const [dup] = await tx
			.select({ id: equipmentLots.id })
			.from(equipmentLots)
			.where(and(eq(equipmentLots.departmentCode, donor.departmentCode), eq(equipmentLots.reference, v.reference)));
		if (dup) throw new EquipmentError('invalid', INCOMPLETE, { reference: 'Un lot porte déjà cette référence.' });
		const [lot] = await tx
			.insert(equipmentLots)
			.values({
				departmentCode: donor.departmentCode,
				donorId: donor.id,
				refurbisherOrganisationId: refurbisher.id,
				reference: v.reference,
				receivedOn: v.receivedOn,
				legalBasis: v.legalBasis,
				note: v.note,
				createdBy: actor.userId
			})
			.returning({ id: equipmentLots.id });
		const deviceIds = await receiveDevices(
			tx,
			{ id: lot.id, departmentCode: donor.departmentCode, refurbisherOrganisationId: refurbisher.id, donorId: donor.id },
			v.devices,
			actor
		);
		await journal(tx, {
			actor: userActor(actor),
			action: 'equipment.lot.received',
			targetType: 'equipment_lot',
			targetId: lot.id,
			departmentCode: donor.departmentCode,
			ip,
			details: { reference: v.reference, donor: donor.name, organisationId: refurbisher.id, devices: v.devices.length }
		});
		return { lotId: lot.id, deviceIds };
	});
}

/** The donors of a département with their lots' counts, for those who may read the département's equipment. */
export async function donorsOf(database: Database, actor: Actor, departmentCode: string) {
	const rows = await database.db.select().from(equipmentDonors).where(eq(equipmentDonors.departmentCode, departmentCode)).orderBy(asc(equipmentDonors.name));
	return rows.filter(
		(d) => can(actor, 'equipment.read', { departmentCode, donorOrganisationId: d.organisationId }) || can(actor, 'equipment.manage', { departmentCode })
	);
}

/** The lots of a donor, newest first. */
export async function lotsOf(database: Database, donorIds: readonly string[]) {
	if (!donorIds.length) return [];
	return database.db
		.select()
		.from(equipmentLots)
		.where(inArray(equipmentLots.donorId, [...donorIds]))
		.orderBy(desc(equipmentLots.receivedOn), asc(equipmentLots.reference));
}
