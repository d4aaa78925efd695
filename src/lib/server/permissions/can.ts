/**
 * Who may do what, in one place: `can(actor, action, resource)`. Services call it before
 * every read of non-public data and every write; the authorisation matrix tests it.
 * Territory isolation lives here: a role counts only in its organisation's département.
 */
import type { Role } from '../accounts/index.ts';

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
	/** a place's identity, position, closure for good, creation, merges: the coordinators of its département */
	| 'place.curate'
	| 'place.claim'
	| 'claim.moderate'
	| 'report.moderate'
	| 'settings.manage'
	// personal data of the people helped: never through the instance administrator's rights
	| 'beneficiary.create'
	| 'beneficiary.read'
	| 'beneficiary.write'
	| 'referral.send'
	| 'referral.answer'
	| 'accompaniment.record'
	| 'accompaniment.read'
	// Pass Numérique
	| 'pass.manage'
	| 'pass.read'
	| 'pass.distribute'
	| 'pass.redeem'
	// a partner's own figures (its contributions, the campaigns it funds, its agents' referrals counted): no personal data
	| 'partner.read';

export interface Resource {
	departmentCode?: string | null;
	organisationId?: string | null;
	/** for user.invite / membership.manage: the role being given */
	role?: Role;
	/** for place.edit and referral.answer: the organisations that run the place */
	placeOrganisationIds?: string[];
	/** for beneficiary.read / write: the organisations a consent in force lets read the record */
	consentedOrganisationIds?: string[];
	/** for pass.read: the organisations funding the campaign */
	funderOrganisationIds?: string[];
}

/**
 * What the actor's own roles open, for menus and page sections: held through a membership,
 * never by the administrator's rank. The use cases still decide each act with can().
 */
export function abilities(actor: Actor) {
	const holdsAny = (roles: readonly Role[]) => actor.memberships.some((m) => roles.includes(m.role));
	return {
		/** records people and refers them */
		care: holdsAny(CARE_ROLES),
		/** works at a place: receives referrals, records accompaniments, redeems vouchers */
		placeTeam: holdsAny(PLACE_TEAM),
		/** hands Pass Numérique vouchers out */
		passDistribution: holdsAny(['prescriber']),
		partner: holdsAny(['partner'])
	};
}

/** The structures where the actor holds one of the roles. */
export function organisationsWhere(actor: Actor, roles: readonly Role[]): Set<string> {
	return new Set(actor.memberships.filter((m) => roles.includes(m.role)).map((m) => m.organisationId));
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

/** The teams who work with the people helped. */
const CARE_ROLES = ['prescriber', 'mediator'] as const;
const PLACE_TEAM = ['mediator', 'place_manager'] as const;

/**
 * Personal data of the people helped: the organisation that holds the record (its
 * prescribers and mediators), or an organisation the person consented to share it with.
 * The instance administrator and the coordinators get no access by their rank.
 */
function canCare(actor: Actor, action: Action, r: Resource): boolean | null {
	switch (action) {
		case 'beneficiary.create':
		case 'referral.send':
			return holds(actor, r.organisationId, CARE_ROLES);
		case 'beneficiary.read':
			return holds(actor, r.organisationId, CARE_ROLES) || (r.consentedOrganisationIds ?? []).some((o) => holds(actor, o, [...CARE_ROLES, 'place_manager']));
		case 'beneficiary.write':
			// a consent lets another organisation read, never edit
			return holds(actor, r.organisationId, CARE_ROLES);
		case 'referral.answer':
			return (r.placeOrganisationIds ?? []).some((o) => holds(actor, o, PLACE_TEAM));
		case 'accompaniment.record':
		case 'accompaniment.read':
			return holds(actor, r.organisationId, PLACE_TEAM);
		// handing a voucher to a person and redeeming it are acts of the care teams: not by rank
		case 'pass.distribute':
			return holds(actor, r.organisationId, ['prescriber']);
		case 'pass.redeem':
			return holds(actor, r.organisationId, PLACE_TEAM);
		default:
			return null;
	}
}

export function can(actor: Actor | null, action: Action, r: Resource = {}): boolean {
	if (!actor) return false;
	const care = canCare(actor, action, r);
	if (care !== null) return care;
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
				coordinates(actor, r.departmentCode) || (holds(actor, r.organisationId, ['place_manager']) && (r.role === 'mediator' || r.role === 'place_manager'))
			);
		case 'user.deactivate':
			return coordinates(actor, r.departmentCode);
		case 'journal.read':
		case 'claim.moderate':
		case 'report.moderate':
			return coordinates(actor, r.departmentCode);
		case 'place.edit':
			return coordinates(actor, r.departmentCode) || (r.placeOrganisationIds ?? []).some((o) => holds(actor, o, ['place_manager']));
		case 'place.curate':
			return coordinates(actor, r.departmentCode);
		case 'place.claim':
			return actor.memberships.some((m) => m.role === 'place_manager' && (!r.organisationId || m.organisationId === r.organisationId));
		case 'settings.manage':
			return false;
		case 'pass.manage':
			return coordinates(actor, r.departmentCode);
		case 'pass.read':
			// the fund's dashboards: the coordinators, and a partner for what it funds
			return coordinates(actor, r.departmentCode) || (r.funderOrganisationIds ?? []).some((o) => holds(actor, o, ['partner']));
		case 'partner.read':
			return holds(actor, r.organisationId, ['partner']) || coordinates(actor, r.departmentCode);
		default:
			return false;
	}
}
