import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organisations, users } from '../accounts/db.ts';
import { beneficiaries } from '../beneficiaries/db.ts';

/**
 * The person's key (decision 0016): 32 random bytes that wrap each of their documents' keys,
 * itself wrapped by a master key kept outside the database (`masterKeyId` names which).
 * Owner only: the request role has no privilege on it. Erasing the person sets `wrapped`
 * to null (`destroyedAt`): their documents can no longer be read by anyone.
 */
export const vaultKeys = pgTable(
	'vault_keys',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		/** the person (a merge brings the other record's keys: a person may hold several; their first live one wraps new documents) */
		beneficiaryId: uuid('beneficiary_id')
			.notNull()
			.references(() => beneficiaries.id, { onDelete: 'cascade' }),
		masterKeyId: text('master_key_id').notNull(),
		/** base64 of iv | tag | ciphertext (AES-256-GCM under the master key, aad = the person's id) */
		wrapped: text('wrapped'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		rotatedAt: timestamp('rotated_at', { withTimezone: true }),
		destroyedAt: timestamp('destroyed_at', { withTimezone: true })
	},
	(t) => [index('vault_keys_beneficiary_idx').on(t.beneficiaryId), check('vault_keys_destroyed', sql`(${t.wrapped} IS NULL) = (${t.destroyedAt} IS NOT NULL)`)]
);

/**
 * A document in a person's vault. The bytes are in the blob store under `blob` (a random
 * name), encrypted with the document's own key (`wrappedKey`, wrapped by the person's key);
 * the title and type the person sees are sealed with the same key (`sealedMeta`): a copy of
 * the database and of the storage without the master key shows neither a document nor its
 * name. `sha256` is the digest of the original bytes, recorded at deposit and checked at
 * every read and each month (criterion 1 of L.103), with who deposited it.
 */
export const vaultDocuments = pgTable(
	'vault_documents',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		beneficiaryId: uuid('beneficiary_id')
			.notNull()
			.references(() => beneficiaries.id, { onDelete: 'cascade' }),
		departmentCode: text('department_code').notNull(),
		/** one of CATEGORIES (kept clear: a share per category is decided on it, in the policy too) */
		category: text('category').notNull(),
		/** base64 of the sealed JSON { title, type } */
		sealedMeta: text('sealed_meta').notNull(),
		mime: text('mime').notNull(),
		bytes: bigint('bytes', { mode: 'number' }).notNull(),
		pages: integer('pages').notNull().default(1),
		sha256: text('sha256').notNull(),
		/** the person's key that wraps this document's key */
		keyId: uuid('key_id')
			.notNull()
			.references(() => vaultKeys.id),
		/** base64 of the document key wrapped by the person's key (aad = the document's id) */
		wrappedKey: text('wrapped_key').notNull(),
		blob: text('blob').notNull(),
		thumbBlob: text('thumb_blob'),
		/** 'person' | 'professional' | 'issuer' */
		origin: text('origin').notNull(),
		depositedByUserId: uuid('deposited_by_user_id').references(() => users.id, { onDelete: 'set null' }),
		depositedByOrganisationId: uuid('deposited_by_organisation_id').references(() => organisations.id),
		/** the grant under which a professional deposited it (the person present, a share) */
		depositedUnderGrantId: uuid('deposited_under_grant_id'),
		/** the paper's own end of validity (an identity card, a certificate), a Paris day */
		expiresOn: date('expires_on', { mode: 'string' }),
		/** the reminders already sent (days before the end: 90, 30, 7) */
		remindersSent: integer('reminders_sent')
			.array()
			.notNull()
			.default(sql`'{}'::integer[]`),
		/** the professional the person chose to be reminded too */
		remindUserId: uuid('remind_user_id').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		integrityCheckedAt: timestamp('integrity_checked_at', { withTimezone: true }),
		integrityFailedAt: timestamp('integrity_failed_at', { withTimezone: true })
	},
	(t) => [
		index('vault_documents_beneficiary_idx').on(t.beneficiaryId),
		index('vault_documents_expiry_idx')
			.on(t.expiresOn)
			.where(sql`${t.expiresOn} IS NOT NULL`),
		check('vault_documents_origin', sql`${t.origin} IN ('person', 'professional', 'issuer')`),
		check('vault_documents_category', sql`${t.category} IN ('identite', 'ressources', 'logement', 'sante', 'impots', 'emploi', 'famille', 'autre')`)
	]
);

export type VaultDocumentRow = typeof vaultDocuments.$inferSelect;

/**
 * A professional at the counter asks to open the person's vault with them: a one-time code
 * goes to the person (SMS or e-mail), who reads it out or types it on the professional's
 * screen. Owner only (a credential); hashed; 5 tries; 10 minutes.
 */
export const vaultPresenceCodes = pgTable(
	'vault_presence_codes',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		beneficiaryId: uuid('beneficiary_id')
			.notNull()
			.references(() => beneficiaries.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisations.id),
		codeHash: text('code_hash').notNull(),
		/** 'sms' | 'email' */
		channel: text('channel').notNull(),
		attempts: integer('attempts').notNull().default(0),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		usedAt: timestamp('used_at', { withTimezone: true }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('vault_presence_codes_idx').on(t.beneficiaryId, t.userId)]
);

/**
 * « Pièce demandée »: a professional asks the person for a paper (`docType`, a short note);
 * the person, or a helper with them, provides it: the document is then shared with the
 * structure that asked (`grantId`), and the request is closed.
 */
export const vaultRequests = pgTable(
	'vault_requests',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		beneficiaryId: uuid('beneficiary_id')
			.notNull()
			.references(() => beneficiaries.id, { onDelete: 'cascade' }),
		departmentCode: text('department_code').notNull(),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisations.id),
		requestedBy: uuid('requested_by').references(() => users.id, { onDelete: 'set null' }),
		docType: text('doc_type').notNull(),
		note: text('note'),
		/** 'open' | 'provided' | 'cancelled' */
		status: text('status').notNull().default('open'),
		documentId: uuid('document_id').references(() => vaultDocuments.id, { onDelete: 'set null' }),
		grantId: uuid('grant_id'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		closedAt: timestamp('closed_at', { withTimezone: true })
	},
	(t) => [index('vault_requests_beneficiary_idx').on(t.beneficiaryId), check('vault_requests_status', sql`${t.status} IN ('open', 'provided', 'cancelled')`)]
);
