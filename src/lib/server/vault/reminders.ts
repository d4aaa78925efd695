/**
 * « And to the professional they chose » (issue 15, item 3): before a paper of the vault
 * reaches its end of validity, the person is reminded (jobs.ts), and so is one professional
 * they pick among the teams that follow them (the structures they may share with). A
 * professional who scans a paper at the counter is that one when the person says so there;
 * the person changes or removes the choice on the document's page at any time.
 */
import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { activeMembers } from '../accounts/index.ts';
import { HELPERS } from '../permissions/index.ts';
import { DomainError } from '../errors.ts';
import { vaultDocuments } from './db.ts';
import { auditIp, NOT_FOUND, type VaultActor } from './access.ts';
import { shareTargets } from './shares.ts';

type Person = Extract<VaultActor, { kind: 'person' }>;

export interface ReminderContact {
	userId: string;
	/** « Sacha Prescripteur (CCAS de Marmande) » */
	label: string;
	organisationId: string;
}

/** The professionals the person may choose: the active helpers of the structures that follow them. */
export async function reminderContacts(database: Database, beneficiaryIds: readonly string[]): Promise<ReminderContact[]> {
	const targets = await shareTargets(database, beneficiaryIds);
	const names = new Map(targets.map((t) => [t.id, t.name]));
	const members = await activeMembers(database.privileged.db, [...names.keys()], HELPERS);
	const seen = new Set<string>();
	return members
		.filter((m) => !seen.has(m.userId) && seen.add(m.userId))
		.map((m) => ({ userId: m.userId, organisationId: m.organisationId, label: `${m.name} (${names.get(m.organisationId)})` }))
		.sort((a, b) => a.label.localeCompare(b.label, 'fr'));
}

/** The person chooses who else is reminded about this document (null: nobody but them). */
export async function chooseReminderContact(database: Database, who: Person, documentId: string, userId: string | null): Promise<void> {
	if (!/^[0-9a-f-]{36}$/i.test(documentId)) throw new DomainError('not_found', NOT_FOUND);
	let contact: ReminderContact | null = null;
	if (userId) {
		contact = (await reminderContacts(database, who.beneficiaryIds)).find((c) => c.userId === userId) ?? null;
		if (!contact)
			throw new DomainError('invalid', 'Choisissez un professionnel dans la liste.', {
				fields: { remindUserId: 'Choisissez un professionnel dans la liste.' }
			});
	}
	await database.db.transaction(async (tx) => {
		const [r] = await tx.select().from(vaultDocuments).where(eq(vaultDocuments.id, documentId)).for('update');
		if (!r || !who.beneficiaryIds.includes(r.beneficiaryId)) throw new DomainError('not_found', NOT_FOUND);
		if (r.remindUserId === (contact?.userId ?? null)) return;
		await tx
			.update(vaultDocuments)
			.set({ remindUserId: contact?.userId ?? null })
			.where(and(eq(vaultDocuments.id, documentId), eq(vaultDocuments.beneficiaryId, r.beneficiaryId)));
		await journal(tx, {
			actor: { kind: 'person' },
			action: 'vault.reminder_contact_set',
			targetType: 'beneficiary',
			targetId: r.beneficiaryId,
			departmentCode: r.departmentCode,
			ip: auditIp(who),
			details: { documentId, category: r.category, organisationId: contact?.organisationId ?? null, userId: contact?.userId ?? null }
		});
	});
}
