import { sql } from 'drizzle-orm';
import {
	pgTable,
	text,
	uuid,
	integer,
	bigint,
	bigserial,
	timestamp,
	index,
	uniqueIndex,
	jsonb,
	date,
	check,
	primaryKey,
	type AnyPgColumn
} from 'drizzle-orm/pg-core';
import { organisations, users } from '../accounts/db.ts';
import { places } from '../places/db.ts';
import { beneficiaries } from '../beneficiaries/db.ts';
import { referrals } from '../referral/db.ts';
import { accompaniments } from '../accompaniments/db.ts';

/**
 * Pass Numérique: the departmental fund (partners' contributions), campaigns and the
 * funders' shares, booklets and vouchers, the places qualified to redeem them, monthly
 * statements, and the fund's double-entry ledger. Amounts are in euro cents (integers).
 */

/** Money a partner paid into the fund. */
export const passContributions = pgTable(
	'pass_contributions',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		departmentCode: text('department_code').notNull(),
		funderId: uuid('funder_id')
			.notNull()
			.references(() => organisations.id),
		amountCents: bigint('amount_cents', { mode: 'number' }).notNull(),
		receivedOn: date('received_on').notNull(),
		agreementRef: text('agreement_ref').notNull(),
		/** what the funder asked the money to be used for, in its own words */
		restrictions: text('restrictions'),
		recordedBy: uuid('recorded_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		/** a reversal (migration 0020): the contribution it cancels, its amount the opposite; never updated */
		correctsId: uuid('corrects_id').references((): AnyPgColumn => passContributions.id),
		correctionReason: text('correction_reason')
	},
	(t) => [
		index('pass_contributions_funder_idx').on(t.departmentCode, t.funderId),
		check(
			'pass_contributions_sign',
			sql`(${t.correctsId} IS NULL AND ${t.amountCents} > 0) OR (${t.correctsId} IS NOT NULL AND ${t.amountCents} < 0 AND ${t.correctionReason} IS NOT NULL)`
		),
		uniqueIndex('pass_contributions_corrects_idx')
			.on(t.correctsId)
			.where(sql`${t.correctsId} IS NOT NULL`)
	]
);

/** A campaign: vouchers of one face value, valid between two dates, for publics and areas. */
export const passCampaigns = pgTable(
	'pass_campaigns',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		departmentCode: text('department_code').notNull(),
		name: text('name').notNull(),
		faceValueCents: integer('face_value_cents').notNull().default(1000),
		bookletSize: integer('booklet_size').notNull().default(10),
		validFrom: date('valid_from').notNull(),
		validUntil: date('valid_until').notNull(),
		/** days after validUntil during which a voucher is still redeemed (31 December → 31 January: 31) */
		toleranceDays: integer('tolerance_days').notNull().default(31),
		/** publics_specifiquement_adresses-like labels; empty: everyone */
		publics: text('publics')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		/** the territory's areas the campaign is for (names kept for display); empty: the whole département */
		areaIds: integer('area_ids')
			.array()
			.notNull()
			.default(sql`'{}'::integer[]`),
		/** the INSEE codes of those areas' communes, resolved when the campaign is saved */
		communeCodes: text('commune_codes')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		/** draft → funded (every share paid: vouchers activated) → closed */
		status: text('status').notNull().default('draft'),
		fundedAt: timestamp('funded_at', { withTimezone: true }),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('pass_campaigns_department_idx').on(t.departmentCode, t.validUntil),
		check('pass_campaigns_booklet_size', sql`${t.bookletSize} IN (5, 10)`),
		check('pass_campaigns_face_value', sql`${t.faceValueCents} > 0`),
		check('pass_campaigns_status', sql`${t.status} IN ('draft', 'funded', 'closed')`),
		check('pass_campaigns_dates', sql`${t.validFrom} <= ${t.validUntil}`)
	]
);

/** A funder's share of a campaign: committed from its contributions, then recorded as paid. */
export const passCampaignFunders = pgTable(
	'pass_campaign_funders',
	{
		campaignId: uuid('campaign_id')
			.notNull()
			.references(() => passCampaigns.id, { onDelete: 'cascade' }),
		funderId: uuid('funder_id')
			.notNull()
			.references(() => organisations.id),
		shareCents: bigint('share_cents', { mode: 'number' }).notNull(),
		paidAt: timestamp('paid_at', { withTimezone: true }),
		paidBy: uuid('paid_by').references(() => users.id, { onDelete: 'set null' })
	},
	(t) => [primaryKey({ columns: [t.campaignId, t.funderId] }), check('pass_campaign_funders_positive', sql`${t.shareCents} > 0`)]
);

