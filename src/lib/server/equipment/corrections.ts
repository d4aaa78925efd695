/**
 * Correcting what was recorded of a gift (issue 18, item 1): a donor's details, a lot's
 * header (donor, reference, day, legal frame, note) and its lines — a device not yet
 * refurbished (status « Reçu ») is corrected or removed, devices forgotten are added. The
 * same people as for recording (can('equipment.manage'), manageActingFor); each correction is
 * one transaction with its journal entry (the fields changed, never their values for the
 * devices' serials), and a device's correction is an event of its history. All or nothing:
 * one line in error and nothing is written.
 */
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { can, fieldErrors, organisationNames, organisationSummaries, type Actor } from '../accounts/index.ts';
import { equipmentDevices, equipmentDonors, equipmentLots, type EquipmentDonor } from './db.ts';
import { dayField, deviceLine, donorInput, isUuid, type DeviceLine } from './model.ts';
import { parseLotLines } from './lot-lines.ts';
import { EquipmentError, NO_DONOR, NO_LOT, addEvent, receiveDevices, userActor } from './internal.ts';

const INCOMPLETE = 'Le formulaire n’est pas complet.';
const NOBODY = 'Seules la coordination du département et les structures qui reconditionnent corrigent les dons.';

/** Whether the actor corrects the gifts of a département (its coordinators, or a refurbisher's team there). */
function mustCorrect(actor: Actor, departmentCode: string, refurbisherId: string | null) {
	const ok =
		can(actor, 'equipment.manage', { departmentCode, organisationId: null }) ||
		(refurbisherId
			? can(actor, 'equipment.manage', { departmentCode, organisationId: refurbisherId })
			: actor.memberships.some(
					(m) => m.departmentCode === departmentCode && can(actor, 'equipment.manage', { departmentCode, organisationId: m.organisationId })
				));
	if (!ok) throw new EquipmentError('forbidden', NOBODY);
}

/**
 * Who corrects a donor: the département's coordinators; else the teams of the structures that
 * received a lot from it; a donor without a lot yet, the one who recorded it. (Any team of the
 * département could rename or retype the Département's own donor, whose report is a legal proof.)
 */
async function mustCorrectDonor(database: Database, actor: Actor, donor: EquipmentDonor) {
	if (can(actor, 'equipment.manage', { departmentCode: donor.departmentCode, organisationId: null })) return;
	const lots = await database.db
		.selectDistinct({ refurbisher: equipmentLots.refurbisherOrganisationId })
		.from(equipmentLots)
		.where(eq(equipmentLots.donorId, donor.id));
	const ok = lots.length
		? lots.some((l) => can(actor, 'equipment.manage', { departmentCode: donor.departmentCode, organisationId: l.refurbisher }))
		: donor.createdBy === actor.userId;
	if (!ok) throw new EquipmentError('forbidden', NOBODY);
}

async function loadDonor(database: Database, id: string): Promise<EquipmentDonor> {
	if (!isUuid(id)) throw new EquipmentError('not_found', NO_DONOR);
	const [d] = await database.db.select().from(equipmentDonors).where(eq(equipmentDonors.id, id));
	if (!d) throw new EquipmentError('not_found', NO_DONOR);
	return d;
}

/** A donor as its correction form shows it. */
export async function donorForEditing(database: Database, actor: Actor, donorId: string) {
	const d = await loadDonor(database, donorId);
	await mustCorrectDonor(database, actor, d);
	return d;
}

/** A donor's details corrected: the same checks as when it was recorded. */
export async function updateDonor(database: Database, actor: Actor, donorId: string, input: unknown, ip?: string | null): Promise<void> {
	const donor = await loadDonor(database, donorId);
	await mustCorrectDonor(database, actor, donor);
	const parsed = donorInput.safeParse(input);
	const fields = parsed.success ? {} : fieldErrors(parsed.error.issues);
	const commune = (input as { communeCode?: unknown } | null)?.communeCode;
	if (!fields.communeCode && typeof commune === 'string' && commune && !commune.startsWith(donor.departmentCode))
		fields.communeCode = 'Indiquez une commune du département.';
	if (!parsed.success || Object.keys(fields).length) throw new EquipmentError('invalid', INCOMPLETE, fields);
	const v = parsed.data;
	const organisationId = v.organisationId === undefined ? donor.organisationId : v.organisationId;
	if (organisationId && organisationId !== donor.organisationId) {
		const org = (await organisationSummaries(database.db, [organisationId])).get(organisationId);
		if (!org || org.departmentCode !== donor.departmentCode)
			throw new EquipmentError('invalid', INCOMPLETE, { organisationId: 'Choisissez une structure du département.' });
	}
	const next = {
		kind: v.kind,
		name: v.name,
		publicBody: v.publicBody || v.kind === 'departement' || v.kind === 'commune' || v.kind === 'public_body',
		communeCode: v.communeCode ?? null,
		siret: v.siret ?? null,
		organisationId
	};
	const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => next[k] !== donor[k]);
	if (!changed.length) return;
	await database.db.transaction(async (tx) => {
		await tx
			.update(equipmentDonors)
			.set({ ...next, updatedAt: new Date() })
			.where(eq(equipmentDonors.id, donor.id));
		await journal(tx, {
			actor: userActor(actor),
			action: 'equipment.donor.updated',
			targetType: 'equipment_donor',
			targetId: donor.id,
			departmentCode: donor.departmentCode,
			ip,
			details: donor.name === next.name ? { name: next.name, changed } : { name: next.name, previousName: donor.name, changed }
		});
	});
}

