import type { PersonalDataDeclaration } from '../personal-data.ts';
import { exportSections, moveAccompaniments } from './rights.ts';

/** What an accompaniment holds about the person (see ../personal-data.ts). */
export const personalData: PersonalDataDeclaration = {
	capability: 'accompaniments',
	tables: [
		{
			table: 'accompaniments',
			person: 'beneficiary_id',
			holds: 'that the person was helped at a place, on what, how autonomous; the link to the person',
			export: 'accompaniments',
			onRecordDeleted: 'unlinked',
			erasure: { kept: 'what was done at the place, counted; no identity in it' },
			anonymisation: 'the same as erasure, after 24 months without activity (anonymiseInactive)',
			retention: 'the place’s activity figures: kept without the person'
		}
	],
	exportOf: exportSections,
	move: moveAccompaniments
};
