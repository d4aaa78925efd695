/**
 * Who may do what, in one place: `can(actor, action, resource)`. Services call it before
 * every read of non-public data and every write; the authorisation matrix tests it.
 * Territory isolation lives here: a role counts only in its organisation's département.
 */
import type { Role } from '../accounts/index.ts';
import { grantsReaching, scopesCover, WHOLE_VAULT, type GrantFacts } from './grants.ts';

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
	// mandates (issue 15): a structure of helpers acting for a person, never by rank
	| 'mandate.create'
	| 'mandate.act'
	// Pass Numérique
	| 'pass.manage'
	| 'pass.read'
	| 'pass.distribute'
	| 'pass.redeem'
	// a partner's own figures (its contributions, the campaigns it funds, its agents' referrals counted): no personal data
	| 'partner.read'
	| 'steering.read'
	| 'steering.read_all'
	// the territorial strategy (issue 16, item 6): the roadmap and the steering committees; organisations only, no personal data
	| 'strategy.read'
	| 'strategy.manage'
	// training the helpers (issue 17): organising sessions and reading their registrants; registering oneself
	| 'training.manage'
	| 'training.register'
	// attendance (issue 17, item 5): the organisers, and the members of the structure that trains
	| 'training.attendance'
	| 'training.relay'
	// the person's vault (issue 15): never by rank nor by holding the record; only under the person's grants
	| 'vault.read'
	| 'vault.deposit'
	| 'vault.open_with_person'
	// refurbished equipment (issue 18, decision 0020): donors and lots, refurbishing, stock; requests and allocation link a person, never by rank
	| 'equipment.manage'
	| 'equipment.refurbish'
	| 'equipment.read'
	| 'equipment.request'
	| 'equipment.allocate';

/** A département, for the actions decided by who coordinates it. */
interface InDepartment {
	departmentCode: string | null | undefined;
}
/** A structure, for the actions decided by a role held there. */
interface OfOrganisation {
	organisationId: string | null | undefined;
}

/**
 * What each action is decided on: one shape per action, so that a caller cannot pass a
 * list meant for another action, nor forget the one this action needs (a compile error,
 * not a silent refusal or a silent allow).
 */