/** A lot with its devices, for its correction form: who may correct it, its donors' choices. */
export async function lotForEditing(database: Database, actor: Actor, lotId: string) {
	if (!isUuid(lotId)) throw new EquipmentError('not_found', NO_LOT);
	const [lot] = await database.db.select().from(equipmentLots).where(eq(equipmentLots.id, lotId));
	if (!lot) throw new EquipmentError('not_found', NO_LOT);
	// not found rather than forbidden: another structure's lot is not shown to exist
	try {
		mustCorrect(actor, lot.departmentCode, lot.refurbisherOrganisationId);
	} catch {
		throw new EquipmentError('not_found', NO_LOT);
	}
	const devices = await database.db
		.select()
		.from(equipmentDevices)
		.where(eq(equipmentDevices.lotId, lot.id))
		.orderBy(asc(equipmentDevices.createdAt), asc(equipmentDevices.serial), asc(equipmentDevices.id));
	const donors = await database.db
		.select({ id: equipmentDonors.id, name: equipmentDonors.name })
		.from(equipmentDonors)
		.where(eq(equipmentDonors.departmentCode, lot.departmentCode))
		.orderBy(asc(equipmentDonors.name));
	const refurbisher = (await organisationNames(database.db, [lot.refurbisherOrganisationId])).get(lot.refurbisherOrganisationId) ?? '';
	// whether the actor opens the devices' pages (the refurbisher's team), or only corrects the lot (a coordinator)
	const opensDevices = can(actor, 'equipment.refurbish', { organisationId: lot.refurbisherOrganisationId });
	return { lot, devices, donors, refurbisher, opensDevices };
}

const lotHeader = z.object({
	donorId: z.uuid({ error: 'Choisissez le donateur.' }),
	reference: z.string().trim().min(1, { error: 'Indiquez la référence du lot.' }).max(60, { error: '60 caractères au plus.' }),
	receivedOn: dayField,
	legalBasis: z.string().trim().max(200, { error: '200 caractères au plus.' }).default(''),
	note: z.string().trim().max(1000, { error: '1000 caractères au plus.' }).default('')
});

export interface LotCorrection {
	donorId: string;
	reference: string;
	receivedOn: string;
	legalBasis?: string;
	note?: string;
	/** the lot's devices as corrected; `remove` takes a device recorded by mistake out of the lot */
	devices?: ({ id: string; remove?: boolean } & Record<string, unknown>)[];
	/** devices forgotten, one a line as in the lot's form (type ; brand ; model ; serial ; year ; state) */
	added?: string;
}

const LINE_KEYS = ['type', 'brand', 'model', 'serial', 'manufactureYear', 'stateOnReceipt'] as const;

/**
 * The lot's header and lines corrected. A device still « Reçu » may be corrected or removed;
 * once its refurbishing has begun, its lines are what the tests and the erasure report speak
 * of: refused. Field errors: the header's by name, a device's as `appareil-<index>-<field>`,
 * the added lines' as `added`.
 */
