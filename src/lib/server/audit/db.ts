import { pgTable, text, uuid, bigint, bigserial, timestamp, jsonb, index, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * The audit journal: append-only (a trigger rejects UPDATE, DELETE and TRUNCATE, see
 * migration 0005) and tamper-evident (each entry's hash covers the previous one's). No
 * personal data in it: ids, and digests of the before/after states. Anchored outside the
 * database by signed checkpoints (checkpoint.ts, migration 0014).
 */
export const auditLog = pgTable(
	'audit_log',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		/** 1, 2, 3…: gapless, assigned under the journal's lock (ids skip rolled-back values) */
		seq: bigint('seq', { mode: 'number' }).notNull(),
		at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
		actorId: uuid('actor_id'),
		/** 'user' | 'system' | 'cli' | 'public' */
		actorKind: text('actor_kind').notNull(),
		action: text('action').notNull(),
		targetType: text('target_type').notNull(),
		targetId: text('target_id'),
		/** the département the target belongs to, when it has one: coordinators search their own */
		departmentCode: text('department_code'),
		ip: text('ip'),
		beforeDigest: text('before_digest'),
		afterDigest: text('after_digest'),
		/** non-personal details: which fields changed, a role, a status */
		details: jsonb('details'),
		prevHash: text('prev_hash').notNull(),
		hash: text('hash').notNull(),
		/** seal: HMAC of seq and hash with a key derived from the instance secret (not in the database); null on entries older than migration 0014 */
		mac: text('mac')
	},
	(t) => [
		uniqueIndex('audit_log_seq_idx').on(t.seq),
		index('audit_log_target_idx').on(t.targetType, t.targetId),
		index('audit_log_actor_idx').on(t.actorId, t.id),
		index('audit_log_department_idx').on(t.departmentCode, t.id)
	]
);
