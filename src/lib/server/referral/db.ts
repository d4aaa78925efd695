import { sql } from 'drizzle-orm';
import { pgTable, text, uuid, integer, timestamp, index, bigserial, date } from 'drizzle-orm/pg-core';
import { organisations, users } from '../accounts/db.ts';
import { places } from '../places/db.ts';
import { beneficiaries, assessments } from '../beneficiaries/db.ts';
import { grants } from '../grants/db.ts';

/**
 * A referral (orientation) of a person to a place, with their consent. `status` follows
 * model.ts; every change is also a row of referral_events (the timeline) and an audit
 * entry. A place without an account answers through a signed link bound to `linkNonce`,
 * which changes at each answer: a link works for one answer only.
 */
export const referrals = pgTable(
	'referrals',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		beneficiaryId: uuid('beneficiary_id')
			.notNull()
			.references(() => beneficiaries.id, { onDelete: 'cascade' }),
		fromOrganisationId: uuid('from_organisation_id')
			.notNull()
			.references(() => organisations.id),
		prescriberId: uuid('prescriber_id').references(() => users.id, { onDelete: 'set null' }),
		placeId: text('place_id')
			.notNull()
			.references(() => places.id),
		/** the organisation running the place when it was sent (null: the place answers by link) */
		toOrganisationId: uuid('to_organisation_id').references(() => organisations.id),
		consentId: uuid('consent_id')
			.notNull()
			.references(() => grants.id),
		assessmentId: uuid('assessment_id').references(() => assessments.id, { onDelete: 'set null' }),
		reason: text('reason').notNull(),
		status: text('status').notNull().default('sent'),
		departmentCode: text('department_code').notNull(),
		placeDepartmentCode: text('place_department_code'),
		sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
		statusAt: timestamp('status_at', { withTimezone: true }).notNull().defaultNow(),
		appointmentAt: timestamp('appointment_at', { withTimezone: true }),
		declineReason: text('decline_reason'),
		declineNote: text('decline_note'),
		remindersSent: integer('reminders_sent').notNull().default(0),
		linkNonce: text('link_nonce').notNull(),
		honouredByAccompanimentId: uuid('honoured_by_accompaniment_id'),
		/** the day of the accompaniment that honoured it (YYYY-MM-DD), written with it */
		honouredOn: date('honoured_on'),
		/** how it reached the place: 'team', 'email' (a signed link), 'prescriber' (they tell the place themselves) */
		delivery: text('delivery').notNull().default('email')
	},
	(t) => [
		index('referrals_to_org_idx').on(t.toOrganisationId, t.status, t.sentAt),
		index('referrals_place_idx').on(t.placeId, t.status, t.sentAt),
		index('referrals_from_org_idx').on(t.fromOrganisationId, t.status, t.sentAt),
		index('referrals_beneficiary_idx').on(t.beneficiaryId, t.sentAt),
		index('referrals_awaiting_idx')
			.on(t.sentAt)
			.where(sql`${t.status} IN ('sent', 'under_study')`)
	]
);

/** The timeline of a referral. */
export const referralEvents = pgTable(
	'referral_events',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		referralId: uuid('referral_id')
			.notNull()
			.references(() => referrals.id, { onDelete: 'cascade' }),
		at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
		type: text('type').notNull(),
		/** 'prescriber' | 'place' | 'person' | 'system' */
		actorKind: text('actor_kind').notNull(),
		userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
		fromStatus: text('from_status'),
		toStatus: text('to_status').notNull()
	},
	(t) => [index('referral_events_referral_idx').on(t.referralId, t.at)]
);