export async function updateLot(
	database: Database,
	actor: Actor,
	lotId: string,
	input: LotCorrection,
	ip?: string | null
): Promise<{ changed: number; removed: number; added: number }> {
	const { lot } = await lotForEditing(database, actor, lotId);
	const fields: Record<string, string> = {};
	const header = lotHeader.safeParse(input);
	if (!header.success) Object.assign(fields, fieldErrors(header.error.issues));
	const lines: { id: string; remove: boolean; line: DeviceLine | null }[] = [];
	(input.devices ?? []).forEach((d, i) => {
		if (!isUuid(String(d.id ?? ''))) {
			fields[`appareil-${i}-type`] = 'Cet appareil n’est pas de ce lot.';
			return;
		}
		if (d.remove) {
			lines.push({ id: d.id, remove: true, line: null });
			return;
		}
		const parsed = deviceLine.safeParse(Object.fromEntries(LINE_KEYS.map((k) => [k, d[k]])));
		if (!parsed.success) {
			for (const issue of parsed.error.issues) fields[`appareil-${i}-${String(issue.path[0] ?? 'type')}`] ??= issue.message;
			return;
		}
		lines.push({ id: d.id, remove: false, line: parsed.data });
	});
	let added: DeviceLine[] = [];
	if (input.added?.trim()) {
		const parsed = parseLotLines(input.added);
		if (parsed.ok) added = parsed.devices;
		else fields.added = parsed.error;
	}
	if (Object.keys(fields).length || !header.success) throw new EquipmentError('invalid', INCOMPLETE, fields);
	const h = header.data;
	if (h.donorId !== lot.donorId) {
		const [donor] = await database.db.select().from(equipmentDonors).where(eq(equipmentDonors.id, h.donorId));
		if (!donor || donor.departmentCode !== lot.departmentCode)
			throw new EquipmentError('invalid', INCOMPLETE, { donorId: 'Choisissez un donateur du département.' });
	}
	return database.db.transaction(async (tx) => {
		const [locked] = await tx.select().from(equipmentLots).where(eq(equipmentLots.id, lot.id)).for('update');
		if (!locked) throw new EquipmentError('not_found', NO_LOT);
		const [dup] = await tx
			.select({ id: equipmentLots.id })
			.from(equipmentLots)
			.where(and(eq(equipmentLots.departmentCode, lot.departmentCode), eq(equipmentLots.reference, h.reference), ne(equipmentLots.id, lot.id)));
		if (dup) throw new EquipmentError('invalid', INCOMPLETE, { reference: 'Un autre lot porte déjà cette référence.' });
		const ids = lines.map((l) => l.id);
		const current = ids.length
			? await tx
					.select()
					.from(equipmentDevices)
					.where(and(eq(equipmentDevices.lotId, lot.id), inArray(equipmentDevices.id, ids)))
					.orderBy(asc(equipmentDevices.id))
					.for('update')
			: [];
		const byId = new Map(current.map((d) => [d.id, d]));
		const refused: Record<string, string> = {};
		const changes: { id: string; set: Partial<DeviceLine>; device: (typeof current)[number] }[] = [];
		const removals: (typeof current)[number][] = [];
		// every line parsed (else refused above): lines[i] is the i-th device posted
		(input.devices ?? []).forEach((raw, i) => {
			const l = lines[i];
			const d = byId.get(String(raw.id));
			if (!d) {
				refused[`appareil-${i}-type`] = 'Cet appareil n’est pas de ce lot.';
				return;
			}
			const set: Partial<DeviceLine> = {};
			if (l.line) for (const k of LINE_KEYS) if (l.line[k] !== d[k]) (set as Record<string, unknown>)[k] = l.line[k];
			if (!l.remove && !Object.keys(set).length) return;
			if (d.status !== 'received') {
				refused[`appareil-${i}-type`] = 'Le reconditionnement de cet appareil a commencé\u00a0: ses lignes ne se corrigent plus.';
				return;
			}
			if (l.remove) removals.push(d);
			else changes.push({ id: d.id, set, device: d });
		});
		if (Object.keys(refused).length) throw new EquipmentError('conflict', 'Certains appareils ne se corrigent plus.', refused);
		const now = new Date();
		const headerChanged = (['donorId', 'reference', 'receivedOn', 'legalBasis', 'note'] as const).filter((k) => h[k] !== locked[k]);
		if (headerChanged.length)
			await tx
				.update(equipmentLots)
				.set({ donorId: h.donorId, reference: h.reference, receivedOn: h.receivedOn, legalBasis: h.legalBasis, note: h.note, updatedAt: now })
				.where(eq(equipmentLots.id, lot.id));
		for (const c of changes) {
			await tx
				.update(equipmentDevices)
				.set({ ...c.set, updatedAt: now })
				.where(eq(equipmentDevices.id, c.id));
			await addEvent(tx, c.device, { kind: 'corrected', actor, now, details: { fields: Object.keys(c.set) } });
		}
		if (removals.length)
			await tx.delete(equipmentDevices).where(
				inArray(
					equipmentDevices.id,
					removals.map((d) => d.id)
				)
			);
		if (added.length) await receiveDevices(tx, { ...lot, donorId: h.donorId }, added, actor, { addedByCorrection: true });
		const summary = { changed: changes.length, removed: removals.length, added: added.length };
		if (headerChanged.length || summary.changed || summary.removed || summary.added)
			await journal(tx, {
				actor: userActor(actor),
				action: 'equipment.lot.corrected',
				targetType: 'equipment_lot',
				targetId: lot.id,
				departmentCode: lot.departmentCode,
				ip,
				details: {
					reference: h.reference,
					organisationId: lot.refurbisherOrganisationId,
					headerChanged,
					...summary,
					removedDevices: removals.map((d) => d.id)
				}
			});
		return summary;
	});
}
