import { sql } from 'drizzle-orm';
import { pgTable, text, uuid, boolean, integer, timestamp, index, uniqueIndex, primaryKey } from 'drizzle-orm/pg-core';
import { places } from '../places/db.ts';

/**
 * A structure of the network: the Département, a partner operator (CAF, MSA…), a CCAS, an
 * association, a France Services, a library… Its département is its territory: its
 * members read and write that département's non-public data, no other.
 */
export const organisations = pgTable(
	'organisations',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		name: text('name').notNull(),
		siret: text('siret'),
		kind: text('kind').notNull(),
		departmentCode: text('department_code').notNull(),
		active: boolean('active').notNull().default(true),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('organisations_department_idx').on(t.departmentCode, t.name),
		uniqueIndex('organisations_siret_idx')
			.on(t.siret)
			.where(sql`${t.siret} IS NOT NULL`)
	]
);

/** The places an organisation runs. */
export const organisationPlaces = pgTable(
	'organisation_places',
	{
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisations.id, { onDelete: 'cascade' }),
		placeId: text('place_id')
			.notNull()
			.references(() => places.id, { onDelete: 'cascade' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.organisationId, t.placeId] }), index('organisation_places_place_idx').on(t.placeId)]
);

/** A professional. Personal data: e-mail and name only. */
export const users = pgTable(
	'users',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		/** lower-cased */
		email: text('email').notNull(),
		displayName: text('display_name').notNull(),
		/** argon2id PHC string; null for an account that only logs in with ProConnect or has not chosen one yet */
		passwordHash: text('password_hash'),
		/** TOTP secret, encrypted (AES-256-GCM, key derived from the instance secret) */
		totpSecret: text('totp_secret'),
		totpConfirmedAt: timestamp('totp_confirmed_at', { withTimezone: true }),
		/** a new secret being set up (first time or new phone), encrypted; the active one stays until it is confirmed */
		totpPendingSecret: text('totp_pending_secret'),
		/** the last TOTP time step accepted: a code is never accepted twice */
		totpLastStep: integer('totp_last_step'),
		/** the identity provider's issuer and subject once the account was linked (ProConnect) */
		oidcIssuer: text('oidc_issuer'),
		oidcSubject: text('oidc_subject'),
		/** technical administrator of the instance (bootstrap, every territory) */
		isAdmin: boolean('is_admin').notNull().default(false),
		active: boolean('active').notNull().default(true),
		deactivatedAt: timestamp('deactivated_at', { withTimezone: true }),
		lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('users_email_idx').on(t.email),
		uniqueIndex('users_oidc_idx')
			.on(t.oidcIssuer, t.oidcSubject)
			.where(sql`${t.oidcSubject} IS NOT NULL`)
	]
);

/** A user's role in an organisation (several roles, several organisations). */
export const memberships = pgTable(
	'memberships',
	{
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisations.id, { onDelete: 'cascade' }),
		role: text('role').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.userId, t.organisationId, t.role] }), index('memberships_organisation_idx').on(t.organisationId)]
);

/** Single-use recovery codes for a lost second factor, stored hashed. */
export const recoveryCodes = pgTable(
	'recovery_codes',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		codeHash: text('code_hash').notNull(),
		usedAt: timestamp('used_at', { withTimezone: true }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('recovery_codes_user_idx').on(t.userId)]
);

/**
 * Sessions: the cookie holds a random token, the table its SHA-256. Idle timeout 30 min,
 * absolute 12 h; a new token at login and after the second factor.
 */
export const sessions = pgTable(
	'sessions',
	{
		tokenHash: text('token_hash').primaryKey(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		/** 'password' | 'oidc' */
		method: text('method').notNull(),
		/** the second factor was passed (or the identity provider vouched for it) */
		mfa: boolean('mfa').notNull().default(false),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		/** to show "your sessions": a coarse description, not the full user agent */
		device: text('device'),
		ip: text('ip')
	},
	(t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)]
);

/** Failed attempts per key ("account:<id>", "ip:<address>", "reset:<ip>"…) in a sliding window. */
export const throttles = pgTable('throttles', {
	key: text('key').primaryKey(),
	failures: integer('failures').notNull().default(0),
	windowStart: timestamp('window_start', { withTimezone: true }).notNull().defaultNow(),
	lockedUntil: timestamp('locked_until', { withTimezone: true })
});

/**
 * An invitation to join an organisation with a role. The link carries a signed token
 * (purpose "invitation", this row's id, an expiry); the row makes it single-use.
 */
export const invitations = pgTable(
	'invitations',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		email: text('email').notNull(),
		displayName: text('display_name').notNull(),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisations.id, { onDelete: 'cascade' }),
		role: text('role').notNull(),
		/** instance administrator rights (bootstrap from the command line only) */
		isAdmin: boolean('is_admin').notNull().default(false),
		invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		usedAt: timestamp('used_at', { withTimezone: true }),
		revokedAt: timestamp('revoked_at', { withTimezone: true }),
		/** further roles in the same structure, given with `role` when the invitation is accepted */
		extraRoles: text('extra_roles')
			.array()
			.notNull()
			.default(sql`'{}'`),
		/** reminders sent (D+3, D+10, or by hand), each renewing the link */
		reminders: integer('reminders').notNull().default(0),
		remindedAt: timestamp('reminded_at', { withTimezone: true })
	},
	(t) => [
		index('invitations_organisation_idx').on(t.organisationId),
		index('invitations_email_idx').on(t.email),
		// one invitation waiting per address, structure and role
		uniqueIndex('invitations_waiting_idx')
			.on(t.organisationId, t.email, t.role)
			.where(sql`${t.usedAt} IS NULL AND ${t.revokedAt} IS NULL`)
	]
);

/** A place manager asks to manage a place for their organisation; a coordinator decides. */
export const placeClaims = pgTable(
	'place_claims',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		placeId: text('place_id')
			.notNull()
			.references(() => places.id, { onDelete: 'cascade' }),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisations.id, { onDelete: 'cascade' }),
		requestedBy: uuid('requested_by').references(() => users.id, { onDelete: 'set null' }),
		message: text('message'),
		/** 'pending' | 'approved' | 'rejected' */
		status: text('status').notNull().default('pending'),
		decidedBy: uuid('decided_by').references(() => users.id, { onDelete: 'set null' }),
		decidedAt: timestamp('decided_at', { withTimezone: true }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('place_claims_status_idx').on(t.status, t.createdAt), index('place_claims_place_idx').on(t.placeId)]
);
