/**
 * The trainings capability's one public entry (issue 17): the catalogue of trainings for
 * helpers, their sessions in half-day slots, events, registrations with a waiting list
 * promoted in order, the organisers' pages and list. The tables stay in db.ts.
 */
export * from './model.ts';
export { TrainingError, mailLinks, organiserScope, placeChoices, eventChoices } from './internal.ts';
export { type Links } from './messages.ts';
export { catalogue, placeSessions, sessionPage, type CatalogueItem, type SessionPage } from './catalogue.ts';
export {
	createSession,
	createTraining,
	organisedTrainings,
	sessionFormChoices,
	trainingForOrganiser,
	trainingFormChoices,
	updateSession,
	updateTraining
} from './organise.ts';
export { registrantsCsv, sessionForOrganiser } from './registrants.ts';
export { cancelByToken, cancelMine, confirmRegistration, registerWithAccount, requestRegistration, type Placed } from './seats.ts';
export { myRegistration, myRegistrations, registrationByToken, type RegistrationView } from './seats-read.ts';
export { purgeOldRegistrations } from './retention.ts';
export { remindRegistrants } from './reminders.ts';
export { feedBySecret, myFeed, organiserFeed } from './feeds.ts';
export { personalData, TRAINING_RETENTION } from './personal-data.ts';
export { cancelRegistration, cancelSession, promoteFreedSeats } from './cancellations.ts';
export {
	EVENT_STATUSES,
	createEvent,
	eventForOrganiser,
	eventFormChoices,
	eventPage,
	organisedEvents,
	updateEvent,
	upcomingEvents,
	type EventPageSession
} from './events.ts';
export { MAX_GROUP, recordRelayAttendance, registerRelay, relayChoices, relayPage, sessionRelays, withdrawRelay } from './relays.ts';
export { seedDemoTrainings } from './demo.ts';
export { seedDemoSurvey } from './survey-demo.ts';
export { answerSurvey, sendSurveys, sessionSurvey, surveyByToken, type SurveyView } from './survey.ts';
export { COMMENT_MAX, MIN_ANSWERS, SURVEY_QUESTIONS, SURVEY_SCALE, readSurveyForm, type SurveyResults } from './survey-model.ts';
export {
	ANIMATED_PAST_DAYS,
	ATTENDANCE_METHODS,
	animatedSessions,
	mayCheckIn,
	recordAttendance,
	sessionAttendance,
	sheetPrinted,
	type AnimatedSession,
	type AttendanceMethod,
	type SessionAttendance
} from './attendance.ts';
export {
	ATTESTATION_WINDOW_DAYS,
	hoursText,
	issueAttestations,
	issueNow,
	myAttestations,
	revokeAttestation,
	sessionAttestations,
	type AttestationContent
} from './attestations.ts';
export {
	ATTESTATION_STATUS_TITLE,
	checkAttestation,
	holderAttestation,
	issuerProfile,
	openBadge,
	verificationLink,
	verifyCredential,
	type AttestationShown,
	type AttestationStatus
} from './attestations-public.ts';
