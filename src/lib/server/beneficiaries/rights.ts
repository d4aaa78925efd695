/**
 * What beneficiaries/ does for the person's rights, called by privacy/ as it walks the
 * personal-data registry: its sections of the export (the record, its holder, the consents,
 * the assessments), its part of erasure (the record emptied in place, SMS consent requests,
 * assessments' answers, codes, links and sessions), its rows moved by a merge.
 */
import { and, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../db/client.ts';
import { organisationNames } from '../accounts/index.ts';
import type { PersonRef } from '../personal-data.ts';
import { assessments, beneficiaries, consentRequests, personCodes, personLinks, personPasskeys, personRecoveryCodes } from './db.ts';
import type { Beneficiary } from './access.ts';
import { consentsOf } from './consents.ts';
import { endAllAccess } from './person-access.ts';
import { ACCESSIBILITY_NEEDS, LANGUAGES, NO_CONTACT, contactLabel, retentionCutoff } from './model.ts';

/** A record's identity and contacts, emptied (erasure, anonymisation, the folded record of a merge). */
export const EMPTY_IDENTITY = {
	firstName: null,
	lastName: null,
	pseudonym: null,
	birthYear: null,
	phone: null,
	email: null,
	accessibilityNote: null,
	accessibilityNeeds: [] as string[],
	nameKey: null
};

export const personRef = (b: Beneficiary): PersonRef => ({ id: b.id, departmentCode: b.departmentCode, phone: b.phone, email: b.email });

/** The record, its holder, the consents and the assessments, as the person's export gives them. */
export async function exportSections(db: DbOrTx, person: PersonRef) {
	const [b] = await db.select().from(beneficiaries).where(eq(beneficiaries.id, person.id));
	const holder = (await organisationNames(db, [b.organisationId])).get(b.organisationId);
	const consentRows = await consentsOf(db, person.id);
	const assessmentRows = await db.select().from(assessments).where(eq(assessments.beneficiaryId, person.id)).orderBy(assessments.createdAt);
	return {
		holder: { organisation: holder ?? '', contact: null },
		person: {
			firstName: b.firstName,
			lastName: b.lastName,
			pseudonym: b.pseudonym,
			birthYear: b.birthYear,
			commune: b.communeName,
			phone: b.phone,
			email: b.email,
			preferredContact: contactLabel(b.preferredContact),
			language: LANGUAGES[b.language as keyof typeof LANGUAGES] ?? b.language,
			accessibilityNeeds: b.accessibilityNeeds.map((n) => ACCESSIBILITY_NEEDS[n as keyof typeof ACCESSIBILITY_NEEDS] ?? n),
			// held about them, so given back to them
			accessibilityNote: b.accessibilityNote,
			createdAt: b.createdAt.toISOString(),
			updatedAt: b.updatedAt.toISOString()
		},
		consents: consentRows.map((c) => ({
			purpose: c.purpose,
			scope: c.scopeLabels,
			withOrganisation: c.withOrganisation ?? c.withPlace,
			method: c.methodLabel,
			givenAt: c.givenAt.toISOString(),
			status: c.statusLabel,
			withdrawnAt: c.withdrawnAt?.toISOString() ?? null
		})),
		assessments: assessmentRows.map((a) => {
			const r = a.result as { profile?: Record<string, string | null>; services?: string[] };
			return {
				date: a.createdAt.toISOString(),
				version: a.version,
				levels: Object.fromEntries(Object.entries(r.profile ?? {}).filter(([, v]) => v)) as Record<string, string>,
				needs: r.services ?? []
			};
		})
	};
}

/**
 * Empties the record in place (identity, contacts, the note on needs; the commune stays so
 * that counts per commune stay true), forgets the number SMS consent requests went to and
 * the draft they carried, the assessments' answers (their levels stay, unlinked from
 * anyone), the codes, the passkeys and the recovery sheet; ends the person's links and sessions.
 */
export async function eraseRecord(tx: Tx, person: PersonRef, now: Date): Promise<void> {
	await endAllAccess(tx, person.id, now);
	await tx
		.update(beneficiaries)
		.set({ ...EMPTY_IDENTITY, preferredContact: NO_CONTACT, anonymisedAt: now, updatedAt: now })
		.where(eq(beneficiaries.id, person.id));
	await tx
		.update(consentRequests)
		.set({ phone: '', referral: null, closedAt: sql`coalesce(${consentRequests.closedAt}, ${now.toISOString()}::timestamptz)` })
		.where(eq(consentRequests.beneficiaryId, person.id));
	await tx.update(assessments).set({ answers: {} }).where(eq(assessments.beneficiaryId, person.id));
	await tx.delete(personCodes).where(eq(personCodes.beneficiaryId, person.id));
	await tx.delete(personPasskeys).where(eq(personPasskeys.beneficiaryId, person.id));
	await tx.delete(personRecoveryCodes).where(eq(personRecoveryCodes.beneficiaryId, person.id));
}

/** A merge: the SMS consent requests, assessments, codes, links, passkeys and recovery codes of `fromId` now belong to `toId`. */
export async function moveRows(tx: Tx, fromId: string, toId: string): Promise<void> {
	await tx.update(consentRequests).set({ beneficiaryId: toId }).where(eq(consentRequests.beneficiaryId, fromId));
	await tx.update(assessments).set({ beneficiaryId: toId }).where(eq(assessments.beneficiaryId, fromId));
	await tx.update(personCodes).set({ beneficiaryId: toId }).where(eq(personCodes.beneficiaryId, fromId));
	await tx.update(personLinks).set({ beneficiaryId: toId }).where(eq(personLinks.beneficiaryId, fromId));
	// a passkey already on both records (one sign-in opened both) stays once
	await tx
		.delete(personPasskeys)
		.where(
			and(
				eq(personPasskeys.beneficiaryId, fromId),
				sql`${personPasskeys.credentialId} in (select credential_id from person_passkeys where beneficiary_id = ${toId}::uuid)`
			)
		);
	await tx.update(personPasskeys).set({ beneficiaryId: toId }).where(eq(personPasskeys.beneficiaryId, fromId));
	await tx.update(personRecoveryCodes).set({ beneficiaryId: toId }).where(eq(personRecoveryCodes.beneficiaryId, fromId));
}

/** The records without activity for 24 months, not yet anonymised (the scheduled job's batch). */
export async function inactiveRecords(db: DbOrTx, now: Date, batch: number): Promise<Beneficiary[]> {
	return db
		.select()
		.from(beneficiaries)
		.where(and(isNull(beneficiaries.anonymisedAt), isNull(beneficiaries.mergedInto), lt(beneficiaries.lastActivityAt, retentionCutoff(now))))
		.limit(batch);
}

/** The records folded into this one by merges (and into those, in turn): their journal lines are the person's too. */
export async function foldedRecords(db: DbOrTx, person: PersonRef): Promise<{ targetType: string; ids: string[] }> {
	const ids: string[] = [];
	let frontier = [person.id];
	while (frontier.length && ids.length < 1000) {
		const rows = await db.select({ id: beneficiaries.id }).from(beneficiaries).where(inArray(beneficiaries.mergedInto, frontier));
		frontier = rows.map((r) => r.id).filter((id) => !ids.includes(id));
		ids.push(...frontier);
	}
	return { targetType: 'beneficiary', ids };
}
