import type { PersonalDataDeclaration } from '../personal-data.ts';
import { eraseRecord, exportSections, foldedRecords, moveRows } from './rights.ts';

/** What the record of a person helped holds, and what becomes of it (see ../personal-data.ts). */
export const personalData: PersonalDataDeclaration = {
	capability: 'beneficiaries',
	tables: [
		{
			table: 'beneficiaries',
			person: 'id',
			holds: 'the record: names, birth year, commune, phone, e-mail, language, accessibility needs',
			export: 'person (JSON and PDF), with its holder',
			onRecordDeleted: 'deleted',
			erasure: { cleared: ['first_name', 'last_name', 'pseudonym', 'birth_year', 'phone', 'email', 'accessibility_note', 'name_key'] },
			anonymisation: 'the same as erasure, after 24 months without activity (anonymiseInactive)',
			retention: '24 months after the last activity (RETENTION_MONTHS)'
		},
		{
			table: 'consent_requests',
			person: 'beneficiary_id',
			holds: 'a consent asked by SMS: the phone number it was sent to, its reference',
			export: 'consents (the request’s state)',
			onRecordDeleted: 'deleted',
			erasure: { cleared: ['phone', 'referral'] },
			anonymisation: 'the same as erasure, after 24 months without activity (anonymiseInactive)',
			retention: '7 days of waiting (CONSENT_REQUEST_DAYS), then the record’s'
		},
		{
			table: 'assessments',
			person: 'beneficiary_id',
			holds: 'the answers of the digital autonomy assessment',
			export: 'assessments',
			onRecordDeleted: 'deleted',
			erasure: { cleared: ['answers'] },
			anonymisation: 'the same as erasure, after 24 months without activity (anonymiseInactive)',
			retention: 'the record’s'
		},
		{
			table: 'person_codes',
			person: 'beneficiary_id',
			holds: 'one-time codes sent to the person (hashed)',
			export: 'not exported: a hash that only opens the person’s page',
			onRecordDeleted: 'deleted',
			erasure: { deleted: true },
			anonymisation: 'the same as erasure, after 24 months without activity (anonymiseInactive)',
			retention: 'a day after they expire (maintenance purge)'
		},
		{
			table: 'person_links',
			person: 'beneficiary_id',
			holds: 'the links that open the person’s page (hashed), who holds them',
			export: 'not exported: listed on the record for the professional',
			onRecordDeleted: 'deleted',
			erasure: { kept: 'revoked at once (hashes only), purged a month later' },
			anonymisation: 'the same as erasure, after 24 months without activity (anonymiseInactive)',
			retention: '90 days (PERSON_LINK_DAYS), purged a month after they stop working'
		},
		{
			table: 'person_sessions',
			person: 'beneficiary_ids',
			holds: 'the person’s own sessions on their page (a token’s hash, the records it opens)',
			export: 'not exported: a technical session',
			onRecordDeleted: 'expires',
			erasure: { kept: 'ended at once, purged a day after they end' },
			anonymisation: 'the same as erasure, after 24 months without activity (anonymiseInactive)',
			retention: 'a day after they end (maintenance purge)'
		},
		{
			table: 'person_passkeys',
			person: 'beneficiary_id',
			holds: 'the public keys of the person’s passkeys, and the names they gave them (« Mon téléphone »)',
			export: 'not exported: a public key that only opens the person’s space (listed on their security page)',
			onRecordDeleted: 'deleted',
			erasure: { deleted: true },
			anonymisation: 'the same as erasure, after 24 months without activity (anonymiseInactive)',
			retention: 'until the person removes it, or the record’s'
		},
		{
			table: 'person_recovery_codes',
			person: 'beneficiary_id',
			holds: 'the codes of the person’s printed recovery sheet (hashed)',
			export: 'not exported: a hash that only opens the person’s space',
			onRecordDeleted: 'deleted',
			erasure: { deleted: true },
			anonymisation: 'the same as erasure, after 24 months without activity (anonymiseInactive)',
			retention: 'until a new sheet replaces them, or the record’s'
		}
	],
	exportOf: exportSections,
	erase: eraseRecord,
	move: moveRows,
	journalTargets: foldedRecords
};
