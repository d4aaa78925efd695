/**
 * The beneficiaries capability's public entry: the records of the people helped, who may
 * read them, their consents (on site, orally, or by SMS reply), merge, erasure and
 * anonymisation, the assessments kept on a record, and the person's own access to their
 * page (a link, or a one-time code). Code outside beneficiaries/ imports from here; the
 * tables stay in db.ts.
 */
export * from './model.ts';
export { CareError, holdingOrganisations, visibleTo, loadBeneficiary, touchBeneficiary, type Beneficiary, type Consent } from './access.ts';
export {
	findDuplicates,
	createBeneficiary,
	updateBeneficiary,
	listBeneficiaries,
	beneficiaryDetail,
	type DuplicateMatch,
	type CreateResult,
	type BeneficiaryListItem
} from './records.ts';
export {
	namesVisibleTo,
	uncheckedNames,
	uncheckedRecord,
	uncheckedAssessment,
	notAnonymised,
	recordReadable,
	type PersonName,
	type AssessmentRow
} from './lookups.ts';
export { consentsOf, recordConsent, withdrawConsent, type ConsentView } from './consents.ts';
export { planMerge, foldRecords, erasableRecord, type MergePlan } from './erasure.ts';
export { personRef, inactiveRecords } from './rights.ts';
export { recordAssessment, assessmentsOf } from './assessments.ts';
export {
	NO_MOBILE,
	SMS_NOT_READY,
	smsConsentReady,
	canAskBySms,
	requestConsentBySms,
	consentRequestsOf,
	cancelConsentRequest,
	resendConsentRequest,
	answerConsentReply,
	expireConsentRequests,
	type ConsentRequestView,
	type ReferralDraft,
	type ReplyOutcome,
	type SendOnConsent
} from './consent-sms.ts';
export {
	PERSON_LINK_DAYS,
	LINK_CHANNELS,
	issuePersonLink,
	checkPersonLink,
	usePersonLink,
	openPersonSession,
	openSessionsOf,
	endSessionsByPerson,
	SIGN_IN_METHODS,
	readPersonSession,
	endPersonSession,
	liveLinks,
	revokeLinksByPerson,
	revokeLinksByHolder,
	personFirstName,
	type LinkChannel,
	type LinkCheck,
	type LinkView,
	type PersonSession,
	type SessionView,
	type SignInMethod
} from './person-access.ts';
export {
	recoveryStatus,
	issueRecoverySheet,
	signInWithRecoveryCode,
	passkeysOf,
	passkeyRegistrationOptions,
	addPasskey,
	removePasskey,
	passkeySignInOptions,
	signInWithPasskey,
	type RecoveryStatus,
	type PasskeyView,
	type PasskeyAdded,
	type SignInResult
} from './person-credentials.ts';
export { personGrants, PERSON_SCOPE_WORDS, RECENT_GRANT_DAYS, type PersonGrantView } from './person-grants.ts';
export { RECOVERY_CODES_PER_SHEET, personReturnPath, passkeyName } from './person-model.ts';
export { PERSON_COOKIE, PERSON_SESSION_MINUTES, CODE_MINUTES, requestPersonCode, verifyPersonCode, type CodeRequest, type CodeCheck } from './person.ts';
export { personalData } from './personal-data.ts';
export { purgePersonAccess } from './purges.ts';
