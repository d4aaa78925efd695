import type { PersonalDataDeclaration } from '../personal-data.ts';
import { endGrantsOf, moveGrants } from './records.ts';

/** What the grants hold about a person, and what becomes of them (see ../personal-data.ts). */
export const personalData: PersonalDataDeclaration = {
	capability: 'grants',
	tables: [
		{
			table: 'grants',
			person: 'beneficiary_id',
			holds: 'what the person agreed to share or let do, with whom, how, when and until when, and what proves it',
			export: 'consents (beneficiaries/ gives them in the export, with the consent’s words)',
			onRecordDeleted: 'deleted',
			erasure: { kept: 'what was agreed, with whom and when: no identity; those in force are revoked, those waiting cancelled' },
			anonymisation: 'the same as erasure, after 24 months without activity (anonymiseInactive)',
			retention: 'the record’s'
		}
	],
	erase: (tx, person, now) => endGrantsOf(tx, person.id, now),
	move: moveGrants
};
