/**
 * The grants table's reads and writes, for the capabilities that record or read grants
 * (beneficiaries' consents today). Nobody else touches the table: the decision of what a
 * grant opens is permissions/grants.ts, its SQL twin is here (grantOpensRecord), and the
 * row-level security policies of migration 0023 say the same.
 */
import { and, desc, eq, inArray, isNull, lte, or, gt, sql, type SQL, type AnyColumn } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../db/client.ts';
import { grants, type Grant } from './db.ts';
import type { GrantKind, GrantMethod, GrantRevoker, GrantStatus } from './model.ts';
import { grantInForce } from '../permissions/index.ts';

export type { Grant };

/** In force at `at` (SQL): given, not revoked, within its window. Twin of grantInForce. */
export function grantInForceSql(at: Date = new Date()): SQL {
	const t = at.toISOString();
	return and(
		eq(grants.status, 'in_force'),
		isNull(grants.revokedAt),
		lte(grants.validFrom, sql`${t}::timestamptz`),
		or(isNull(grants.validUntil), gt(grants.validUntil, sql`${t}::timestamptz`))
	)!;
}

/**
 * SQL for "a grant in force opens this person's record to one of these structures or to
 * this professional", `person` being the column holding the person's id in the outer
 * query. Twin of grantReaches for the lists' filters (the structures are those where the
 * actor holds a role a grant reaches).
 */
export function grantOpensRecord(person: AnyColumn, organisationIds: readonly string[], userId: string | null, at: Date = new Date()): SQL {
	const to: SQL[] = [];
	if (organisationIds.length)
		to.push(
			sql`(g.grantee_user_id is null and g.grantee_organisation_id in (${sql.join(
				organisationIds.map((o) => sql`${o}::uuid`),
				sql`, `
			)}))`
		);
	if (userId) to.push(sql`g.grantee_user_id = ${userId}::uuid`);
	if (!to.length) return sql`false`;
	const t = at.toISOString();
	return sql`exists (select 1 from ${grants} g where g.beneficiary_id = ${person} and g.kind in ('consent', 'mandate') and g.status = 'in_force' and g.revoked_at is null
		and g.valid_from <= ${t}::timestamptz and (g.valid_until is null or g.valid_until > ${t}::timestamptz)
		and (${sql.join(to, sql` or `)}))`;
}

/** Every grant of a person of these kinds, newest first (what can() reads: it picks those in force that reach the actor). */
export async function grantsOf(db: DbOrTx, beneficiaryId: string, kind: GrantKind | readonly GrantKind[] = 'consent'): Promise<Grant[]> {
	return db
		.select()
		.from(grants)
		.where(and(eq(grants.beneficiaryId, beneficiaryId), typeof kind === 'string' ? eq(grants.kind, kind) : inArray(grants.kind, [...kind])))
		.orderBy(sql`${grants.validFrom} desc`);
}

/** Every grant of a person of these kinds (the vault's shares and presence), newest first. */
export async function grantsOfKinds(db: DbOrTx, beneficiaryIds: readonly string[], kinds: readonly GrantKind[]): Promise<Grant[]> {
	if (!beneficiaryIds.length || !kinds.length) return [];
	return db
		.select()
		.from(grants)
		.where(and(inArray(grants.beneficiaryId, [...beneficiaryIds]), inArray(grants.kind, [...kinds])))
		.orderBy(desc(grants.validFrom));
}

/** The grants of these mandates (one per theme), oldest first. */
export async function grantsOfMandates(db: DbOrTx, mandateIds: readonly string[]): Promise<Grant[]> {
	if (!mandateIds.length) return [];
	return db
		.select()
		.from(grants)
		.where(and(eq(grants.kind, 'mandate'), inArray(grants.mandateId, [...new Set(mandateIds)])))
		.orderBy(grants.validFrom, grants.id);
}

/** Every grant of these people, of every kind, newest first (the person's own page: who sees their information). */
export async function grantsOfPeople(db: DbOrTx, beneficiaryIds: readonly string[]): Promise<Grant[]> {
	if (!beneficiaryIds.length) return [];
	return db
		.select()
		.from(grants)
		.where(inArray(grants.beneficiaryId, [...beneficiaryIds]))
		.orderBy(sql`${grants.validFrom} desc`);
}