/** A booklet of 5 or 10 vouchers, entrusted to a prescribing organisation. */
export const passBooklets = pgTable(
	'pass_booklets',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		campaignId: uuid('campaign_id')
			.notNull()
			.references(() => passCampaigns.id, { onDelete: 'cascade' }),
		departmentCode: text('department_code').notNull(),
		number: integer('number').notNull(),
		size: integer('size').notNull(),
		holderOrganisationId: uuid('holder_organisation_id').references(() => organisations.id),
		entrustedAt: timestamp('entrusted_at', { withTimezone: true }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [uniqueIndex('pass_booklets_number_idx').on(t.campaignId, t.number), index('pass_booklets_holder_idx').on(t.holderOrganisationId)]
);

/**
 * A voucher, in exactly one state: created → activated → distributed → redeemed →
 * reimbursed, or expired / cancelled → credited_back.
 */
export const passVouchers = pgTable(
	'pass_vouchers',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		code: text('code').notNull(),
		campaignId: uuid('campaign_id')
			.notNull()
			.references(() => passCampaigns.id, { onDelete: 'cascade' }),
		bookletId: uuid('booklet_id')
			.notNull()
			.references(() => passBooklets.id, { onDelete: 'cascade' }),
		position: integer('position').notNull(),
		departmentCode: text('department_code').notNull(),
		faceValueCents: integer('face_value_cents').notNull(),
		state: text('state').notNull().default('created'),
		activatedAt: timestamp('activated_at', { withTimezone: true }),
		distributedAt: timestamp('distributed_at', { withTimezone: true }),
		distributedBy: uuid('distributed_by').references(() => users.id, { onDelete: 'set null' }),
		distributedOrganisationId: uuid('distributed_organisation_id').references(() => organisations.id),
		beneficiaryId: uuid('beneficiary_id').references(() => beneficiaries.id, { onDelete: 'set null' }),
		referralId: uuid('referral_id').references(() => referrals.id, { onDelete: 'set null' }),
		redeemedAt: timestamp('redeemed_at', { withTimezone: true }),
		redeemedBy: uuid('redeemed_by').references(() => users.id, { onDelete: 'set null' }),
		redeemedPlaceId: text('redeemed_place_id').references(() => places.id),
		redeemedOrganisationId: uuid('redeemed_organisation_id').references(() => organisations.id),
		accompanimentId: uuid('accompaniment_id').references(() => accompaniments.id, { onDelete: 'set null' }),
		statementId: uuid('statement_id').references(() => passStatements.id),
		reimbursedAt: timestamp('reimbursed_at', { withTimezone: true }),
		/** expired or cancelled, then credited back */
		endedAt: timestamp('ended_at', { withTimezone: true }),
		endedReason: text('ended_reason'),
		creditedBackAt: timestamp('credited_back_at', { withTimezone: true })
	},
	(t) => [
		uniqueIndex('pass_vouchers_code_idx').on(t.code),
		uniqueIndex('pass_vouchers_booklet_idx').on(t.bookletId, t.position),
		index('pass_vouchers_campaign_state_idx').on(t.campaignId, t.state),
		index('pass_vouchers_distributed_by_idx')
			.on(t.distributedBy)
			.where(sql`${t.state} = 'distributed'`),
		index('pass_vouchers_redeemed_idx')
			.on(t.redeemedOrganisationId, t.redeemedAt)
			.where(sql`${t.redeemedAt} IS NOT NULL`),
		index('pass_vouchers_statement_idx')
			.on(t.statementId)
			.where(sql`${t.statementId} IS NOT NULL`),
		index('pass_vouchers_accompaniment_idx')
			.on(t.accompanimentId)
			.where(sql`${t.accompanimentId} IS NOT NULL`),
		check('pass_vouchers_state', sql`${t.state} IN ('created', 'activated', 'distributed', 'redeemed', 'reimbursed', 'expired', 'cancelled', 'credited_back')`),
		// a redeemed voucher says where, when and for which accompaniment
		check('pass_vouchers_redeemed', sql`${t.state} NOT IN ('redeemed', 'reimbursed') OR (${t.redeemedAt} IS NOT NULL AND ${t.redeemedPlaceId} IS NOT NULL)`),
		check('pass_vouchers_reimbursed', sql`${t.state} <> 'reimbursed' OR (${t.reimbursedAt} IS NOT NULL AND ${t.statementId} IS NOT NULL)`)
	]
);

