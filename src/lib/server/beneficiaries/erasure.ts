/**
 * beneficiaries/' own part of a merge and of an erasure: who may do it, and what happens to
 * the record itself. privacy/ runs them, walking the personal-data registry for what the
 * other capabilities hold (decision 0014's registry, issue 13 item 2).
 */
import { eq } from 'drizzle-orm';
import type { Database, Tx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import type { Actor } from '../accounts/index.ts';
import { beneficiaries } from './db.ts';
import { CareError, holdingOrganisations, loadBeneficiary, userActor, type Beneficiary } from './access.ts';
import { EMPTY_IDENTITY } from './rights.ts';
import { nameKeyOf } from './model.ts';

export interface MergePlan {
	keep: Beneficiary;
	drop: Beneficiary;
	/** the kept record's empty fields, filled from the other */
	fill: Partial<Beneficiary>;
	needs: string[];
}

/** Checks a merge of `dropId` into `keepId` (two records of the actor's structure, neither anonymised) and says what the kept record gains. */
export async function planMerge(database: Database, actor: Actor, keepId: string, dropId: string): Promise<MergePlan> {
	if (keepId === dropId) throw new CareError('invalid', 'Choisissez deux dossiers différents.');
	const keep = await loadBeneficiary(database.db, actor, keepId, 'write');
	const drop = await loadBeneficiary(database.db, actor, dropId, 'write');
	if (keep.organisationId !== drop.organisationId || !holdingOrganisations(actor).includes(keep.organisationId))
		throw new CareError('forbidden', 'Seuls deux dossiers de votre structure peuvent être fusionnés.');
	if (keep.anonymisedAt || drop.anonymisedAt) throw new CareError('conflict', 'Un dossier anonymisé ne peut pas être fusionné.');
	const fill: Partial<Beneficiary> = {};
	for (const k of ['firstName', 'lastName', 'pseudonym', 'birthYear', 'communeCode', 'communeName', 'phone', 'email', 'accessibilityNote'] as const)
		if (keep[k] == null && drop[k] != null) (fill as Record<string, unknown>)[k] = drop[k];
	return { keep, drop, fill, needs: [...new Set([...keep.accessibilityNeeds, ...drop.accessibilityNeeds])] };
}

/** The merge's last step, once every row has moved: the kept record takes the other's values, the other is emptied and points to it; journaled. */
export async function foldRecords(tx: Tx, plan: MergePlan, actor: Actor, ip?: string | null): Promise<void> {
	const { keep, drop, fill, needs } = plan;
	const lastActivityAt = keep.lastActivityAt > drop.lastActivityAt ? keep.lastActivityAt : drop.lastActivityAt;
	await tx
		.update(beneficiaries)
		.set({ ...fill, accessibilityNeeds: needs, nameKey: nameKeyOf({ ...keep, ...fill }), updatedAt: new Date(), lastActivityAt })
		.where(eq(beneficiaries.id, keep.id));
	await tx
		.update(beneficiaries)
		.set({ ...EMPTY_IDENTITY, mergedInto: keep.id, updatedAt: new Date() })
		.where(eq(beneficiaries.id, drop.id));
	await journal(tx, {
		actor: userActor(actor),
		action: 'beneficiary.merged',
		targetType: 'beneficiary',
		targetId: keep.id,
		departmentCode: keep.departmentCode,
		ip,
		before: { keep, drop },
		details: { mergedId: drop.id, filled: Object.keys(fill) }
	});
}

/** The record the actor may erase (RGPD art. 17): only the structure holding it. */
export async function erasableRecord(database: Database, actor: Actor, id: string): Promise<Beneficiary> {
	const b = await loadBeneficiary(database.db, actor, id, 'write');
	if (!holdingOrganisations(actor).includes(b.organisationId)) throw new CareError('forbidden', 'Seule la structure qui tient le dossier peut l’effacer.');
	return b;
}
