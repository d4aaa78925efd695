/**
 * The vault's scheduled work (as the tables' owner): the monthly integrity check (criterion 1
 * of L.103: every document decrypted and its digest recomputed; any that no longer matches
 * is named, marked and journaled) and the reminders before a paper expires (90, 30 and 7
 * days, to the person and to the professional they chose; never twice).
 */
import { createHash } from 'node:crypto';
import { and, asc, eq, gt, isNotNull, lte } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import { uncheckedRecord } from '../beneficiaries/index.ts';
import { userContacts } from '../accounts/index.ts';
import { queueSms, toGsm7 } from '../sms/index.ts';
import { plainMail, queueMail } from '../mail/index.ts';
import { addDays, parisDay } from '../../time.ts';
import { vaultDocuments } from './db.ts';
import { blobAad, blobHour, documentKey, keyById, openMeta } from './keys.ts';
import { vaultRuntime } from './runtime.ts';
import { decryptStream } from './store/cipher.ts';
import { markIntegrityFailure } from './documents.ts';
import { DOCUMENT_TYPES, EXPIRY_REMINDER_DAYS, dueReminder, isDocumentType } from './model.ts';

export interface IntegrityReport {
	checked: number;
	/** the documents that no longer match their digest or cannot be decrypted (ids; nothing personal) */
	failed: { id: string; reason: string }[];
}

/** Decrypts every document (or those of `beneficiaryId`) and compares its digest; marks and journals those that fail. */
export async function checkIntegrity(database: Database, opts: { beneficiaryId?: string } = {}, now = new Date()): Promise<IntegrityReport> {
	const owner = database.privileged;
	const report: IntegrityReport = { checked: 0, failed: [] };
	let after = '00000000-0000-0000-0000-000000000000';
	for (;;) {
		const rows = await owner.db
			.select()
			.from(vaultDocuments)
			.where(and(gt(vaultDocuments.id, after), opts.beneficiaryId ? eq(vaultDocuments.beneficiaryId, opts.beneficiaryId) : undefined))
			.orderBy(asc(vaultDocuments.id))
			.limit(200);
		if (!rows.length) break;
		for (const row of rows) {
			after = row.id;
			report.checked++;
			let reason: string | null = null;
			try {
				const person = await keyById(owner, vaultRuntime().keys, row.keyId);
				if (!person) reason = 'no key';
				else {
					const key = documentKey(person, row.id, row.wrappedKey);
					person.fill(0);
					const hash = createHash('sha256');
					const source = await vaultRuntime().blobs.get(row.blob);
					for await (const chunk of source.pipe(decryptStream(key, blobAad(row.id)))) hash.update(chunk as Buffer);
					key.fill(0);
					if (hash.digest('hex') !== row.sha256) reason = 'digest mismatch';
				}
			} catch (e) {
				reason = (e as Error).name === 'BlobNotFoundError' ? 'missing' : 'unreadable';
			}
			if (reason) {
				report.failed.push({ id: row.id, reason });
				await markIntegrityFailure(owner, row, now);
			} else await owner.db.update(vaultDocuments).set({ integrityCheckedAt: now, integrityFailedAt: null }).where(eq(vaultDocuments.id, row.id));
		}
	}
	return report;
}

/** Today's reminders before papers expire; returns how many documents were reminded. */
export async function remindExpiringDocuments(database: Database, links: { origin: string; instanceName: string }, now = new Date()): Promise<number> {
	const owner = database.privileged;
	const today = parisDay(now);
	const horizon = addDays(today, Math.max(...EXPIRY_REMINDER_DAYS));
	const rows = await owner.db
		.select()
		.from(vaultDocuments)
		.where(and(isNotNull(vaultDocuments.expiresOn), lte(vaultDocuments.expiresOn, horizon)));
	let sent = 0;
	for (const row of rows) {
		const days = dueReminder(row.expiresOn!, today, row.remindersSent);
		if (days === null) continue;
		const record = await uncheckedRecord(owner.db, row.beneficiaryId);
		if (!record || record.anonymisedAt) continue;
		let label = 'Un document';
		try {
			const person = await keyById(owner, vaultRuntime().keys, row.keyId);
			if (!person) continue;
			const key = documentKey(person, row.id, row.wrappedKey);
			person.fill(0);
			const meta = openMeta(key, row.id, row.sealedMeta);
			key.fill(0);
			label = isDocumentType(meta.type) && meta.type !== 'autre' ? DOCUMENT_TYPES[meta.type].label : 'Un document';
		} catch {
			continue;
		}
		const until = row.expiresOn!.split('-').reverse().join('/');
		const text = `${links.instanceName}\u00a0: ${label} de votre coffre n'est plus valable a partir du ${until}. Pensez a le renouveler. Votre coffre\u00a0: ${links.origin}/mon-espace/documents`; // typography: gsm
		const pro = row.remindUserId ? (await userContacts(owner.db, [row.remindUserId])).get(row.remindUserId) : undefined;
		await owner.db.transaction(async (tx) => {
			const done = await tx
				.update(vaultDocuments)
				.set({ remindersSent: [...row.remindersSent, days] })
				.where(and(eq(vaultDocuments.id, row.id), eq(vaultDocuments.remindersSent, row.remindersSent)))
				.returning({ id: vaultDocuments.id });
			if (!done.length) return; // another run reminded it first
			if (record.phone) await queueSms(owner, tx, { to: record.phone, text: toGsm7(text), template: 'vault-expiry' });
			else if (record.email)
				await queueMail(owner, tx, plainMail(record.email, 'Un papier de votre coffre arrive à sa fin', ['Bonjour,', text], null, 'vault-expiry'));
			if (pro?.active)
				await queueMail(
					owner,
					tx,
					plainMail(
						pro.email,
						'Un papier d’une personne que vous suivez arrive à sa fin',
						[
							'Bonjour,',
							`Une personne vous a demandé de la prévenir\u00a0: « ${label} » de son coffre n’est plus valable à partir du ${until}. Elle a reçu le même rappel.`
						],
						null,
						'vault-expiry-pro'
					)
				);
			await journal(tx, {
				actor: { kind: 'system' },
				action: 'vault.expiry_reminder_sent',
				targetType: 'beneficiary',
				targetId: row.beneficiaryId,
				departmentCode: row.departmentCode,
				details: { documentId: row.id, days, toProfessional: !!pro?.active }
			});
			sent++;
		});
	}
	return sent;
}

/**
 * Blobs no document names any more (an erased person's, a deposit that failed halfway):
 * removed. They could not be read anyway; this frees the space.
 */
export async function purgeOrphanBlobs(database: Database, now = new Date()): Promise<number> {
	const owner = database.privileged.db;
	const blobs = vaultRuntime().blobs;
	const known = new Set<string>();
	for (const r of await owner.select({ blob: vaultDocuments.blob, thumb: vaultDocuments.thumbBlob }).from(vaultDocuments)) {
		known.add(r.blob);
		if (r.thumb) known.add(r.thumb);
	}
	let removed = 0;
	for await (const name of blobs.list('v1/')) {
		const hour = blobHour(name);
		// written within the last two hours: a deposit may still be committing its row
		if (known.has(name) || !hour || now.getTime() - hour.getTime() < 2 * 3600_000) continue;
		await blobs.delete(name);
		removed++;
	}
	return removed;
}
