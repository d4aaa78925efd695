/**
 * Pass Numérique: the departmental fund, campaigns, booklets and vouchers, qualification
 * of places, distribution, checking and redemption, monthly statements, expiry and
 * credit-back, and the double-entry ledger that records every movement of money.
 *
 * Money first: every write that moves value posts a balanced ledger transaction in the
 * same database transaction, and is journaled there too. A voucher changes state by one
 * conditional UPDATE (`… WHERE state = 'distributed'`): under any concurrency, one
 * redemption wins and the others find the voucher already used.
 */

export * from './model.ts';
export { formatCode, parseCode, spokenCode } from './code.ts';
export { PassError, managedDepartments, type Campaign, type Voucher, type Statement } from './internal.ts';
export * from './ledger.ts';
export * from './fund.ts';
export * from './campaigns.ts';
export * from './booklets.ts';
export * from './qualification.ts';
export * from './distribution.ts';
export * from './checking.ts';
export * from './redemption.ts';
export * from './statements.ts';
export * from './clock.ts';
export * from './alerts.ts';
export * from './dashboards.ts';
export * from './pages.ts';
