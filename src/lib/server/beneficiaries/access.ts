/**
 * Who may read or write a person's record: the organisation holding it, or an organisation
 * a consent in force opens it to. Everything else in beneficiaries/ (and the capabilities
 * that work on a person: referral/, accompaniments/, pass/) asks here first.
 */
import { and, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import type { AuditActor } from '../audit/index.ts';
import { can, type Actor } from '../accounts/index.ts';
import { beneficiaries, consents } from './db.ts';
import { DomainError } from '../errors.ts';

export type Beneficiary = typeof beneficiaries.$inferSelect;
export type Consent = typeof consents.$inferSelect;

/** A refusal of the care loop's use cases (the one error model, ../errors.ts). */
export class CareError extends DomainError<'forbidden' | 'not_found' | 'invalid' | 'conflict'> {
	constructor(code: CareError['code'], message: string, fields: Record<string, string> = {}) {
		super(code, message, { fields });
	}
}

const CARE_ROLES = ['prescriber', 'mediator'];
export const userActor = (actor: Actor): AuditActor => ({ kind: 'user', id: actor.userId });

/** The organisations whose records the actor holds (prescriber or mediator there). */
export function holdingOrganisations(actor: Actor): string[] {
	return [...new Set(actor.memberships.filter((m) => CARE_ROLES.includes(m.role)).map((m) => m.organisationId))];
}
/** The organisations through which a consent can open a record to the actor. */
export function receivingOrganisations(actor: Actor): string[] {
	return [...new Set(actor.memberships.filter((m) => [...CARE_ROLES, 'place_manager'].includes(m.role)).map((m) => m.organisationId))];
}

/** A consent opens something only when in force: given (not pending an SMS answer, nor refused) and not withdrawn. */
export const inForce = () => and(eq(consents.status, 'in_force'), isNull(consents.withdrawnAt))!;

function activeConsentFor(orgIds: string[]): SQL {
	return sql`exists (select 1 from ${consents} c where c.beneficiary_id = ${beneficiaries.id} and c.status = 'in_force' and c.withdrawn_at is null
		and c.with_organisation_id in (${sql.join(
			orgIds.map((o) => sql`${o}::uuid`),
			sql`, `
		)}))`;
}

/** The records the actor may read: held by their organisations, or opened to them by a consent. */
export function visibleTo(actor: Actor): SQL {
	const own = holdingOrganisations(actor);
	const recv = receivingOrganisations(actor);
	const parts: SQL[] = [];
	if (own.length) parts.push(inArray(beneficiaries.organisationId, own));
	if (recv.length) parts.push(activeConsentFor(recv));
	return parts.length ? and(isNull(beneficiaries.mergedInto), or(...parts))! : sql`false`;
}

/** Organisations an active consent opens the record to. */
async function consentedOrganisations(db: DbOrTx, beneficiaryId: string): Promise<string[]> {
	const rows = await db
		.select({ o: consents.withOrganisationId })
		.from(consents)
		.where(and(eq(consents.beneficiaryId, beneficiaryId), inForce()));
	return [...new Set(rows.map((r) => r.o).filter((o): o is string => !!o))];
}

/** The record if the actor may read (or write) it; otherwise not_found (no hint that it exists). */
export async function loadBeneficiary(db: DbOrTx, actor: Actor, id: string, need: 'read' | 'write' = 'read'): Promise<Beneficiary> {
	if (!/^[0-9a-f-]{36}$/i.test(id)) throw new CareError('not_found', 'Cette personne n’existe pas, ou vous n’y avez pas accès.');
	const [b] = await db.select().from(beneficiaries).where(eq(beneficiaries.id, id));
	if (!b || b.mergedInto) throw new CareError('not_found', 'Cette personne n’existe pas, ou vous n’y avez pas accès.');
	const consented = await consentedOrganisations(db, id);
	if (!can(actor, need === 'read' ? 'beneficiary.read' : 'beneficiary.write', { organisationId: b.organisationId, consentedOrganisationIds: consented }))
		throw new CareError('not_found', 'Cette personne n’existe pas, ou vous n’y avez pas accès.');
	return b;
}

/** Marks activity on a record: its 24-month clock starts again. */
export async function touchBeneficiary(db: DbOrTx, id: string, now = new Date()): Promise<void> {
	await db.update(beneficiaries).set({ lastActivityAt: now }).where(eq(beneficiaries.id, id));
}
