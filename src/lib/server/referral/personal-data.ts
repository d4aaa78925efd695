import type { PersonalDataDeclaration } from '../personal-data.ts';
import { eraseTexts, exportSections, moveReferrals, referralTargets } from './rights.ts';

/** What a referral holds about the person (see ../personal-data.ts). */
export const personalData: PersonalDataDeclaration = {
	capability: 'referral',
	tables: [
		{
			table: 'referrals',
			person: 'beneficiary_id',
			holds: 'where the person was referred, why (in the prescriber’s words), the appointment, the answers',
			export: 'referrals, with their timeline',
			onRecordDeleted: 'deleted',
			erasure: { cleared: ['reason', 'decline_note'] },
			anonymisation: 'the same as erasure, after 24 months without activity (anonymiseInactive)',
			retention: 'the record’s'
		}
	],
	exportOf: exportSections,
	erase: eraseTexts,
	move: moveReferrals,
	journalTargets: referralTargets
};
