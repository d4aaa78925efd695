/**
 * The accounts capability's one public entry: logins (password, second factor, ProConnect),
 * sessions, « Mon compte », organisations, members, invitations and pending roles, the
 * onboarding file, place claims, permissions (`can()`) and throttling. Other code imports
 * from here, never from the files inside (the tables of db.ts aside).
 */
export { can, hasRole, departmentsWith, abilities, organisationsWhere, type Actor, type Action } from '../permissions/index.ts';
export { asScoped, scopeOf } from './scope.ts';
export {
	AccountError,
	fieldErrors,
	ORGANISATION_KINDS,
	organisationSchema,
	PASSWORD_MIN_LENGTH,
	passwordProblem,
	ROLE_LABELS,
	ROLES,
	type OrganisationKind,
	type Role
} from './model.ts';
export { actorFor, requiresMfa } from './actors.ts';
export { loginWithPassword, passSecondFactor, mfaKey, type LoginResult, type SecondFactorResult } from './login.ts';
export {
	confirmTotpEnrolment,
	pendingEnrolment,
	remainingRecoveryCodes,
	startTotpEnrolment,
	totpEnrolled,
	type Enrolment,
	type EnrolmentResult
} from './enrolment.ts';
export { accountOverview, changePassword, logout, logoutEverywhere, logoutOneSession } from './account.ts';
export {
	ABSOLUTE_HOURS,
	createSession,
	deleteSession,
	deleteUserSessions,
	hashToken,
	IDLE_MINUTES,
	listUserSessions,
	loadSession,
	purgeSessions,
	type LoadedSession,
	type SessionMeta
} from './sessions.ts';
export { createOrganisation, listOrganisations, organisationDetail, updateOrganisation, type Organisation } from './organisations.ts';
export { addMember, removeMember, setUserActive } from './members.ts';
export {
	acceptInvitation,
	checkInvitation,
	invitationToken,
	INVITATION_DAYS,
	invite,
	labels as roleLabels,
	listPendingInvitations,
	revokeInvitation,
	rolesLabel,
	sameMailbox
} from './invitations.ts';
export { answerPendingRole, pendingRoles } from './pending-roles.ts';
export { remindInvitation, remindWaitingInvitations, REMINDER_DAYS } from './reminders.ts';
export { checkResetToken, requestPasswordReset, resetPassword, RESET_MINUTES } from './reset.ts';
export { finishOidcLogin, OIDC_COOKIE, oidcErrorMessage, oidcSettings, startOidcLogin, type OidcResult } from './oidc.ts';
export {
	clear as clearAttempts,
	clearKeysNaming,
	hit as countAttempt,
	lockAfterFailure,
	lockedUntil,
	release as releaseAttempt,
	reserve as reserveAttempt,
	retryMessage,
	RULES as THROTTLE_RULES
} from './throttle.ts';
export { formatOnboardingReport, importOnboarding, type OnboardingReport } from './onboarding.ts';
export { readOnboardingCsv } from './onboarding-csv.ts';
export { invitePlaceContacts, placeManagerState, placesWithoutManager } from './place-contacts.ts';
export { claimPlace, decideClaim, listClaims, pendingClaimsOf, placesToClaim } from './claims.ts';
export { placeTeams } from './place-teams.ts';
export { membersOf, placeHasTeam, placesRunByArray } from './conditions.ts';
export { PLACE_TEAM_ROLES, placeTeamOrganisations, placeTeamEmails, memberEmails, activeMembers, placesRunBy, activeOrganisations } from './teams.ts';
export { afterResponse, backgroundSettled } from './background.ts';
export { hashPassword } from './password.ts';
export { newTotpSecret, totpCodeAt } from './totp.ts';
export { organisationNames, memberOrganisationNames, userNames, userContacts, activeUserEmail } from './organisation-names.ts';
export { personalData } from './personal-data.ts';

// lookups for other capabilities (summaries by id, one organisation, a département's), the demo's credentials
export {
	activeOrganisationsOf,
	linkOrganisationPlace,
	organisationById,
	organisationByName,
	organisationInDepartment,
	organisationSummaries,
	organisationWithSiret,
	departmentStructures,
	type OrganisationSummary
} from './organisation-lookups.ts';
export { setDemoCredentials, userIdByEmail } from './user-lookups.ts';
export { anonymiseExpiredInvitations, purgeThrottleCounters } from './purges.ts';
export { invitationSummaries, organisationsOfDepartments } from './names.ts';
