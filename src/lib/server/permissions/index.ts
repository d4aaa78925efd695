/**
 * The permissions capability's one public entry: who may do what, `can(actor, action,
 * resource)`, and what a role opens in menus. Every use case depends on it; it depends on
 * no capability at run time (the roles' names are a type of accounts'), so that checking a
 * permission never pulls in another capability.
 */
export {
	can,
	hasRole,
	departmentsWith,
	abilities,
	organisationsWhere,
	HELPERS,
	type Actor,
	type Action,
	type Membership,
	type Resource,
	type Resources
} from './can.ts';
export { grantInForce, grantReaches, grantsReaching, scopesCover, WHOLE_VAULT, type GrantFacts } from './grants.ts';
