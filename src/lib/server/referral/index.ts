/**
 * The referral capability's public entry: send a referral with the person's consent,
 * answer it (the place's team, or a place without an account through a signed link),
 * withdraw it, honour it by an accompaniment, the clock (reminders, expiry), the team
 * views, the person's own view, and the candidate places for a person. Code outside
 * referral/ imports from here; the tables stay in db.ts.
 */
export * from './model.ts';
export { referenceOf, checkAnswerLink, LINK_MESSAGES, type Referral, type Links, type Delivery, type LinkCheck } from './core.ts';
export {
	referOrAskConsent,
	sendReferral,
	answerConsentBySms,
	prepareHandoverReferral,
	sendHandoverReferral,
	type SendInput,
	type SendResult,
	type HandoverReferralInput,
	type PreparedHandoverReferral
} from './send.ts';
export { actOnReferral, answerByLink, withdrawByPerson, honourByAccompaniment, parisLocal, type AnswerInput } from './answer.ts';
export { runReferralClock } from './clock.ts';
export {
	personReferralDocuments,
	joinDocuments,
	joinDocumentsAtCounter,
	counterReferralDocuments,
	teamReferralDocuments,
	linkReferralDocuments,
	openDocumentByLink,
	type ReferralDocumentsView,
	type CounterDocuments
} from './documents.ts';
export {
	teamReferrals,
	referralDetail,
	referralByLink,
	referralsOfBeneficiary,
	personReferrals,
	referralOutcomes,
	type InboxItem,
	type TeamView,
	type ReferralDetail
} from './views.ts';
export { referralCandidates, scoreCandidates, distanceLabel } from './candidates.ts';
export { personalData } from './personal-data.ts';
export { referralSubjects, referralCountsFrom, referralIdsOf } from './subjects.ts';
