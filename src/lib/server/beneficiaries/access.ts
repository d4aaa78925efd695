/**
 * Who may read or write a person's record: the organisation holding it, or whom a grant
 * in force reaches (a consent: ../grants/; the rule: permissions/grants.ts). Everything else in beneficiaries/ (and the capabilities
 * that work on a person: referral/, accompaniments/, pass/) asks here first.
 */
import { and, eq, inArray, isNull, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import type { AuditActor } from '../audit/index.ts';
import { can, type Actor } from '../accounts/index.ts';
import { beneficiaries } from './db.ts';
import { grantOpensRecord, grantsOf, type Grant } from '../grants/index.ts';
import { DomainError } from '../errors.ts';

export type Beneficiary = typeof beneficiaries.$inferSelect;
/** A consent is a grant of kind 'consent'. */
export type Consent = Grant;

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

/** The records the actor may read: held by their organisations, or opened to them (their structure, or them by name) by a grant in force. */
export function visibleTo(actor: Actor): SQL {
	const own = holdingOrganisations(actor);
	const parts: SQL[] = [grantOpensRecord(beneficiaries.id, receivingOrganisations(actor), actor.userId)];
	if (own.length) parts.push(inArray(beneficiaries.organisationId, own));
	return and(isNull(beneficiaries.mergedInto), or(...parts))!;
}

/** The record if the actor may read (or write) it; otherwise not_found (no hint that it exists). */
export async function loadBeneficiary(db: DbOrTx, actor: Actor, id: string, need: 'read' | 'write' = 'read'): Promise<Beneficiary> {
	if (!/^[0-9a-f-]{36}$/i.test(id)) throw new CareError('not_found', 'Cette personne n’existe pas, ou vous n’y avez pas accès.');
	const [b] = await db.select().from(beneficiaries).where(eq(beneficiaries.id, id));
	if (!b || b.mergedInto) throw new CareError('not_found', 'Cette personne n’existe pas, ou vous n’y avez pas accès.');
	const allowed =
		need === 'read'
			? // a consent opens what it covers; a mandate opens the person's identity to the structure acting for them
				can(actor, 'beneficiary.read', { organisationId: b.organisationId, grants: await grantsOf(db, id, ['consent', 'mandate']) })
			: can(actor, 'beneficiary.write', { organisationId: b.organisationId });
	if (!allowed) throw new CareError('not_found', 'Cette personne n’existe pas, ou vous n’y avez pas accès.');
	return b;
}

/** Marks activity on a record: its 24-month clock starts again. */
export async function touchBeneficiary(db: DbOrTx, id: string, now = new Date()): Promise<void> {
	await db.update(beneficiaries).set({ lastActivityAt: now }).where(eq(beneficiaries.id, id));
}