/** A place qualified to redeem vouchers: one qualification per SIRET. */
export const passQualifications = pgTable(
	'pass_qualifications',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		departmentCode: text('department_code').notNull(),
		siret: text('siret').notNull(),
		/** the organisation reimbursed (its mediators redeem at the places with this SIRET) */
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisations.id),
		qualifiedAt: timestamp('qualified_at', { withTimezone: true }).notNull().defaultNow(),
		qualifiedBy: uuid('qualified_by').references(() => users.id, { onDelete: 'set null' }),
		suspendedAt: timestamp('suspended_at', { withTimezone: true }),
		suspensionReason: text('suspension_reason')
	},
	(t) => [uniqueIndex('pass_qualifications_siret_idx').on(t.siret), index('pass_qualifications_organisation_idx').on(t.organisationId)]
);

/**
 * A place's monthly statement: the vouchers it redeemed in the month, to be reimbursed.
 * Usually one per place and month; a voucher of that month that reaches the ledger after
 * its statement was paid gets a supplementary statement.
 */
export const passStatements = pgTable(
	'pass_statements',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		departmentCode: text('department_code').notNull(),
		/** first day of the month */
		month: date('month').notNull(),
		placeId: text('place_id')
			.notNull()
			.references(() => places.id),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisations.id),
		voucherCount: integer('voucher_count').notNull(),
		totalCents: bigint('total_cents', { mode: 'number' }).notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		paidAt: timestamp('paid_at', { withTimezone: true }),
		paidBy: uuid('paid_by').references(() => users.id, { onDelete: 'set null' }),
		paymentRef: text('payment_ref')
	},
	(t) => [index('pass_statements_month_place_idx').on(t.month, t.placeId), index('pass_statements_department_idx').on(t.departmentCode, t.month)]
);

/** A ledger transaction: its lines (pass_ledger_lines) sum to zero. */
export const passLedgerEntries = pgTable(
	'pass_ledger_entries',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		departmentCode: text('department_code').notNull(),
		/** contribution | commitment | activation | redemption | reimbursement | credit_back */
		kind: text('kind').notNull(),
		at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
		/** what it records: contribution, campaign, voucher, statement id */
		refType: text('ref_type').notNull(),
		refId: text('ref_id').notNull(),
		memo: text('memo')
	},
	(t) => [index('pass_ledger_entries_ref_idx').on(t.refType, t.refId), index('pass_ledger_entries_department_idx').on(t.departmentCode, t.at)]
);

/**
 * One line of a transaction: an account and a signed amount (debit positive, credit
 * negative). Accounts: `cash`, `funder:<organisation>`, `campaign:<id>:budget`,
 * `campaign:<id>:outstanding`, `place:<id>:payable`.
 */
export const passLedgerLines = pgTable(
	'pass_ledger_lines',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		entryId: bigint('entry_id', { mode: 'number' })
			.notNull()
			.references(() => passLedgerEntries.id),
		account: text('account').notNull(),
		amountCents: bigint('amount_cents', { mode: 'number' }).notNull()
	},
	(t) => [
		index('pass_ledger_lines_entry_idx').on(t.entryId),
		index('pass_ledger_lines_account_idx').on(t.account),
		check('pass_ledger_lines_nonzero', sql`${t.amountCents} <> 0`)
	]
);

/** Something for the coordinators to review: a booklet redeemed at once, a redemption outside the area, code guessing. */
export const passAlerts = pgTable(
	'pass_alerts',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		departmentCode: text('department_code').notNull(),
		/** booklet_burst | outside_area | check_failures */
		kind: text('kind').notNull(),
		campaignId: uuid('campaign_id').references(() => passCampaigns.id, { onDelete: 'cascade' }),
		bookletId: uuid('booklet_id').references(() => passBooklets.id, { onDelete: 'cascade' }),
		voucherId: uuid('voucher_id').references(() => passVouchers.id, { onDelete: 'cascade' }),
		placeId: text('place_id').references(() => places.id),
		organisationId: uuid('organisation_id').references(() => organisations.id),
		userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
		details: jsonb('details'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
		reviewedBy: uuid('reviewed_by').references(() => users.id, { onDelete: 'set null' }),
		reviewNote: text('review_note')
	},
	(t) => [
		index('pass_alerts_department_idx').on(t.departmentCode, t.createdAt),
		uniqueIndex('pass_alerts_booklet_burst_idx')
			.on(t.bookletId)
			.where(sql`${t.kind} = 'booklet_burst'`)
	]
);

/** The expiry warnings sent to a prescriber for a campaign (30, 15, 7 days before): each once. */
export const passWarnings = pgTable(
	'pass_warnings',
	{
		campaignId: uuid('campaign_id')
			.notNull()
			.references(() => passCampaigns.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		daysBefore: integer('days_before').notNull(),
		voucherCount: integer('voucher_count').notNull(),
		sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.campaignId, t.userId, t.daysBefore] })]
);
