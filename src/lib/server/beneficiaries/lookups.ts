/**
 * What other capabilities read of the people's records, by ids they already hold (a
 * referral's, an accompaniment's), so that they never query the tables of beneficiaries/.
 *
 * Two kinds:
 * - checked: `namesVisibleTo` gives only the records the actor may read (`visibleTo`);
 * - unchecked, named so (`unchecked…`): no can() here. They are for a capability that has
 *   authorised the act on its own row first (the referral the actor's side may see, a
 *   place's signed link, the system clock) and reads the person that row names. Never
 *   from a route: lookups.test.ts fails when src/routes names one of them.
 * All of them read through the caller's handle (its transaction, its row-level security).
 */
import { and, eq, inArray, isNull, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import type { Actor } from '../accounts/index.ts';
import { assessments, beneficiaries } from './db.ts';
import { visibleTo, type Beneficiary } from './access.ts';

/** What a list needs to name a person (model.ts shortName). */
export interface PersonName {
	id: string;
	/** the structure holding the record (the caller decides with can() what it shows) */
	organisationId: string;
	firstName: string | null;
	lastName: string | null;
	pseudonym: string | null;
	anonymisedAt: Date | null;
}

export type AssessmentRow = typeof assessments.$inferSelect;

/** One `inArray` per this many ids: a long list (an export) stays within the statement's parameters. */
const BATCH = 5000;

const NAME_COLUMNS = {
	id: beneficiaries.id,
	organisationId: beneficiaries.organisationId,
	firstName: beneficiaries.firstName,
	lastName: beneficiaries.lastName,
	pseudonym: beneficiaries.pseudonym,
	anonymisedAt: beneficiaries.anonymisedAt
};

async function namesWhere(db: DbOrTx, ids: readonly (string | null | undefined)[], also?: SQL): Promise<Map<string, PersonName>> {
	const unique = [...new Set(ids.filter((id): id is string => !!id))];
	const out = new Map<string, PersonName>();
	for (let i = 0; i < unique.length; i += BATCH) {
		const rows = await db
			.select(NAME_COLUMNS)
			.from(beneficiaries)
			.where(and(inArray(beneficiaries.id, unique.slice(i, i + BATCH)), also));
		for (const r of rows) out.set(r.id, r);
	}
	return out;
}

/** The names of those of these records the actor may read (the others are absent from the map). */
export function namesVisibleTo(db: DbOrTx, actor: Actor, ids: readonly (string | null | undefined)[]): Promise<Map<string, PersonName>> {
	return namesWhere(db, ids, visibleTo(actor));
}

/** Unchecked: the names of these records, for rows the caller has authorised (see the head of this file). */
export function uncheckedNames(db: DbOrTx, ids: readonly (string | null | undefined)[]): Promise<Map<string, PersonName>> {
	return namesWhere(db, ids);
}

/** Unchecked: one whole record, for a row the caller has authorised (see the head of this file). */
export async function uncheckedRecord(db: DbOrTx, id: string): Promise<Beneficiary | undefined> {
	const [b] = await db.select().from(beneficiaries).where(eq(beneficiaries.id, id));
	return b;
}

/** Unchecked: one assessment kept on a record, for a row the caller has authorised (see the head of this file). */
export async function uncheckedAssessment(db: DbOrTx, id: string): Promise<AssessmentRow | undefined> {
	const [a] = await db.select().from(assessments).where(eq(assessments.id, id));
	return a;
}

/** Those of these records that are not anonymised (nothing about who they are). */
export async function notAnonymised(db: DbOrTx, ids: readonly string[]): Promise<string[]> {
	if (!ids.length) return [];
	const rows = await db
		.select({ id: beneficiaries.id })
		.from(beneficiaries)
		.where(and(inArray(beneficiaries.id, [...new Set(ids)]), isNull(beneficiaries.anonymisedAt)));
	return rows.map((r) => r.id);
}

/**
 * A condition for another capability's query: the record its column names is one the
 * connection reads (on PostgreSQL, under the request's row-level security; always true
 * on PGlite, where the foreign key keeps every record). What an inner join on the record
 * did to a list, without naming the table outside beneficiaries/.
 */
export function recordReadable(beneficiaryId: SQLWrapper): SQL {
	return sql`exists (select 1 from ${beneficiaries} where ${beneficiaries.id} = ${beneficiaryId})`;
}
