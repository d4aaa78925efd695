/**
 * The grants capability's public entry (decision 0014): who may see or do what about a
 * person, until when. The table stays in db.ts; the rule that reads a grant is
 * permissions/grants.ts (re-exported here for convenience); the services record and read
 * grants through these functions only.
 */
export * from './model.ts';
export { grantInForce, grantReaches, grantsReaching, type GrantFacts } from '../permissions/index.ts';
export {
	grantInForceSql,
	grantOpensRecord,
	grantsOf,
	grantsOfKinds,
	grantsOfMandates,
	grantsOfPeople,
	grantsById,
	grantById,
	scopesGrantedTo,
	scopesGrantedToEach,
	scopesInForce,
	insertGrant,
	closePendingGrant,
	confirmGrant,
	revokeGrant,
	liveGrantsByEvidence,
	setGrantEnd,
	endGrantsOf,
	moveGrants,
	type Grant,
	type NewGrant
} from './records.ts';
export { personalData } from './personal-data.ts';
