/**
 * The one rule that reads a person's grants (decision 0014): whether a grant is in force at
 * an instant, and whether it reaches an actor. can() asks it for every action a grant can
 * open; the row-level security policies of migration 0023 say the same in SQL
 * (grants/sql.ts is their twin for the services' own filters).
 */
import type { Role } from '../accounts/index.ts';
import type { Actor } from './can.ts';

/** What the rule reads of a grant: a row of the grants table has these fields. */
export interface GrantFacts {
	granteeOrganisationId: string | null;
	granteeUserId: string | null;
	scopes: readonly string[];
	status: string;
	validFrom: Date;
	validUntil: Date | null;
	revokedAt: Date | null;
}

/** In force at `at`: given (not pending an answer, nor refused, expired or cancelled), not revoked, and `at` within its window. */
export function grantInForce(g: GrantFacts, at: Date = new Date()): boolean {
	return (
		g.status === 'in_force' && g.revokedAt === null && g.validFrom.getTime() <= at.getTime() && (g.validUntil === null || at.getTime() < g.validUntil.getTime())
	);
}

/**
 * Whether the grant reaches the actor: granted to them by name, or to a structure where they
 * hold one of `roles`. A grant to a place without an account reaches nobody here (the
 * place reads through its signed link).
 */
export function grantReaches(g: GrantFacts, actor: Actor, roles: readonly Role[]): boolean {
	if (g.granteeUserId !== null) return g.granteeUserId === actor.userId;
	return g.granteeOrganisationId !== null && actor.memberships.some((m) => m.organisationId === g.granteeOrganisationId && roles.includes(m.role));
}

/** The grants in force at `at` that reach the actor, optionally covering `scope`. */
export function grantsReaching(grants: readonly GrantFacts[], actor: Actor, roles: readonly Role[], at: Date = new Date(), scope?: string): GrantFacts[] {
	return grants.filter((g) => grantInForce(g, at) && grantReaches(g, actor, roles) && (scope === undefined || g.scopes.includes(scope)));
}

/** The scope of a vault grant over the whole vault (the person present at a counter, issue 15). */
export const WHOLE_VAULT = 'vault';

/** Whether a vault grant's scopes cover a document: the whole vault, this document, or its category. */
export function scopesCover(scopes: readonly string[], doc: { id: string; category: string }): boolean {
	return scopes.some((s) => s === WHOLE_VAULT || s === `document:${doc.id}` || s === `category:${doc.category}`);
}