export interface Resources {
	/** the structure's page, its members and their roles included */
	'organisation.read': Partial<InDepartment & OfOrganisation>;
	'organisation.manage': InDepartment;
	/** `role`: the role being given */
	'user.invite': Partial<InDepartment & OfOrganisation> & { role?: Role };
	'membership.manage': Partial<InDepartment & OfOrganisation> & { role?: Role };
	'user.deactivate': InDepartment;
	'journal.read': InDepartment;
	/** `placeOrganisationIds`: the structures that run the place */
	'place.edit': InDepartment & { placeOrganisationIds: readonly string[] };
	'place.curate': InDepartment;
	/** without a structure: may the actor claim a place at all */
	'place.claim': Partial<OfOrganisation>;
	'claim.moderate': InDepartment;
	'report.moderate': InDepartment;
	'settings.manage': Record<string, never>;
	'beneficiary.create': OfOrganisation;
	/** `organisationId`: the structure holding the record; `grants`: the person's grants (all of them: the rule picks those in force that reach the actor) */
	'beneficiary.read': OfOrganisation & { grants: readonly GrantFacts[]; at?: Date };
	'beneficiary.write': OfOrganisation;
	'referral.send': OfOrganisation;
	/** `placeOrganisationIds`: the structures that run the place the referral goes to */
	'referral.answer': { placeOrganisationIds: readonly string[] };
	'accompaniment.record': OfOrganisation;
	'accompaniment.read': OfOrganisation;
	/** `organisationId`: the structure that would hold the mandate */
	'mandate.create': OfOrganisation;
	/** confirm, revoke, record a use, read its mandates: `organisationId` the structure holding the mandate */
	'mandate.act': OfOrganisation;
	'pass.manage': InDepartment;
	/** `funderOrganisationIds`: the structures funding the campaign */
	'pass.read': InDepartment & { funderOrganisationIds?: readonly string[] };
	'pass.distribute': OfOrganisation;
	'pass.redeem': OfOrganisation;
	'partner.read': Partial<InDepartment & OfOrganisation>;
	/** the steering space (issue 16): aggregates of a département, read by its coordinators and partners */
	'steering.read': InDepartment;
	/** the whole network's demand and outcomes, every partner's included: the coordinators (a partner reads its own scope) */
	'steering.read_all': InDepartment;
	/** the département's roadmap and committees: its coordinators and its partners read */
	'strategy.read': InDepartment;
	/** write them: its coordinators */
	'strategy.manage': InDepartment;
	/** create and edit a training and its sessions, read and export its registrants: `organisationId` the structure that organises it, `departmentCode` the training's */
	'training.manage': InDepartment & OfOrganisation;
	/** register oneself to a session (any professional account; helpers without one go through the e-mail link) */
	'training.register': Record<string, never>;
	/** check in a session's registrants and print its sign-in sheets: the organisers (`training.manage`), and any member of the trainer's structure (`trainerOrganisationId`, in the training's département) */
	'training.attendance': InDepartment & OfOrganisation & { trainerOrganisationId: string | null | undefined };
	/** register a place as a relayed webinar's relay and record its group's attendance: `placeOrganisationIds` the structures that run the place */
	'training.relay': { placeOrganisationIds: readonly string[] };
	/** `grants`: the person's vault grants (shares, the person present); `document`: what is read */
	'vault.read': { grants: readonly GrantFacts[]; document: { id: string; category: string }; at?: Date };
	/** `grants`: the person's vault grants; a professional deposits only while the person is present (a grant naming them) */
	'vault.deposit': { grants: readonly GrantFacts[]; at?: Date };
	/** the structure the professional acts for, at the counter with the person */
	'vault.open_with_person': OfOrganisation;
	/** donors, lots, stock declarations: `organisationId` the refurbisher receiving the lot (null for a donor alone) */
	'equipment.manage': InDepartment & Partial<OfOrganisation>;
	/** tests, erasure, specification, offer, recycling: `organisationId` the refurbisher holding the device */
	'equipment.refurbish': OfOrganisation;
	/** stock, a device, a donor's report: `organisationId` the refurbisher, `donorOrganisationId` the donor's structure in the network */
	'equipment.read': InDepartment & Partial<OfOrganisation> & { donorOrganisationId?: string | null };
	/** ask for a device for a person: `organisationId` the structure holding the person's record */
	'equipment.request': OfOrganisation;
	/** reserve, hand over, take back: `organisationId` the refurbisher holding the device */
	'equipment.allocate': OfOrganisation;
}

export type Resource<A extends Action = Action> = Resources[A];

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
/** Whom a grant to a structure reaches there: its care team and its place team. */
const GRANT_RECEIVERS = ['prescriber', 'mediator', 'place_manager'] as const;
/** The helpers of a structure, who act for a person under a mandate (Aidants Connect's « aidants »). */
export const HELPERS = GRANT_RECEIVERS;

/**
 * Personal data of the people helped: the organisation that holds the record (its
 * prescribers and mediators), or whom a grant of the person reaches (permissions/grants.ts).
 * The instance administrator and the coordinators get no access by their rank.
 */
