import { and, desc, eq, inArray, like, lt, or } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { auditLog } from './db.ts';

/** The journal's lines about these targets, in order (a person's export: their record's and their referrals' lines). */
export async function entriesAbout(db: DbOrTx, targets: readonly { targetType: string; ids: readonly string[] }[]) {
	const conditions = targets.filter((t) => t.ids.length).map((t) => and(eq(auditLog.targetType, t.targetType), inArray(auditLog.targetId, [...t.ids])));
	if (!conditions.length) return [];
	return db
		.select({ at: auditLog.at, action: auditLog.action, actorId: auditLog.actorId, actorKind: auditLog.actorKind })
		.from(auditLog)
		.where(or(...conditions))
		.orderBy(auditLog.id);
}

/** The professionals who acted in the journal of these départements (null: all), by id (the journal's "person" filter). */
export async function actorsInJournal(db: DbOrTx, departmentCodes: readonly string[] | null): Promise<string[]> {
	if (departmentCodes && !departmentCodes.length) return [];
	const rows = await db
		.selectDistinct({ id: auditLog.actorId })
		.from(auditLog)
		.where(and(eq(auditLog.actorKind, 'user'), departmentCodes ? inArray(auditLog.departmentCode, [...departmentCodes]) : undefined));
	return rows.map((r) => r.id).filter((id): id is string => !!id);
}

/** The journal's lines about these records whose action starts with `prefix` ('vault.'), with their non-personal details (the vault's export). */
export async function entriesWithDetails(db: DbOrTx, beneficiaryIds: readonly string[], prefix: string) {
	if (!beneficiaryIds.length) return [];
	return db
		.select({ at: auditLog.at, action: auditLog.action, actorId: auditLog.actorId, actorKind: auditLog.actorKind, details: auditLog.details })
		.from(auditLog)
		.where(and(eq(auditLog.targetType, 'beneficiary'), inArray(auditLog.targetId, [...beneficiaryIds]), like(auditLog.action, `${prefix}%`)))
		.orderBy(auditLog.id);
}

/**
 * One page of the journal's lines about these targets, newest first (a person's own
 * journal in Mon espace): `before` an entry id, at most `limit`, and the id to continue from.
 */
export async function entriesAboutPage(
	db: DbOrTx,
	targets: readonly { targetType: string; ids: readonly string[] }[],
	page: { before?: number; limit: number }
): Promise<{ rows: (typeof auditLog.$inferSelect)[]; next: number | null }> {
	const conditions = targets.filter((t) => t.ids.length).map((t) => and(eq(auditLog.targetType, t.targetType), inArray(auditLog.targetId, [...t.ids])));
	if (!conditions.length) return { rows: [], next: null };
	const rows = await db
		.select()
		.from(auditLog)
		.where(and(or(...conditions), page.before ? lt(auditLog.id, page.before) : undefined))
		.orderBy(desc(auditLog.id))
		.limit(page.limit + 1);
	const more = rows.length > page.limit;
	const shown = rows.slice(0, page.limit);
	return { rows: shown, next: more ? shown[shown.length - 1].id : null };
}
