import { sql } from 'drizzle-orm';
import { pgTable, text, uuid, integer, timestamp, index, jsonb, bigint, check, uniqueIndex } from 'drizzle-orm/pg-core';
import { organisations, users } from '../accounts/db.ts';
import { grants } from '../grants/db.ts';

/**
 * A person helped (beneficiary), minimal identity. The organisation that created the
 * record owns it; another organisation sees it only through a grant in force (a consent:
 * ../grants/db.ts). Anonymised after 24 months without activity: identity and contact columns
 * are emptied, `anonymisedAt` set, the counts that depend on the row stay true.
 */
export const beneficiaries = pgTable(
	'beneficiaries',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisations.id),
		departmentCode: text('department_code').notNull(),
		firstName: text('first_name'),
		lastName: text('last_name'),
		/** instead of the last name, when the person prefers */
		pseudonym: text('pseudonym'),
		birthYear: integer('birth_year'),
		communeCode: text('commune_code'),
		communeName: text('commune_name'),
		/** E.164 */
		phone: text('phone'),
		email: text('email'),
		/** 'sms' | 'phone' | 'email' | 'post' | 'none' */
		preferredContact: text('preferred_contact').notNull().default('none'),
		language: text('language').notNull().default('fr'),
		/** keys of ACCESSIBILITY_NEEDS */
		accessibilityNeeds: text('accessibility_needs')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		accessibilityNote: text('accessibility_note'),
		/** lower-cased, unaccented first + last name / pseudonym, for duplicate detection */
		nameKey: text('name_key'),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
		/** the last referral, consent, assessment or accompaniment: the 24-month clock starts here */
		lastActivityAt: timestamp('last_activity_at', { withTimezone: true }).notNull().defaultNow(),
		anonymisedAt: timestamp('anonymised_at', { withTimezone: true }),
		/** merged into another record (this one is kept empty, pointing to the survivor) */
		mergedInto: uuid('merged_into')
	},
	(t) => [
		index('beneficiaries_organisation_idx').on(t.organisationId, t.updatedAt),
		index('beneficiaries_activity_idx')
			.on(t.lastActivityAt)
			.where(sql`${t.anonymisedAt} IS NULL`),
		index('beneficiaries_name_key_idx').on(t.departmentCode, t.nameKey),
		index('beneficiaries_phone_idx')
			.on(t.phone)
			.where(sql`${t.phone} IS NOT NULL`),
		index('beneficiaries_email_idx')
			.on(t.email)
			.where(sql`${t.email} IS NOT NULL`)
	]
);

/**
 * A consent asked by SMS: the text sent to the person's mobile (`phone`, E.164, as it was
 * then) carries `reference` ("OUI 4821"), so that a person with several requests waiting
 * can say which one they answer. Open until `expiresAt`; one resend allowed. `referral`
 * holds the referral to send once the person says OUI (place, reason, assessment): it is
 * sent then, and `referralId` points to it.
 */
export const consentRequests = pgTable(
	'consent_requests',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		consentId: uuid('consent_id')
			.notNull()
			.unique()
			.references(() => grants.id, { onDelete: 'cascade' }),
		beneficiaryId: uuid('beneficiary_id')
			.notNull()
			.references(() => beneficiaries.id, { onDelete: 'cascade' }),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisations.id),
		requestedBy: uuid('requested_by').references(() => users.id, { onDelete: 'set null' }),
		/** E.164: the mobile the request was sent to; a reply is matched on it */
		phone: text('phone').notNull(),
		/** 4 digits, distinct among the requests waiting on the same phone */
		reference: text('reference').notNull(),
		sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		resends: integer('resends').notNull().default(0),
		/** the outbox row of the last SMS sent (outbox rows are purged: no foreign key) */
		outboxId: uuid('outbox_id'),
		/** the person's answer, or the professional's cancellation, or the expiry */
		closedAt: timestamp('closed_at', { withTimezone: true }),
		/** { placeId, reason, assessmentId }: the referral sent once the person says OUI */
		referral: jsonb('referral'),
		referralId: uuid('referral_id')
	},
	(t) => [
		index('consent_requests_phone_idx').on(t.phone, t.sentAt),
		index('consent_requests_beneficiary_idx').on(t.beneficiaryId),
		index('consent_requests_open_idx')
			.on(t.expiresAt)
			.where(sql`${t.closedAt} IS NULL`)
	]
);

/** An assessment of digital autonomy (questionnaire version, answers, computed profile). */
export const assessments = pgTable(
	'assessments',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		beneficiaryId: uuid('beneficiary_id').references(() => beneficiaries.id, { onDelete: 'cascade' }),
		organisationId: uuid('organisation_id').references(() => organisations.id),
		version: integer('version').notNull(),
		answers: jsonb('answers').notNull(),
		/** the result: level per axis, needs, constraints */
		result: jsonb('result').notNull(),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('assessments_beneficiary_idx').on(t.beneficiaryId, t.createdAt)]
);

/**
 * The person's own access: a one-time code sent by SMS or e-mail (stored hashed, 15
 * minutes, 5 tries), exchanged for a short session on their page.
 */
