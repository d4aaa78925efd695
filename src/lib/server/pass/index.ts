/**
 * Pass Numérique: the departmental fund, campaigns, booklets and vouchers, qualification
 * of places, distribution, checking and redemption, monthly statements, expiry and
 * credit-back, and the double-entry ledger that records every movement of money.
 *
 * Money first: every write that moves value posts a balanced ledger transaction in the
 * same database transaction, and is journaled there too. A voucher changes state by one
 * conditional UPDATE (`… WHERE state = 'distributed'`): under any concurrency, one
 * redemption wins and the others find the voucher already used.
 *
 * This file is the capability's one public entry: the routes, the other capabilities,
 * the CLI, the scripts, the benchmarks and the tests import from here, never from the
 * topic files below (nor the tables of db.ts). A topic file never imports this one.
 * The coordinators' page helpers (steering.ts, coordination.ts) stay beside it: they
 * are the routes' side of the pages, not the capability's.
 */
export * from './model.ts';
export { formatCode, parseCode, spokenCode } from './code.ts';
export { PassError, managedDepartments, type Campaign, type Voucher, type Statement } from './internal.ts';
export { post, balances, funderAvailable, verifyLedger, type VerifyReport } from './ledger.ts';
export { recordContribution, correctContribution, funderBalances, listContributions, possibleFunders, type FunderBalance } from './fund.ts';
export {
	createCampaign,
	loadCampaign,
	canReadCampaign,
	recordSharePaid,
	listCampaigns,
	campaignDetail,
	campaignSponsors,
	type StateCounts
} from './campaigns.ts';
export { generateBooklets, entrustBooklets, cancelVouchers, campaignVouchersForPrint, printBooklets } from './booklets.ts';
export {
	qualify,
	qualifiableOrganisations,
	suspendQualification,
	listQualifications,
	redeemingPlaces,
	qualifyAsSystem,
	siretQualified,
	type RedeemingPlace
} from './qualification.ts';
export { distributableBooklets, distribute, vouchersOfPerson, type DistributeInput } from './distribution.ts';
export { checkCode, type CheckProblem, type CheckResult } from './checking.ts';
export { seatFor, recentAccompaniments, redeem, placeRedemptions, type RedeemInput, type Redemption } from './redemption.ts';
export { makeStatements, listStatements, myStatements, statementDetail, markStatementPaid, statementCsv } from './statements.ts';
export { runPassClock, creditBack } from './clock.ts';
export { listAlerts, reviewAlert } from './alerts.ts';
export { dashboard, dashboardCsv, NOT_HANDED_OUT, type DashboardRow } from './dashboards.ts';
export { handedOutNotUsed, publicPassStatus, PUBLIC_PASS_LOOKUPS, PUBLIC_PASS_FAILURES, type HandedOut, type PublicPass } from './pages.ts';
export { newCode, isValidCode } from './code.ts';
export {
	shownDashboard,
	alertFacts,
	alertLabel,
	pickDepartment,
	printedCode,
	parisDate,
	spacedSiret,
	finishedMonth,
	finishedMonths,
	statementFileName,
	dashboardFor,
	dashboardQuery,
	dashboardRowView,
	type DashboardRowView
} from './steering.ts';
export { CAMPAIGN_STATUS, pickFundDepartment, stateColumns } from './coordination.ts';
export { personalData } from './personal-data.ts';
export { funderFigures, type FunderFigures } from './funder-figures.ts';
export { campaignNames, statementSubjects, qualificationSubjects } from './journal-lookups.ts';
export { personPasses, personPassState, type PersonPass, type PersonPassState } from './person.ts';
