/**
 * Organisations read by other capabilities (the Pass Numérique, the partner page, the demo)
 * without reaching into this capability's tables: summaries by id in name order (names
 * alone: organisation-names.ts), one organisation, the active ones of a département, and
 * the demo's find-or-create by name or SIRET. Each takes the database handle or the
 * caller's transaction (`db`), and checks no permission: the caller's use case has done it.
 */
import { and, asc, eq, inArray, isNotNull, or } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { memberships, organisationPlaces, organisations } from './db.ts';
import type { Organisation } from './organisations.ts';
import type { OrganisationKind } from './model.ts';

export interface OrganisationSummary {
	id: string;
	name: string;
	kind: string;
	siret: string | null;
	departmentCode: string;
	active: boolean;
}

const summary = {
	id: organisations.id,
	name: organisations.name,
	kind: organisations.kind,
	siret: organisations.siret,
	departmentCode: organisations.departmentCode,
	active: organisations.active
};

/** The name, kind, SIRET, département and state of these organisations, the map in name order (the database's collation); unknown ids are left out. */
export async function organisationSummaries(db: DbOrTx, ids: readonly (string | null | undefined)[]): Promise<Map<string, OrganisationSummary>> {
	const wanted = [...new Set(ids.filter((id): id is string => !!id))];
	if (!wanted.length) return new Map();
	const rows = await db.select(summary).from(organisations).where(inArray(organisations.id, wanted)).orderBy(asc(organisations.name), asc(organisations.id));
	return new Map(rows.map((r) => [r.id, r]));
}

/** One organisation, or null. */
export async function organisationById(db: DbOrTx, id: string): Promise<Organisation | null> {
	const [o] = await db.select().from(organisations).where(eq(organisations.id, id));
	return o ?? null;
}

/** One organisation when it is of this département, else null. */
export async function organisationInDepartment(db: DbOrTx, id: string, departmentCode: string): Promise<Organisation | null> {
	const [o] = await db
		.select()
		.from(organisations)
		.where(and(eq(organisations.id, id), eq(organisations.departmentCode, departmentCode)));
	return o ?? null;
}

/** The active organisations of a département, by name; `kind`: of that kind only; `withSiret`: only those whose SIRET is known. */
export async function activeOrganisationsOf(
	db: DbOrTx,
	departmentCode: string,
	opts: { kind?: OrganisationKind; withSiret?: boolean } = {}
): Promise<OrganisationSummary[]> {
	return db
		.select(summary)
		.from(organisations)
		.where(
			and(
				eq(organisations.departmentCode, departmentCode),
				eq(organisations.active, true),
				opts.kind ? eq(organisations.kind, opts.kind) : undefined,
				opts.withSiret ? isNotNull(organisations.siret) : undefined
			)
		)
		.orderBy(asc(organisations.name));
}

/** The organisation of this name in a département (the demo's structures are found by name), or null. */
export async function organisationByName(db: DbOrTx, name: string, departmentCode: string): Promise<{ id: string; name: string } | null> {
	const [o] = await db
		.select({ id: organisations.id, name: organisations.name })
		.from(organisations)
		.where(and(eq(organisations.name, name), eq(organisations.departmentCode, departmentCode)));
	return o ?? null;
}

/**
 * The organisation with this SIRET, created (and journaled as the system, `details` added to
 * the entry) when there is none. For seeding: no actor, no permission.
 */
export async function organisationWithSiret(
	tx: DbOrTx,
	values: { name: string; kind: OrganisationKind; departmentCode: string; siret: string },
	details: Record<string, unknown> = {}
): Promise<{ id: string; created: boolean }> {
	const [found] = await tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.siret, values.siret));
	if (found) return { id: found.id, created: false };
	const [row] = await tx.insert(organisations).values(values).returning({ id: organisations.id });
	await journal(tx, {
		actor: { kind: 'system' },
		action: 'organisation.created',
		targetType: 'organisation',
		targetId: row.id,
		departmentCode: values.departmentCode,
		details
	});
	return { id: row.id, created: true };
}

/** Records that an organisation runs a place (nothing when it already does). For seeding: not journaled. */
export async function linkOrganisationPlace(db: DbOrTx, organisationId: string, placeId: string): Promise<void> {
	await db.insert(organisationPlaces).values({ organisationId, placeId }).onConflictDoNothing();
}

/**
 * The structures of a département (and those of `alsoIds`, wherever they are), in name order,
 * with whether one of their members is a partner of the network (the steering space).
 */
export async function departmentStructures(
	db: DbOrTx,
	departmentCode: string,
	alsoIds: readonly string[] = []
): Promise<{ id: string; name: string; kind: string; partner: boolean }[]> {
	const also = alsoIds.filter((i) => /^[0-9a-f-]{36}$/i.test(i));
	const [rows, partners] = await Promise.all([
		db
			.select({ id: organisations.id, name: organisations.name, kind: organisations.kind })
			.from(organisations)
			.where(
				also.length ? or(eq(organisations.departmentCode, departmentCode), inArray(organisations.id, also)) : eq(organisations.departmentCode, departmentCode)
			)
			.orderBy(asc(organisations.name), asc(organisations.id)),
		db.selectDistinct({ id: memberships.organisationId }).from(memberships).where(eq(memberships.role, 'partner'))
	]);
	const partner = new Set(partners.map((p) => p.id));
	return rows.map((r) => ({ ...r, partner: partner.has(r.id) }));
}