export const personCodes = pgTable(
	'person_codes',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		beneficiaryId: uuid('beneficiary_id')
			.notNull()
			.references(() => beneficiaries.id, { onDelete: 'cascade' }),
		codeHash: text('code_hash').notNull(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		attempts: integer('attempts').notNull().default(0),
		usedAt: timestamp('used_at', { withTimezone: true }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('person_codes_beneficiary_idx').on(t.beneficiaryId, t.createdAt)]
);

/**
 * A link to the person's page (/mes-orientations/<token>), in a message (SMS, e-mail) or on
 * the printed sheet. Only the token's hash is kept. One live link per person and channel
 * (per referral for the sheet): a new message or a reprint revokes the previous one. The
 * person or the holding organisation can revoke it; it expires. Each use opens a session
 * (person_sessions, via 'link') and is journaled.
 */
export const personLinks = pgTable(
	'person_links',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		beneficiaryId: uuid('beneficiary_id')
			.notNull()
			.references(() => beneficiaries.id, { onDelete: 'cascade' }),
		tokenHash: text('token_hash').notNull().unique(),
		/** 'sms' | 'email' | 'sheet' */
		channel: text('channel').notNull(),
		/** the referral a sheet was printed for */
		referralId: uuid('referral_id'),
		/** who printed the sheet */
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
		uses: integer('uses').notNull().default(0),
		revokedAt: timestamp('revoked_at', { withTimezone: true }),
		/** 'person' | 'professional' | 'rotation' | 'erasure' */
		revokedBy: text('revoked_by')
	},
	(t) => [
		index('person_links_beneficiary_idx')
			.on(t.beneficiaryId, t.channel)
			.where(sql`${t.revokedAt} IS NULL`)
	]
);

/**
 * The person's session on /mes-orientations, opened by a one-time code or a link: the
 * cookie holds a random token whose hash is here. Logout, or the revocation of the link
 * that opened it, ends it at once.
 */
export const personSessions = pgTable(
	'person_sessions',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		tokenHash: text('token_hash').notNull().unique(),
		beneficiaryIds: uuid('beneficiary_ids').array().notNull(),
		/** 'code' | 'link' | 'passkey' | 'recovery' */
		via: text('via').notNull(),
		linkId: uuid('link_id').references(() => personLinks.id, { onDelete: 'cascade' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		endedAt: timestamp('ended_at', { withTimezone: true }),
		/** the kind of device, as the person reads it (« Téléphone Android »): never the browser's full string */
		device: text('device')
	},
	(t) => [index('person_sessions_expires_idx').on(t.expiresAt)]
);

/**
 * A passkey (WebAuthn) of the person (Mon espace, issue 15): one row per record it opens
 * (the same credential on each of the records one sign-in opens). The public key only:
 * the private key never leaves the person's phone or computer.
 */
export const personPasskeys = pgTable(
	'person_passkeys',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		beneficiaryId: uuid('beneficiary_id')
			.notNull()
			.references(() => beneficiaries.id, { onDelete: 'cascade' }),
		/** base64url, as the authenticator gives it */
		credentialId: text('credential_id').notNull(),
		/** base64url of the COSE public key */
		publicKey: text('public_key').notNull(),
		counter: bigint('counter', { mode: 'number' }).notNull().default(0),
		transports: text('transports')
			.array()
			.notNull()
			.default(sql`'{}'`),
		/** the person's name for it: « Mon téléphone » */
		name: text('name').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		lastUsedAt: timestamp('last_used_at', { withTimezone: true })
	},
	(t) => [
		uniqueIndex('person_passkeys_credential_idx').on(t.credentialId, t.beneficiaryId),
		index('person_passkeys_beneficiary_idx').on(t.beneficiaryId),
		check('person_passkeys_name', sql`char_length(${t.name}) BETWEEN 1 AND 60`)
	]
);

/**
 * The one-use codes of the person's printed recovery sheet, hashed with a key derived from
 * the instance secret. A new sheet replaces the previous one (its codes are deleted); one
 * row per code and record (`sheetId` groups a sheet's codes).
 */
export const personRecoveryCodes = pgTable(
	'person_recovery_codes',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		beneficiaryId: uuid('beneficiary_id')
			.notNull()
			.references(() => beneficiaries.id, { onDelete: 'cascade' }),
		sheetId: uuid('sheet_id').notNull(),
		codeHash: text('code_hash').notNull(),
		usedAt: timestamp('used_at', { withTimezone: true }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('person_recovery_codes_hash_idx')
			.on(t.codeHash)
			.where(sql`${t.usedAt} IS NULL`),
		index('person_recovery_codes_beneficiary_idx').on(t.beneficiaryId)
	]
);

/** A WebAuthn challenge handed to the browser, spent once (registration: tied to the session asking). */
export const personPasskeyChallenges = pgTable(
	'person_passkey_challenges',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		challenge: text('challenge').notNull().unique(),
		/** 'register' | 'sign_in' */
		purpose: text('purpose').notNull(),
		sessionId: uuid('session_id').references(() => personSessions.id, { onDelete: 'cascade' }),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		usedAt: timestamp('used_at', { withTimezone: true })
	},
	(t) => [
		index('person_passkey_challenges_expires_idx').on(t.expiresAt),
		check('person_passkey_challenges_purpose', sql`${t.purpose} IN ('register', 'sign_in')`)
	]
);
