import { sql } from 'drizzle-orm';
import { bigserial, boolean, check, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organisations, users } from '../accounts/db.ts';
import { places } from '../places/db.ts';
import { areas } from '../territory/db.ts';
import { beneficiaries } from '../beneficiaries/db.ts';
import { referrals } from '../referral/db.ts';

/**
 * Equipping people (issue 18, decision 0020): the local channel of refurbished devices.
 * Donors give lots of retired devices to a refurbisher (a structure of the network); each
 * device is tested, its data erased, described, graded, priced, then offered, reserved for a
 * prescriber's request, handed over to the person, returned or exchanged under warranty, or
 * recycled. Every change of a device is an event (its history from donor to person). Only
 * the requests name a person (`beneficiary_id`): declared in personal-data.ts.
 */

/** What an instance (a département) accepts as eligibility proofs, and its default warranty. */
export const equipmentSettings = pgTable(
	'equipment_settings',
	{
		departmentCode: text('department_code').primaryKey(),
		/** keys of ELIGIBILITY_KINDS */
		eligibilityKinds: text('eligibility_kinds').array().notNull(),
		defaultWarrantyMonths: integer('default_warranty_months').notNull().default(12),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [check('equipment_settings_warranty', sql`${t.defaultWarrantyMonths} BETWEEN 0 AND 60`)]
);

/** A donor: the Département, a commune, a public body, a partner, a company. */
export const equipmentDonors = pgTable(
	'equipment_donors',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		departmentCode: text('department_code').notNull(),
		/** a key of DONOR_KINDS */
		kind: text('kind').notNull(),
		name: text('name').notNull(),
		/** the donor's structure when it is one of the network's (its partners read its report) */
		organisationId: uuid('organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
		communeCode: text('commune_code'),
		siret: text('siret'),
		/** a public body bound by décret 2023-266 */
		publicBody: boolean('public_body').notNull().default(false),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('equipment_donors_department_idx').on(t.departmentCode, t.name),
		check('equipment_donors_kind', sql`${t.kind} IN ('departement', 'commune', 'public_body', 'partner', 'company', 'other')`)
	]
);

/** A donor's retired devices in stock on 1 January of a year (10 years old or less), as declared: the ratio's denominator. */
export const equipmentDonorStock = pgTable(
	'equipment_donor_stock',
	{
		donorId: uuid('donor_id')
			.notNull()
			.references(() => equipmentDonors.id, { onDelete: 'cascade' }),
		departmentCode: text('department_code').notNull(),
		year: integer('year').notNull(),
		retiredInStock: integer('retired_in_stock').notNull(),
		declaredBy: uuid('declared_by').references(() => users.id, { onDelete: 'set null' }),
		declaredAt: timestamp('declared_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.donorId, t.year] }),
		check('equipment_donor_stock_values', sql`${t.year} BETWEEN 2000 AND 2100 AND ${t.retiredInStock} >= 0`)
	]
);

/** A lot given by a donor to a refurbisher. */
export const equipmentLots = pgTable(
	'equipment_lots',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		departmentCode: text('department_code').notNull(),
		donorId: uuid('donor_id')
			.notNull()
			.references(() => equipmentDonors.id),
		refurbisherOrganisationId: uuid('refurbisher_organisation_id')
			.notNull()
			.references(() => organisations.id),
		reference: text('reference').notNull(),
		receivedOn: date('received_on').notNull(),
		/** the donation's legal frame, e.g. CGPPP L.3212-2 for a public body's gift */
		legalBasis: text('legal_basis').notNull().default(''),
		note: text('note').notNull().default(''),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('equipment_lots_donor_idx').on(t.donorId, t.receivedOn),
		index('equipment_lots_refurbisher_idx').on(t.refurbisherOrganisationId, t.receivedOn),
		uniqueIndex('equipment_lots_reference_idx').on(t.departmentCode, t.reference)
	]
);

/** A device of a lot, its status, and what refurbishing established about it. */
export const equipmentDevices = pgTable(
	'equipment_devices',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		departmentCode: text('department_code').notNull(),
		lotId: uuid('lot_id')
			.notNull()
			.references(() => equipmentLots.id),
		refurbisherOrganisationId: uuid('refurbisher_organisation_id')
			.notNull()
			.references(() => organisations.id),
		/** where it is stocked (a place of the network), when known */
		placeId: text('place_id').references(() => places.id, { onDelete: 'set null' }),
		/** a key of DEVICE_TYPES */
		type: text('type').notNull(),
		brand: text('brand').notNull().default(''),
		model: text('model').notNull().default(''),
		serial: text('serial').notNull().default(''),
		manufactureYear: integer('manufacture_year'),
		stateOnReceipt: text('state_on_receipt').notNull().default(''),
		/** a key of DEVICE_STATUSES; changed only through model.ts's TRANSITIONS */
		status: text('status').notNull().default('received'),
		statusChangedAt: timestamp('status_changed_at', { withTimezone: true }).notNull().defaultNow(),
		cpu: text('cpu').notNull().default(''),
		memoryGb: integer('memory_gb'),
		storageGb: integer('storage_gb'),
		screenInches: text('screen_inches').notNull().default(''),
		/** battery health in percent, when it has a battery */
		batteryHealth: integer('battery_health'),
		operatingSystem: text('operating_system').notNull().default(''),
		/** a key of GRADES */
		grade: text('grade'),
		warrantyMonths: integer('warranty_months'),
		/** the solidarity price, integer cents */
		priceCents: integer('price_cents'),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('equipment_devices_lot_idx').on(t.lotId),
		index('equipment_devices_stock_idx').on(t.refurbisherOrganisationId, t.status, t.type),
		// the stock page's order, all statuses or one (0044)
		index('equipment_devices_stock_recent_idx').on(t.refurbisherOrganisationId, t.statusChangedAt.desc(), t.id),
		index('equipment_devices_stock_status_recent_idx').on(t.refurbisherOrganisationId, t.status, t.statusChangedAt.desc(), t.id),
		index('equipment_devices_department_idx').on(t.departmentCode, t.status),
		check('equipment_devices_status', sql`${t.status} IN ('received', 'refurbishing', 'available', 'reserved', 'handed_over', 'returned', 'recycled')`),
		check('equipment_devices_type', sql`${t.type} IN ('laptop', 'desktop', 'tablet', 'smartphone', 'screen', 'other')`),
		check('equipment_devices_grade', sql`${t.grade} IS NULL OR ${t.grade} IN ('A', 'B', 'C')`),
		check(
			'equipment_devices_numbers',
			sql`(${t.priceCents} IS NULL OR ${t.priceCents} BETWEEN 0 AND 100000) AND (${t.warrantyMonths} IS NULL OR ${t.warrantyMonths} BETWEEN 0 AND 60) AND (${t.batteryHealth} IS NULL OR ${t.batteryHealth} BETWEEN 0 AND 100) AND (${t.memoryGb} IS NULL OR ${t.memoryGb} BETWEEN 0 AND 4096) AND (${t.storageGb} IS NULL OR ${t.storageGb} BETWEEN 0 AND 1048576) AND (${t.manufactureYear} IS NULL OR ${t.manufactureYear} BETWEEN 1980 AND 2100)`
		),
		check(
			'equipment_devices_offer_complete',
			sql`${t.status} NOT IN ('available', 'reserved', 'handed_over') OR (${t.grade} IS NOT NULL AND ${t.warrantyMonths} IS NOT NULL AND ${t.priceCents} IS NOT NULL)`
		)
	]
);

