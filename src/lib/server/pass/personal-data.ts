import type { PersonalDataDeclaration } from '../personal-data.ts';
import { exportSections, moveVouchers } from './rights.ts';

/** What the Pass Numérique holds about the person (see ../personal-data.ts). */
export const personalData: PersonalDataDeclaration = {
	capability: 'pass',
	tables: [
		{
			table: 'pass_vouchers',
			person: 'beneficiary_id',
			holds: 'the vouchers handed to the person',
			export: 'vouchers',
			onRecordDeleted: 'unlinked',
			erasure: { kept: 'money of the fund’s ledger; no identity in it' },
			anonymisation: 'the same as erasure, after 24 months without activity (anonymiseInactive)',
			retention: 'the fund’s accounts: kept without the person'
		}
	],
	exportOf: exportSections,
	move: moveVouchers
};
