import type { PersonalDataDeclaration } from '../personal-data.ts';
import { purgeMessagesOf } from './service.ts';

/** What the outbox holds about the person (see ../personal-data.ts). */
export const personalData: PersonalDataDeclaration = {
	capability: 'mail',
	tables: [
		{
			table: 'outbox',
			person: 'beneficiary_id',
			holds: 'the e-mails and SMS sent to the person: their address or number, the text',
			export: 'not exported: copies of messages the person received; the journal lists what was sent',
			onRecordDeleted: 'expires',
			erasure: { deleted: true },
			anonymisation: 'the same as erasure, after 24 months without activity (anonymiseInactive)',
			retention: 'purged after their retention (MAIL_RETENTION_DAYS)'
		}
	],
	// every message to or about the person (sent, or pending: then never sent), found by the record or by their address
	erase: async (tx, person) => {
		await purgeMessagesOf(tx, { beneficiaryId: person.id, addresses: [person.phone, person.email] });
	}
};
