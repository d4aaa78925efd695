/**
 * The privacy capability's public entry: the person's rights, each a walk of the
 * personal-data registry (export, erasure, anonymisation, merge), and the registry itself.
 * It depends on every capability that holds personal data; none depends on it.
 */
export { PERSONAL_DATA } from './registry.ts';
export { exportRecord, eraseBeneficiary, anonymiseInactive, mergeBeneficiaries, type RecordExportData } from './rights.ts';