/** Grants by id (for the lists that show a grant beside something else: a referral, an SMS request). */
export async function grantsById(db: DbOrTx, ids: readonly string[]): Promise<Map<string, Grant>> {
	if (!ids.length) return new Map();
	const rows = await db
		.select()
		.from(grants)
		.where(inArray(grants.id, [...new Set(ids)]));
	return new Map(rows.map((g) => [g.id, g]));
}

/** One grant, locked for the caller's transaction when `lock` (an answer, a revocation). */
export async function grantById(db: DbOrTx, id: string, lock = false): Promise<Grant | null> {
	const q = db.select().from(grants).where(eq(grants.id, id));
	const [g] = lock ? await q.for('update') : await q;
	return g ?? null;
}

/** The scopes that consents and mandates in force give to these structures on this person (what they may see of the record). */
export async function scopesGrantedTo(db: DbOrTx, beneficiaryId: string, organisationIds: readonly string[], userId: string | null): Promise<Set<string>> {
	if (!organisationIds.length && !userId) return new Set();
	const to: SQL[] = [];
	if (organisationIds.length) to.push(and(isNull(grants.granteeUserId), inArray(grants.granteeOrganisationId, [...organisationIds]))!);
	if (userId) to.push(eq(grants.granteeUserId, userId));
	const rows = await db
		.select({ scopes: grants.scopes })
		.from(grants)
		.where(and(eq(grants.beneficiaryId, beneficiaryId), inArray(grants.kind, ['consent', 'mandate']), grantInForceSql(), or(...to)));
	return new Set(rows.flatMap((r) => r.scopes));
}

/** scopesGrantedTo for several people at once (a list's rows): one query. */
export async function scopesGrantedToEach(
	db: DbOrTx,
	beneficiaryIds: readonly string[],
	organisationIds: readonly string[],
	userId: string | null
): Promise<Map<string, Set<string>>> {
	const out = new Map<string, Set<string>>(beneficiaryIds.map((id) => [id, new Set<string>()]));
	if (!beneficiaryIds.length || (!organisationIds.length && !userId)) return out;
	const to: SQL[] = [];
	if (organisationIds.length) to.push(and(isNull(grants.granteeUserId), inArray(grants.granteeOrganisationId, [...organisationIds]))!);
	if (userId) to.push(eq(grants.granteeUserId, userId));
	const rows = await db
		.select({ person: grants.beneficiaryId, scopes: grants.scopes })
		.from(grants)
		.where(and(inArray(grants.beneficiaryId, [...new Set(beneficiaryIds)]), inArray(grants.kind, ['consent', 'mandate']), grantInForceSql(), or(...to)));
	for (const r of rows) for (const sc of r.scopes) out.get(r.person)?.add(sc);
	return out;
}

export interface NewGrant {
	kind?: GrantKind;
	beneficiaryId: string;
	granteeOrganisationId: string | null;
	granteeUserId?: string | null;
	granteePlaceId?: string | null;
	scopes: readonly string[];
	purpose: string;
	method: GrantMethod;
	/** 'pending' for a consent asked by SMS; 'in_force' otherwise */
	status: Extract<GrantStatus, 'pending' | 'in_force'>;
	/** now unless said (a grant given for later) */
	validFrom?: Date;
	validUntil?: Date | null;
	evidence?: Record<string, unknown>;
	recordedBy: string | null;
	recordedByOrganisationId: string;
	/** kind 'mandate': the mandate this grant is one theme of */
	mandateId?: string | null;
}

/** Records a grant in the caller's transaction (the caller journals it with its own words). */
export async function insertGrant(tx: Tx, g: NewGrant): Promise<string> {
	const [row] = await tx
		.insert(grants)
		.values({
			kind: g.kind ?? 'consent',
			beneficiaryId: g.beneficiaryId,
			granteeOrganisationId: g.granteeOrganisationId,
			granteeUserId: g.granteeUserId ?? null,
			granteePlaceId: g.granteePlaceId ?? null,
			scopes: [...g.scopes],
			purpose: g.purpose,
			method: g.method,
			status: g.status,
			...(g.validFrom ? { validFrom: g.validFrom } : {}),
			validUntil: g.validUntil ?? null,
			evidence: g.evidence ?? {},
			recordedBy: g.recordedBy,
			recordedByOrganisationId: g.recordedByOrganisationId,
			mandateId: g.mandateId ?? null
		})
		.returning({ id: grants.id });
	return row.id;
}