/** Every change of a device: its history from the donor to the person or recycling. */
export const equipmentDeviceEvents = pgTable(
	'equipment_device_events',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		deviceId: uuid('device_id')
			.notNull()
			.references(() => equipmentDevices.id, { onDelete: 'cascade' }),
		departmentCode: text('department_code').notNull(),
		/** a key of EVENT_KINDS */
		kind: text('kind').notNull(),
		fromStatus: text('from_status'),
		toStatus: text('to_status'),
		requestId: uuid('request_id'),
		at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
		actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
		/** non-personal details (a place, a reason's key) */
		details: jsonb('details').$type<Record<string, unknown>>().notNull().default({})
	},
	(t) => [index('equipment_device_events_device_idx').on(t.deviceId, t.at), index('equipment_device_events_kind_idx').on(t.departmentCode, t.kind, t.at)]
);

/** A test of the device's functions. */
export const equipmentTests = pgTable(
	'equipment_tests',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		deviceId: uuid('device_id')
			.notNull()
			.references(() => equipmentDevices.id, { onDelete: 'cascade' }),
		departmentCode: text('department_code').notNull(),
		testedOn: date('tested_on').notNull(),
		/** function key (TEST_FUNCTIONS) → checked ok */
		results: jsonb('results').$type<Record<string, boolean>>().notNull(),
		passed: boolean('passed').notNull(),
		operatorUserId: uuid('operator_user_id').references(() => users.id, { onDelete: 'set null' }),
		note: text('note').notNull().default(''),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('equipment_tests_device_idx').on(t.deviceId, t.testedOn)]
);

