import { sql } from 'drizzle-orm';
import { pgTable, text, uuid, integer, timestamp, index, check } from 'drizzle-orm/pg-core';

/**
 * E-mails to send, written in the same transaction as what they announce, then delivered
 * by a pg-boss job (retries with backoff). Bodies hold names and links: purged after
 * MAIL_RETENTION_DAYS.
 */
export const outbox = pgTable(
	'outbox',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		/** 'email' | 'sms' */
		channel: text('channel').notNull().default('email'),
		/** an e-mail address, or a phone number in E.164 for an SMS */
		to: text('to').notNull(),
		subject: text('subject').notNull(),
		text: text('text').notNull(),
		html: text('html'),
		/** template name, for the logs and the tests */
		template: text('template').notNull(),
		/** 'pending' | 'sent' | 'failed' */
		status: text('status').notNull().default('pending'),
		attempts: integer('attempts').notNull().default(0),
		lastError: text('last_error'),
		messageId: text('message_id'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		sentAt: timestamp('sent_at', { withTimezone: true }),
		/** the person the message is to or about (purged with their record on erasure); no foreign key */
		beneficiaryId: uuid('beneficiary_id'),
		/** a calendar invitation (RFC 5545 text), sent as the e-mail's text/calendar part */
		ics: text('ics'),
		/** its METHOD: 'REQUEST' | 'CANCEL' */
		icsMethod: text('ics_method')
	},
	(t) => [
		index('outbox_status_idx').on(t.status, t.createdAt),
		index('outbox_beneficiary_idx')
			.on(t.beneficiaryId)
			.where(sql`${t.beneficiaryId} IS NOT NULL`),
		check('outbox_ics_method', sql`${t.icsMethod} IS NULL OR ${t.icsMethod} IN ('REQUEST', 'CANCEL')`)
	]
);
