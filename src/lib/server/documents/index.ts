/**
 * The documents capability's public entry: what is printed or handed to a person or a
 * partner (the referral sheet, the record export, the Pass statement, the Pass booklets).
 * The PDF toolkit (pdf.ts) stays inside. documents/ reads referral/ and beneficiaries/,
 * never the reverse.
 */
export { recordExportPdf, type RecordExport } from './record-export.ts';
export { referralSheet, referralSheetPdf, type ReferralSheetData } from './referral-sheet.ts';
export { passStatementPdf, type PassStatementData } from './pass-statement.ts';
export { writeBookletsPdf, bookletsPdf, type BookletFormat, type BookletsData } from './booklets.ts';
export { mandateAttestation, mandateAttestationPdf, type MandateAttestationData } from './mandate-attestation.ts';
export { recoverySheetPdf, type RecoverySheetData } from './recovery-sheet.ts';
export { steeringReportPdf, type SteeringReportData, type SteeringReportTable } from './steering-report.ts';
export { reuseReportPdf, type ReuseReportData } from './reuse-report.ts';
export { trainingSheetPdf, type TrainingSheetData } from './training-sheet.ts';
export { trainingAttestationPdf, type TrainingAttestationData } from './training-attestation.ts';
