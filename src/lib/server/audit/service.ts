/**
 * The audit journal: every write of personal data, permissions or places goes through
 * `journal`, in the same transaction as the write. Entries are chained (each hash covers
 * the previous entry's hash); an advisory lock orders concurrent writers.
 */
import { and, asc, desc, eq, gt, gte, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Database, DbOrTx, Tx } from '../db/client.ts';
import { auditLog } from './db.ts';
import { chainHash, digest, GENESIS_HASH, seal, type AuditEntry, type ChainedFields } from './model.ts';
import { derivedKey } from '../security/secret.ts';

export type { AuditEntry, AuditActor } from './model.ts';
export { changedFields, digest } from './model.ts';

/** pg_advisory_xact_lock key of the journal ("maillage audit") */
const AUDIT_LOCK = 0x6d61_6175;

export type AuditRow = typeof auditLog.$inferSelect;

function isTx(d: DbOrTx): d is Tx {
	return typeof (d as { rollback?: unknown }).rollback === 'function';
}

/** Appends entries to the journal. Inside a transaction: they commit, or vanish, with the write. */
export async function journal(db: DbOrTx, ...entries: AuditEntry[]): Promise<void> {
	if (!entries.length) return;
	if (!isTx(db)) return db.transaction((tx) => journal(tx, ...entries));
	await db.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`);
	// through a SECURITY DEFINER function: under row-level security (a scoped transaction)
	// a plain SELECT would see only the actor's département and fork the chain
	const res = (await db.execute(sql`select seq, hash from audit_head()`)) as unknown as { rows: { seq: string | number; hash: string }[] };
	let prev = res.rows[0]?.hash ?? GENESIS_HASH;
	let seq = Number(res.rows[0]?.seq ?? 0);
	const rows = entries.map((e) => {
		const fields: ChainedFields = {
			// millisecond precision: what the column keeps, so `verify` recomputes the same hash
			at: new Date(),
			actorKind: e.actor.kind,
			actorId: e.actor.kind === 'user' ? e.actor.id : null,
			action: e.action,
			targetType: e.targetType,
			targetId: e.targetId ?? null,
			departmentCode: e.departmentCode ?? null,
			ip: e.ip ?? null,
			beforeDigest: digest(e.before),
			afterDigest: digest(e.after),
			details: e.details ?? null
		};
		const hash = chainHash(prev, fields);
		seq++;
		const row = { ...fields, seq, prevHash: prev, hash, mac: seal(derivedKey('audit-entries'), seq, hash) };
		prev = hash;
		return row;
	});
	await db.insert(auditLog).values(rows);
}

export interface ChainReport {
	ok: boolean;
	checked: number;
	/** the first entry that does not match the chain, and why */
	firstBroken: { id: number; reason: string } | null;
}

/** Recomputes the whole chain, in id order, a batch at a time. */
export async function verifyChain(database: Database, batch = 5000): Promise<ChainReport> {
	let prev = GENESIS_HASH;
	let after = 0;
	let checked = 0;
	for (;;) {
		const rows = await database.db.select().from(auditLog).where(gt(auditLog.id, after)).orderBy(asc(auditLog.id)).limit(batch);
		for (const r of rows) {
			if (r.prevHash !== prev) {
				return {
					ok: false,
					checked,
					firstBroken: { id: r.id, reason: 'previous hash does not match: an entry before this one was changed or removed' }
				};
			}
			const expected = chainHash(r.prevHash, r);
			if (expected !== r.hash) return { ok: false, checked, firstBroken: { id: r.id, reason: 'hash does not match the entry: this entry was changed' } };
			prev = r.hash;
			checked++;
		}
		if (rows.length < batch) break;
		after = rows[rows.length - 1].id;
	}
	return { ok: true, checked, firstBroken: null };
}

export interface JournalQuery {
	/** null: every département (instance administrator) */
	departmentCodes: string[] | null;
	action?: string;
	targetType?: string;
	targetId?: string;
	actorId?: string;
	/**
	 * entries of a structure: about it, or naming it in their details, or by its members
	 * (`members`: a subquery of their user ids, accounts' `membersOf`; the journal reads no
	 * accounts table itself)
	 */
	organisation?: { id: string; members: SQL };
	from?: Date;
	to?: Date;
	/** entries older than this id (pagination, newest first) */
	before?: number;
	limit?: number;
	/** the largest `limit` allowed (200 for a page; the CSV export asks for more) */
	maxLimit?: number;
}

/** Newest first. Entries without a département (accounts, settings) only for the instance administrator. */
export async function searchJournal(database: Database, q: JournalQuery, executor: DbOrTx = database.db): Promise<{ rows: AuditRow[]; next: number | null }> {
	const limit = Math.min(Math.max(q.limit ?? 50, 1), q.maxLimit ?? 200);
	const c: SQL[] = [];
	if (q.departmentCodes) c.push(q.departmentCodes.length ? inArray(auditLog.departmentCode, q.departmentCodes) : sql`false`);
	if (q.action) c.push(sql`${auditLog.action} like ${q.action.replace(/[%_\\]/g, (m) => '\\' + m) + '%'}`);
	if (q.targetType) c.push(eq(auditLog.targetType, q.targetType));
	if (q.targetId) c.push(eq(auditLog.targetId, q.targetId));
	if (q.actorId) c.push(eq(auditLog.actorId, q.actorId));
	if (q.organisation)
		c.push(sql`(${auditLog.actorId} in ${q.organisation.members}
			or (${auditLog.targetType} = 'organisation' and ${auditLog.targetId} = ${q.organisation.id})
			or ${auditLog.details}->>'organisationId' = ${q.organisation.id}
			or ${auditLog.details}->>'funderId' = ${q.organisation.id})`);
	if (q.from) c.push(gte(auditLog.at, q.from));
	if (q.to) c.push(lte(auditLog.at, q.to));
	if (q.before) c.push(lt(auditLog.id, q.before));
	const rows = await executor
		.select()
		.from(auditLog)
		.where(and(...c))
		.orderBy(desc(auditLog.id))
		.limit(limit + 1);
	const more = rows.length > limit;
	const page = rows.slice(0, limit);
	return { rows: page, next: more ? page[page.length - 1].id : null };
}
