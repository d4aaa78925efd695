import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organisations, users } from '../accounts/db.ts';

/**
 * Who may see or do what about a person, until when (decision 0014). One row is one grant
 * the person gave: to a structure (`granteeOrganisationId`), to a named professional
 * (`granteeUserId`), or to a place without an account through a referral's link
 * (`granteePlaceId`); covering `scopes`; for `purpose`; given by `method`; valid from
 * `validFrom` until `validUntil` (open-ended when null); revoked at `revokedAt` by
 * `revokedBy` ('person' | 'professional', and `revokedByUserId` when a professional did).
 *
 * A grant opens something only while it is in force: `status` 'in_force', not revoked,
 * and now within its window. A consent asked by SMS is 'pending' until the person answers
 * OUI (consent_requests), then 'in_force'; or 'refused', 'expired', 'cancelled'.
 *
 * `kind` is 'consent' (sharing the record with a structure for a referral or a follow-up)
 * or 'mandate' (one theme of a mandate, `mandateId`: ../mandates/); document shares and
 * appointments are kinds to come on the same table, read by the same rule
 * (permissions/grants.ts) and the same policies (migration 0023).
 */
export const grants = pgTable(
	'grants',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		kind: text('kind').notNull().default('consent'),
		/** the person (beneficiaries.id; the foreign key, ON DELETE CASCADE, is in the migrations: declaring it here would make the tables' modules import each other) */
		beneficiaryId: uuid('beneficiary_id').notNull(),
		/** the structure whose team the grant opens to (null: a named professional, or a place without an account) */
		granteeOrganisationId: uuid('grantee_organisation_id').references(() => organisations.id),
		/** a named professional (the grant follows the person, not their structure) */
		granteeUserId: uuid('grantee_user_id').references(() => users.id, { onDelete: 'cascade' }),
		/** a place without an account: it reads through the referral's signed link only */
		granteePlaceId: text('grantee_place_id'),
		/** for a consent: keys of CONSENT_SCOPES ('identity', 'contact', 'assessment', 'referral_reason', 'health') */
		scopes: text('scopes').array().notNull(),
		/** what the person was told, in their words (shown on their page) */
		purpose: text('purpose').notNull(),
		/** see GRANT_METHODS: 'signature' | 'oral' | 'sms' | 'code' */
		method: text('method').notNull(),
		/** see GRANT_STATUSES; only 'in_force' opens anything */
		status: text('status').notNull().default('in_force'),
		/** when it starts to open (for a consent by SMS: the time of the person's OUI; while pending: the request's) */
		validFrom: timestamp('valid_from', { withTimezone: true }).notNull().defaultNow(),
		/** when it stops by itself (null: until revoked) */
		validUntil: timestamp('valid_until', { withTimezone: true }),
		/** how it was given, beyond the method: e.g. the SMS request's id and reference, the professional who confirmed an oral statement */
		evidence: jsonb('evidence').notNull().default({}),
		recordedBy: uuid('recorded_by').references(() => users.id, { onDelete: 'set null' }),
		recordedByOrganisationId: uuid('recorded_by_organisation_id')
			.notNull()
			.references(() => organisations.id),
		revokedAt: timestamp('revoked_at', { withTimezone: true }),
		/** 'person' | 'professional' */
		revokedBy: text('revoked_by'),
		revokedByUserId: uuid('revoked_by_user_id').references(() => users.id, { onDelete: 'set null' }),
		/** for a grant of kind 'mandate': the mandate it is one theme of (mandates.id; the foreign key, ON DELETE CASCADE, is in migration 0029) */
		mandateId: uuid('mandate_id')
	},
	(t) => [
		index('grants_beneficiary_idx').on(t.beneficiaryId),
		index('grants_organisation_idx')
			.on(t.granteeOrganisationId)
			.where(sql`${t.revokedAt} IS NULL`),
		index('grants_user_idx')
			.on(t.granteeUserId)
			.where(sql`${t.revokedAt} IS NULL AND ${t.granteeUserId} IS NOT NULL`),
		check('grants_window', sql`${t.validUntil} IS NULL OR ${t.validUntil} > ${t.validFrom}`),
		check('grants_method', sql`${t.method} IN ('signature', 'oral', 'sms', 'code')`),
		check('grants_status', sql`${t.status} IN ('pending', 'in_force', 'refused', 'expired', 'cancelled')`),
		check('grants_revoked', sql`(${t.revokedAt} IS NULL) = (${t.revokedBy} IS NULL)`),
		check('grants_mandate_kind', sql`(${t.kind} = 'mandate') = (${t.mandateId} IS NOT NULL)`),
		index('grants_mandate_idx')
			.on(t.mandateId)
			.where(sql`${t.mandateId} IS NOT NULL`)
	]
);

export type Grant = typeof grants.$inferSelect;
