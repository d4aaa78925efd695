/**
 * The mandates capability's public entry (issue 15, item 8): a structure of helpers acts
 * for a person on named procedure themes, for a set time (decision 0014: a mandate is a set
 * of grants of kind 'mandate', one per theme). Prepared and confirmed on site (sign.ts),
 * ended per theme or whole (revoke.ts), each use recorded and shown to the person (uses.ts),
 * read by the pages (read.ts), reminded before its end (reminders.ts).
 */
export * from './model.ts';
export { MandateError, verificationToken } from './common.ts';
export { prepareMandate, cancelMandate, sendMandateCode, confirmOnScreen, confirmByCode, codeChannels } from './sign.ts';
export { revokeTheme, revokeMandate } from './revoke.ts';
export { mandateReaching, themesReaching, recordMandateUse, recordProcedure, type MandateReach } from './uses.ts';
export {
	STATE_LABELS,
	mandatesOfRecord,
	mandateDetail,
	personMandates,
	checkAttestation,
	attestationData,
	type MandateState,
	type MandateView,
	type ThemeView,
	type UseView
} from './read.ts';
export { runMandateClock, reminderDue } from './reminders.ts';
export { personalData, MANDATE_RETENTION } from './personal-data.ts';
