/**
 * Who may do what, in one place: `can(actor, action, resource)`. Services call it before
 * every read of non-public data and every write; the authorisation matrix tests it.
 * Territory isolation lives here: a role counts only in its organisation's département.
 */
import type { Role } from './model.ts';

export interface Membership {
	organisationId: string;
	role: Role;
	departmentCode: string;
}

export interface Actor {
	userId: string;
	isAdmin: boolean;
	/** the second factor was passed in this session */
	mfa: boolean;
	memberships: Membership[];
}

export type Action =
	| 'organisation.read'
	| 'organisation.manage'
	| 'user.read'
	| 'user.invite'
	| 'user.deactivate'
	| 'membership.manage'
	| 'journal.read'
	| 'place.edit'
	| 'place.claim'
	| 'claim.moderate'
	| 'report.moderate'
	| 'settings.manage';

export interface Resource {
	departmentCode?: string | null;
	organisationId?: string | null;
	/** for user.invite / membership.manage: the role being given */
	role?: Role;
	/** for place.edit: the organisations that run the place */
	placeOrganisationIds?: string[];
}

/** The départements where the actor holds one of the roles. */
export function departmentsWith(actor: Actor, roles: readonly Role[]): string[] {
	return [...new Set(actor.memberships.filter((m) => roles.includes(m.role)).map((m) => m.departmentCode))];
}

export function hasRole(actor: Actor | null, roles: readonly Role[]): boolean {
	return !!actor && (actor.isAdmin || actor.memberships.some((m) => roles.includes(m.role)));
}

function coordinates(actor: Actor, departmentCode: string | null | undefined): boolean {
	return !!departmentCode && actor.memberships.some((m) => m.role === 'coordinator' && m.departmentCode === departmentCode);
}

function holds(actor: Actor, organisationId: string | null | undefined, roles: readonly Role[]): boolean {
	return !!organisationId && actor.memberships.some((m) => m.organisationId === organisationId && roles.includes(m.role));
}

export function can(actor: Actor | null, action: Action, r: Resource = {}): boolean {
	if (!actor) return false;
	if (actor.isAdmin) return true;
	switch (action) {
		case 'organisation.read':
			return coordinates(actor, r.departmentCode) || holds(actor, r.organisationId, ['coordinator', 'partner', 'prescriber', 'mediator', 'place_manager']);
		case 'organisation.manage':
			return coordinates(actor, r.departmentCode);
		case 'user.read':
			return coordinates(actor, r.departmentCode) || holds(actor, r.organisationId, ['place_manager']);
		case 'user.invite':
		case 'membership.manage':
			// a coordinator gives any role in their département; a place manager builds their own team
			return (
				coordinates(actor, r.departmentCode) ||
				(holds(actor, r.organisationId, ['place_manager']) && (r.role === 'mediator' || r.role === 'place_manager'))
			);
		case 'user.deactivate':
			return coordinates(actor, r.departmentCode);
		case 'journal.read':
		case 'claim.moderate':
		case 'report.moderate':
			return coordinates(actor, r.departmentCode);
		case 'place.edit':
			return coordinates(actor, r.departmentCode) || (r.placeOrganisationIds ?? []).some((o) => holds(actor, o, ['place_manager']));
		case 'place.claim':
			return actor.memberships.some((m) => m.role === 'place_manager' && (!r.organisationId || m.organisationId === r.organisationId));
		case 'settings.manage':
			return false;
	}
}
