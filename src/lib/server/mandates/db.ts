import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organisations, users } from '../accounts/db.ts';
import { beneficiaries } from '../beneficiaries/db.ts';
import { grants } from '../grants/db.ts';

/**
 * A mandate (issue 15, item 8): the person (`beneficiaryId`), or their legal representative
 * (`representativeKind`, `representativeName`), lets a structure of helpers
 * (`organisationId`) do procedures for them on named `themes` (keys of MANDATE_THEMES), for
 * a `duration`. Prepared by a professional ('prepared'), confirmed by the person on the
 * helper's screen (`method` 'signature', the professional attesting) or with a one-time code
 * sent to their own phone or e-mail ('code'): then 'signed', in force from `validFrom` until
 * `validUntil` through its grants (kind 'mandate', one per theme, grants.mandate_id), which
 * are what the rule reads: revoking a theme is revoking its grant; `revokedAt` here is the
 * end of the whole mandate. `content` is what was signed (canonical JSON, model.ts), `digest`
 * its SHA-256; the attestation's QR code carries a token whose hash is `tokenHash`.
 */
export const mandates = pgTable(
	'mandates',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		beneficiaryId: uuid('beneficiary_id')
			.notNull()
			.references(() => beneficiaries.id, { onDelete: 'cascade' }),
		/** the structure of helpers the mandate is given to */
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisations.id),
		/** the person's record's département (the journal's) */
		departmentCode: text('department_code').notNull(),
		/** keys of MANDATE_THEMES, as prepared (each theme's state is its grant's) */
		themes: text('themes').array().notNull(),
		/** '1d' | '1m' | '6m' | '12m' */
		duration: text('duration').notNull(),
		/** 'prepared' | 'signed' | 'cancelled' */
		status: text('status').notNull().default('prepared'),
		/** 'signature' (on the helper's screen, the professional attesting) | 'code' (a one-time code sent to the person) */
		method: text('method'),
		/** 'tutelle' | 'curatelle' | 'habilitation_familiale': the mandate is given by the person's legal representative */
		/** the person also opened their vault to the structure, for the documents its themes need (THEME_VAULT_CATEGORIES) */
		vaultAccess: boolean('vault_access').notNull().default(false),
		representativeKind: text('representative_kind'),
		representativeName: text('representative_name'),
		validFrom: timestamp('valid_from', { withTimezone: true }),
		validUntil: timestamp('valid_until', { withTimezone: true }),
		/** what was signed (canonical JSON: model.ts mandateContent); cleared by erasure, the digest stays */
		content: jsonb('content'),
		/** SHA-256 (hex) of the canonical JSON of `content` */
		digest: text('digest'),
		/** random; with the instance secret it gives the attestation's token (never stored) */
		tokenSalt: text('token_salt'),
		/** SHA-256 of the attestation's verification token (/mandat/<token>) */
		tokenHash: text('token_hash').unique(),
		/** the one-time code (HMAC with the instance secret), its channel, expiry, tries and sendings */
		codeHash: text('code_hash'),
		codeChannel: text('code_channel'),
		codeExpiresAt: timestamp('code_expires_at', { withTimezone: true }),
		codeAttempts: integer('code_attempts').notNull().default(0),
		codeSends: integer('code_sends').notNull().default(0),
		preparedBy: uuid('prepared_by').references(() => users.id, { onDelete: 'set null' }),
		/** the professional who attested the confirmation (on screen) or before whom the code was typed */
		confirmedBy: uuid('confirmed_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		signedAt: timestamp('signed_at', { withTimezone: true }),
		revokedAt: timestamp('revoked_at', { withTimezone: true }),
		/** 'person' | 'professional' | 'system' */
		revokedBy: text('revoked_by'),
		revokedByUserId: uuid('revoked_by_user_id').references(() => users.id, { onDelete: 'set null' }),
		/** the reminders before the end, each sent once */
		reminded30At: timestamp('reminded_30_at', { withTimezone: true }),
		reminded7At: timestamp('reminded_7_at', { withTimezone: true })
	},
	(t) => [
		index('mandates_beneficiary_idx').on(t.beneficiaryId),
		index('mandates_organisation_idx').on(t.organisationId),
		index('mandates_ending_idx')
			.on(t.validUntil)
			.where(sql`${t.status} = 'signed' AND ${t.revokedAt} IS NULL`),
		check('mandates_duration', sql`${t.duration} IN ('1d', '1m', '6m', '12m')`),
		check('mandates_status', sql`${t.status} IN ('prepared', 'signed', 'cancelled')`),
		check('mandates_method', sql`${t.method} IS NULL OR ${t.method} IN ('signature', 'code')`),
		check(
			'mandates_signed',
			sql`${t.status} <> 'signed' OR (${t.method} IS NOT NULL AND ${t.validFrom} IS NOT NULL AND ${t.validUntil} > ${t.validFrom} AND ${t.digest} IS NOT NULL AND ${t.tokenHash} IS NOT NULL)`
		),
		check(
			'mandates_representative',
			sql`(${t.representativeKind} IS NULL) = (${t.representativeName} IS NULL) AND (${t.representativeKind} IS NULL OR ${t.representativeKind} IN ('tutelle', 'curatelle', 'habilitation_familiale'))`
		),
		check('mandates_revoked', sql`(${t.revokedAt} IS NULL) = (${t.revokedBy} IS NULL)`)
	]
);

/**
 * Each use of a mandate: a helper of the structure did something for the person under one
 * theme (an accompaniment, a vault document, a procedure), with a short non-personal label.
 * Shown to the person on their page.
 */
export const mandateUses = pgTable(
	'mandate_uses',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		mandateId: uuid('mandate_id')
			.notNull()
			.references(() => mandates.id, { onDelete: 'cascade' }),
		beneficiaryId: uuid('beneficiary_id')
			.notNull()
			.references(() => beneficiaries.id, { onDelete: 'cascade' }),
		/** the theme's grant in force at the time */
		grantId: uuid('grant_id').references(() => grants.id, { onDelete: 'set null' }),
		theme: text('theme').notNull(),
		/** 'accompaniment' | 'vault' | 'procedure' */
		kind: text('kind').notNull(),
		/** short, non-personal: « Demande d’aide au logement » */
		label: text('label').notNull(),
		at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
		userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisations.id)
	},
	(t) => [
		index('mandate_uses_mandate_idx').on(t.mandateId, t.at),
		index('mandate_uses_beneficiary_idx').on(t.beneficiaryId),
		check('mandate_uses_kind', sql`${t.kind} IN ('accompaniment', 'vault', 'procedure')`)
	]
);

export type Mandate = typeof mandates.$inferSelect;
export type MandateUse = typeof mandateUses.$inferSelect;