function canCare(actor: Actor, action: Action, resource: Resource): boolean | null {
	// each case reads the shape its action declares (Resources)
	const r = resource as Partial<OfOrganisation> & { placeOrganisationIds?: readonly string[]; grants?: readonly GrantFacts[]; at?: Date };
	switch (action) {
		case 'beneficiary.create':
		case 'referral.send':
			return holds(actor, r.organisationId, CARE_ROLES);
		case 'beneficiary.read':
			// the holding structure's care team, or whom a grant in force reaches (a structure's care or place team, or a named professional)
			return holds(actor, r.organisationId, CARE_ROLES) || grantsReaching(r.grants ?? [], actor, GRANT_RECEIVERS, r.at).length > 0;
		case 'beneficiary.write':
			// a grant lets another structure read, never edit
			return holds(actor, r.organisationId, CARE_ROLES);
		// a relayed webinar's group at a place (training.relay): the place's own team, never by rank
		case 'referral.answer':
		case 'training.relay':
			return (r.placeOrganisationIds ?? []).some((o) => holds(actor, o, PLACE_TEAM));
		case 'accompaniment.record':
		case 'accompaniment.read':
			return holds(actor, r.organisationId, PLACE_TEAM);
		// a mandate is held by a structure: its helpers (care and place teams) prepare, confirm, use and end it
		case 'mandate.create':
		case 'mandate.act':
			return holds(actor, r.organisationId, HELPERS);
		// handing a voucher to a person and redeeming it are acts of the care teams: not by rank
		case 'pass.distribute':
			return holds(actor, r.organisationId, ['prescriber']);
		case 'pass.redeem':
			return holds(actor, r.organisationId, PLACE_TEAM);
		case 'vault.read': {
			const v = resource as Resources['vault.read'];
			return grantsReaching(v.grants, actor, GRANT_RECEIVERS, v.at).some((g) => scopesCover(g.scopes, v.document));
		}
		case 'vault.deposit': {
			const v = resource as Resources['vault.deposit'];
			// the person present: a grant naming this professional, over the whole vault
			return grantsReaching(v.grants, actor, GRANT_RECEIVERS, v.at).some((g) => g.granteeUserId === actor.userId && g.scopes.includes(WHOLE_VAULT));
		}
		case 'vault.open_with_person':
			return holds(actor, r.organisationId, GRANT_RECEIVERS);
		// a device asked for a person followed, and handed over to them: the care team holding the record, the refurbisher's team
		case 'equipment.request':
			return holds(actor, r.organisationId, CARE_ROLES);
		case 'equipment.allocate':
			return holds(actor, r.organisationId, PLACE_TEAM);
		default:
			return null;
	}
}

export function can<A extends Action>(actor: Actor | null, action: A, resource: Resources[A]): boolean {
	if (!actor) return false;
	const care = canCare(actor, action, resource);
	const r = resource as Partial<InDepartment & OfOrganisation> & {
		role?: Role;
		placeOrganisationIds?: readonly string[];
		funderOrganisationIds?: readonly string[];
	};
	if (care !== null) return care;
	if (actor.isAdmin) return true;
	switch (action) {
		case 'organisation.read':
			return coordinates(actor, r.departmentCode) || holds(actor, r.organisationId, ['coordinator', 'partner', 'prescriber', 'mediator', 'place_manager']);
		case 'organisation.manage':
			return coordinates(actor, r.departmentCode);
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
		case 'steering.read':
			return coordinates(actor, r.departmentCode) || actor.memberships.some((m) => m.role === 'partner' && m.departmentCode === r.departmentCode);
		case 'steering.read_all':
			return coordinates(actor, r.departmentCode);
		case 'strategy.read':
			// the partners of the network (funders, operators) read the strategy they take part in, in their own département
			return (
				coordinates(actor, r.departmentCode) ||
				(!!r.departmentCode && actor.memberships.some((m) => m.role === 'partner' && m.departmentCode === r.departmentCode))
			);
		case 'strategy.manage':
			return coordinates(actor, r.departmentCode);
		case 'training.manage':
			// the département's coordinators, and the managers of the structure that organises it (its own trainings only)
			return (
				coordinates(actor, r.departmentCode) ||
				(!!r.departmentCode &&
					actor.memberships.some((m) => m.organisationId === r.organisationId && m.role === 'place_manager' && m.departmentCode === r.departmentCode))
			);
		case 'training.attendance':
			return (
				can(actor, 'training.manage', { departmentCode: r.departmentCode, organisationId: r.organisationId }) ||
				(!!r.departmentCode &&
					!!(resource as Resources['training.attendance']).trainerOrganisationId &&
					actor.memberships.some(
						(m) => m.organisationId === (resource as Resources['training.attendance']).trainerOrganisationId && m.departmentCode === r.departmentCode
					))
			);
		case 'training.register':
			// any professional account, whatever its roles
			return true;
		case 'equipment.manage':
			// the département's coordinators, and the team of the refurbisher receiving the lot
			return coordinates(actor, r.departmentCode) || holds(actor, r.organisationId, PLACE_TEAM);
		case 'equipment.refurbish':
			return holds(actor, r.organisationId, PLACE_TEAM);
		case 'equipment.read': {
			const donor = (resource as Resources['equipment.read']).donorOrganisationId;
			return coordinates(actor, r.departmentCode) || holds(actor, r.organisationId, PLACE_TEAM) || holds(actor, donor, ['partner', 'coordinator']);
		}
		default:
			return false;
	}
}