/** The report of the previous user's data erasure (décret 2022-190): required before an offer or a handover. */
export const equipmentErasures = pgTable(
	'equipment_erasures',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		deviceId: uuid('device_id')
			.notNull()
			.references(() => equipmentDevices.id, { onDelete: 'cascade' }),
		departmentCode: text('department_code').notNull(),
		/** a key of ERASURE_METHODS */
		method: text('method').notNull(),
		tool: text('tool').notNull().default(''),
		erasedOn: date('erased_on').notNull(),
		operatorUserId: uuid('operator_user_id').references(() => users.id, { onDelete: 'set null' }),
		/** the operator as the report names them (a professional of the workshop) */
		operatorName: text('operator_name').notNull(),
		reportReference: text('report_reference').notNull().default(''),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('equipment_erasures_device_idx').on(t.deviceId),
		check('equipment_erasures_method', sql`${t.method} IN ('overwrite', 'secure_erase', 'crypto_erase', 'factory_reset', 'storage_destroyed')`)
	]
);

/** A device sent to recycling, recorded. */
export const equipmentRecycling = pgTable('equipment_recycling', {
	deviceId: uuid('device_id')
		.primaryKey()
		.references(() => equipmentDevices.id, { onDelete: 'cascade' }),
	departmentCode: text('department_code').notNull(),
	recycledOn: date('recycled_on').notNull(),
	channel: text('channel').notNull(),
	certificateReference: text('certificate_reference').notNull().default(''),
	reason: text('reason').notNull().default(''),
	createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
});

/** A prescriber's request of a device for a person they follow: the waiting list of its area. */
export const equipmentRequests = pgTable(
	'equipment_requests',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		departmentCode: text('department_code').notNull(),
		/** the person; NULL once erased or past retention (the device's history stays) */
		beneficiaryId: uuid('beneficiary_id').references(() => beneficiaries.id, { onDelete: 'set null' }),
		/** the prescribing structure (holds the person's record) */
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisations.id),
		areaId: integer('area_id').references(() => areas.id, { onDelete: 'set null' }),
		/** a key of NEEDS */
		need: text('need').notNull(),
		/** a key of ELIGIBILITY_KINDS: the proof's kind only, never a copy */
		eligibilityKind: text('eligibility_kind').notNull(),
		/** a short reference shown to the refurbisher instead of the person's name */
		reference: text('reference').notNull(),
		requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
		/** a key of REQUEST_STATUSES */
		status: text('status').notNull().default('waiting'),
		deviceId: uuid('device_id').references(() => equipmentDevices.id, { onDelete: 'set null' }),
		reservedAt: timestamp('reserved_at', { withTimezone: true }),
		closedAt: timestamp('closed_at', { withTimezone: true }),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('equipment_requests_waiting_idx')
			.on(t.departmentCode, t.areaId, t.requestedAt, t.id)
			.where(sql`${t.status} = 'waiting'`),
		index('equipment_requests_beneficiary_idx').on(t.beneficiaryId),
		index('equipment_requests_organisation_idx').on(t.organisationId, t.requestedAt),
		uniqueIndex('equipment_requests_device_active_idx')
			.on(t.deviceId)
			.where(sql`${t.status} IN ('reserved', 'handed_over')`),
		uniqueIndex('equipment_requests_reference_idx').on(t.reference),
		check('equipment_requests_status', sql`${t.status} IN ('waiting', 'reserved', 'handed_over', 'closed', 'cancelled')`),
		check('equipment_requests_need', sql`${t.need} IN ('laptop', 'desktop', 'tablet', 'smartphone')`),
		check('equipment_requests_eligibility', sql`${t.eligibilityKind} IN ('minima_sociaux', 'job_seeker', 'student', 'quotient', 'reste_a_vivre')`),
		check('equipment_requests_device', sql`${t.status} NOT IN ('reserved', 'handed_over') OR ${t.deviceId} IS NOT NULL`)
	]
);