/** Closes a grant that was waiting (an SMS consent): refused, expired or cancelled. */
export async function closePendingGrant(tx: Tx, id: string, status: Extract<GrantStatus, 'refused' | 'expired' | 'cancelled'>): Promise<void> {
	await tx.update(grants).set({ status }).where(eq(grants.id, id));
}

/** Puts a waiting grant in force from `at` (the person's OUI), with what proves it. */
export async function confirmGrant(tx: Tx, id: string, at: Date, evidence: Record<string, unknown>): Promise<void> {
	await tx
		.update(grants)
		.set({ status: 'in_force', validFrom: at, evidence: sql`${grants.evidence} || ${JSON.stringify(evidence)}::jsonb` })
		.where(eq(grants.id, id));
}

const revokerColumns = (r: GrantRevoker) => ({ revokedBy: r.by, revokedByUserId: r.by === 'professional' ? r.userId : null });

/** Revokes one grant at `at`: what it opened closes at once. */
export async function revokeGrant(tx: Tx, id: string, by: GrantRevoker, at: Date = new Date()): Promise<void> {
	await tx
		.update(grants)
		.set({ revokedAt: at, ...revokerColumns(by) })
		.where(and(eq(grants.id, id), isNull(grants.revokedAt)));
}

/**
 * The grants not revoked of one kind to one grantee (a structure, or a place without an
 * account) whose evidence carries `key` = `value`: the documents joined to a referral
 * (evidence.referralId), read by the place and ended with the referral.
 */
export async function liveGrantsByEvidence(
	db: DbOrTx,
	p: { kind: GrantKind; granteeOrganisationId: string | null; granteePlaceId: string | null; key: string; value: string }
): Promise<Grant[]> {
	const grantee = p.granteeOrganisationId
		? eq(grants.granteeOrganisationId, p.granteeOrganisationId)
		: p.granteePlaceId
			? and(isNull(grants.granteeOrganisationId), eq(grants.granteePlaceId, p.granteePlaceId))
			: null;
	if (!grantee) return [];
	return db
		.select()
		.from(grants)
		.where(and(eq(grants.kind, p.kind), grantee, isNull(grants.revokedAt), sql`${grants.evidence} ->> ${p.key} = ${p.value}`))
		.orderBy(grants.validFrom, grants.id);
}

/** Moves the end of a grant not revoked (a referral accepted: its documents stay shared as long as it can stay open). */
export async function setGrantEnd(tx: Tx, id: string, until: Date): Promise<void> {
	await tx
		.update(grants)
		.set({ validUntil: until })
		.where(and(eq(grants.id, id), isNull(grants.revokedAt)));
}

/** Ends every grant of a person (erasure, anonymisation): those in force are revoked by the system, those waiting cancelled. */
export async function endGrantsOf(tx: Tx, beneficiaryId: string, at: Date): Promise<void> {
	await tx
		.update(grants)
		.set({ revokedAt: at, revokedBy: 'system' })
		.where(and(eq(grants.beneficiaryId, beneficiaryId), eq(grants.status, 'in_force'), isNull(grants.revokedAt)));
	await tx
		.update(grants)
		.set({ status: 'cancelled' })
		.where(and(eq(grants.beneficiaryId, beneficiaryId), eq(grants.status, 'pending')));
}

/** Moves a person's grants onto another record of the same person (merge). */
export async function moveGrants(tx: Tx, fromId: string, toId: string): Promise<void> {
	await tx.update(grants).set({ beneficiaryId: toId }).where(eq(grants.beneficiaryId, fromId));
}

/** What a grant lets see now: its scopes while it is in force, nothing before nor after (a referral's consent, read by the place). */
export async function scopesInForce(db: DbOrTx, id: string | null | undefined, at: Date = new Date()): Promise<string[]> {
	const g = id ? await grantById(db, id) : null;
	return g && grantInForce(g, at) ? g.scopes : [];
}
