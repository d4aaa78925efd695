import { and, eq, isNull } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../db/client.ts';
import type { PersonalDataDeclaration, PersonRef } from '../personal-data.ts';
import { mandates, mandateUses } from './db.ts';
import { personMandates } from './read.ts';

/** How long a mandate and its uses are kept: the record's (24 months after the last activity, beneficiaries' RETENTION_MONTHS). */
export const MANDATE_RETENTION = 'the record’s: 24 months after the last activity (RETENTION_MONTHS), a mandate or a use being an activity';

/** The person's mandates in their export: to whom, which themes, until when, how signed, each use. */
async function exportOf(db: DbOrTx, person: PersonRef): Promise<Record<string, unknown>> {
	const list = await personMandates(db, [person.id]);
	return {
		mandates: list.map((m) => ({
			structure: m.structure,
			state: m.stateLabel,
			themes: m.themes.map((t) => ({ theme: t.label, inForce: t.inForce, withdrawnAt: t.revokedAt })),
			duration: m.durationLabel,
			validFrom: m.validFrom,
			validUntil: m.validUntil,
			confirmed: m.methodLabel,
			representative: m.representative ? { kind: m.representative.label, name: m.representative.name } : null,
			digest: m.digest,
			uses: m.uses.map((u) => ({ at: u.at, theme: u.theme, kind: u.kind, what: u.label }))
		}))
	};
}

/** Erasure: every mandate ends (its grants are revoked by grants/), what was signed and the representative's name go; the digests stay. */
async function erase(tx: Tx, person: PersonRef, now: Date): Promise<void> {
	await tx
		.update(mandates)
		.set({ revokedAt: now, revokedBy: 'system' })
		.where(and(eq(mandates.beneficiaryId, person.id), isNull(mandates.revokedAt), eq(mandates.status, 'signed')));
	await tx
		.update(mandates)
		.set({ status: 'cancelled' })
		.where(and(eq(mandates.beneficiaryId, person.id), eq(mandates.status, 'prepared')));
	await tx
		.update(mandates)
		.set({ content: null, representativeName: null, representativeKind: null, codeHash: null })
		.where(eq(mandates.beneficiaryId, person.id));
}

async function move(tx: Tx, fromId: string, toId: string): Promise<void> {
	await tx.update(mandates).set({ beneficiaryId: toId }).where(eq(mandates.beneficiaryId, fromId));
	await tx.update(mandateUses).set({ beneficiaryId: toId }).where(eq(mandateUses.beneficiaryId, fromId));
}

/** What mandates hold about a person, and what becomes of it (see ../personal-data.ts). */
export const personalData: PersonalDataDeclaration = {
	capability: 'mandates',
	tables: [
		{
			table: 'mandates',
			person: 'beneficiary_id',
			holds: 'the mandates the person gave: to which structure, for which themes, until when, how confirmed, their legal representative, what was signed',
			export: 'mandates',
			onRecordDeleted: 'deleted',
			erasure: { cleared: ['content', 'representative_name', 'representative_kind', 'code_hash'] },
			anonymisation: 'the same as erasure, after 24 months without activity (anonymiseInactive)',
			retention: MANDATE_RETENTION
		},
		{
			table: 'mandate_uses',
			person: 'beneficiary_id',
			holds: 'each use of a mandate: when, which theme, what kind, a short label, by which structure',
			export: 'mandates (their uses)',
			onRecordDeleted: 'deleted',
			erasure: { kept: 'what was done under the mandate, when and by which structure: short labels without identity' },
			anonymisation: 'the same as erasure, after 24 months without activity (anonymiseInactive)',
			retention: MANDATE_RETENTION
		}
	],
	exportOf,
	erase,
	move
};