/** A device handed over for a request: the receipt, the set-up accompaniment proposed, a return under warranty. */
export const equipmentHandovers = pgTable(
	'equipment_handovers',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		departmentCode: text('department_code').notNull(),
		requestId: uuid('request_id')
			.notNull()
			.references(() => equipmentRequests.id, { onDelete: 'cascade' }),
		deviceId: uuid('device_id')
			.notNull()
			.references(() => equipmentDevices.id),
		placeId: text('place_id').references(() => places.id, { onDelete: 'set null' }),
		handedOverAt: timestamp('handed_over_at', { withTimezone: true }).notNull(),
		/** 'on_screen' or 'paper': the receipt's kind; nothing of the signature itself is stored */
		receipt: text('receipt').notNull(),
		warrantyUntil: date('warranty_until').notNull(),
		priceCents: integer('price_cents').notNull(),
		/** a key of ACCOMPANIMENT_PROPOSALS */
		accompaniment: text('accompaniment').notNull(),
		accompanimentPlaceId: text('accompaniment_place_id').references(() => places.id, { onDelete: 'set null' }),
		/** the referral (or appointment: the referral accepted with its time) the handover created; its outcome is the referral's (decision 0023) */
		referralId: uuid('referral_id').references(() => referrals.id, { onDelete: 'set null' }),
		/** a key of ACCOMPANIMENT_OUTCOMES: typed by hand for an accompaniment outside the network; frozen from the referral when the person is unlinked */
		accompanimentOutcome: text('accompaniment_outcome').notNull().default('pending'),
		accompanimentOn: date('accompaniment_on'),
		returnedAt: timestamp('returned_at', { withTimezone: true }),
		/** a key of RETURN_REASONS */
		returnReason: text('return_reason'),
		exchangedForDeviceId: uuid('exchanged_for_device_id').references(() => equipmentDevices.id),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('equipment_handovers_request_idx').on(t.requestId),
		index('equipment_handovers_device_idx').on(t.deviceId),
		index('equipment_handovers_department_idx').on(t.departmentCode, t.handedOverAt),
		check('equipment_handovers_receipt', sql`${t.receipt} IN ('on_screen', 'paper')`),
		index('equipment_handovers_referral_idx')
			.on(t.referralId)
			.where(sql`${t.referralId} IS NOT NULL`),
		check('equipment_handovers_accompaniment', sql`${t.accompaniment} IN ('referral', 'appointment', 'outside', 'declined')`),
		check('equipment_handovers_outcome', sql`${t.accompanimentOutcome} IN ('pending', 'done', 'not_done', 'declined')`),
		check('equipment_handovers_return', sql`${t.returnReason} IS NULL OR ${t.returnReason} IN ('warranty', 'exchange', 'other')`)
	]
);

export type EquipmentDevice = typeof equipmentDevices.$inferSelect;
export type EquipmentRequest = typeof equipmentRequests.$inferSelect;
export type EquipmentLot = typeof equipmentLots.$inferSelect;
export type EquipmentDonor = typeof equipmentDonors.$inferSelect;
