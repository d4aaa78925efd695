/**
 * The person's rights over what the platform holds about them, each one a walk of the
 * personal-data registry (registry.ts): access and portability (RGPD art. 15 and 20: the
 * export), erasure (art. 17), anonymisation after 24 months without activity, and the merge
 * of two records of one person. No capability coordinates the others: each declares its
 * part (its personal-data.ts), and these use cases run them in one transaction.
 */
import type { Database } from '../db/client.ts';
import { journal, entriesAbout, type AuditActor } from '../audit/index.ts';
import { memberOrganisationNames, type Actor } from '../accounts/index.ts';
import {
	CareError,
	erasableRecord,
	foldRecords,
	holdingOrganisations,
	inactiveRecords,
	loadBeneficiary,
	personRef,
	planMerge,
	type Beneficiary
} from '../beneficiaries/index.ts';
import type { RecordExport } from '../documents/index.ts';
import type { PersonRef } from '../personal-data.ts';
import { PERSONAL_DATA } from './registry.ts';
import type { Tx } from '../db/client.ts';

const AUDIT_LABELS: Record<string, string> = {
	'beneficiary.created': 'Création du dossier',
	'beneficiary.updated': 'Modification du dossier',
	'beneficiary.merged': 'Fusion de deux dossiers',
	'beneficiary.exported': 'Export du dossier',
	'beneficiary.viewed': 'Consultation du dossier',
	'consent.recorded': 'Consentement enregistré',
	'consent.withdrawn': 'Consentement retiré',
	'consent.requested': 'Accord demandé par SMS',
	'consent.request_resent': 'Demande d’accord renvoyée par SMS',
	'consent.request_cancelled': 'Demande d’accord par SMS annulée',
	'consent.confirmed': 'Accord donné par SMS',
	'consent.refused': 'Accord refusé par SMS',
	'consent.expired': 'Demande d’accord expirée sans réponse',
	'assessment.recorded': 'Diagnostic enregistré',
	'referral.sent': 'Orientation envoyée',
	'referral.transition': 'Orientation mise à jour',
	'referral.viewed': 'Consultation de l’orientation',
	'referral.reminded': 'Rappel envoyé au lieu',
	'person.code_sent': 'Code envoyé pour entrer dans votre espace',
	'accompaniment.recorded': 'Accompagnement enregistré'
};

/** The export: the record's sections from every capability that declares some, and the journal's lines about the person. */
export type RecordExportData = RecordExport & {
	vouchers: { campaign: string; value: string; state: string; validUntil: string; handedOutAt: string | null; usedAt: string | null }[];
};

/** Everything the platform holds about the person, as plain JSON (the readable PDF is made from it); by the structure holding the record. */
export async function exportRecord(database: Database, actor: Actor, id: string, instanceName: string, ip?: string | null): Promise<RecordExportData> {
	const b = await loadBeneficiary(database.db, actor, id, 'write');
	if (!holdingOrganisations(actor).includes(b.organisationId)) throw new CareError('forbidden', 'Seule la structure qui tient le dossier peut l’exporter.');
	const db = database.db;
	const person = personRef(b);
	const sections: Record<string, unknown> = {};
	const targets = [{ targetType: 'beneficiary', ids: [id] }];
	for (const d of PERSONAL_DATA) {
		if (d.exportOf) Object.assign(sections, await d.exportOf(db, person));
		if (d.journalTargets) targets.push(await d.journalTargets(db, person));
	}
	const lines = await entriesAbout(db, targets);
	// the structure of each professional who acted, not their name
	const orgOf = await memberOrganisationNames(
		db,
		lines.map((j) => j.actorId)
	);
	const data = {
		format: 'maillage-dossier-v1' as const,
		generatedAt: new Date().toISOString(),
		instanceName,
		...sections,
		journal: lines.map((j) => ({
			at: j.at.toISOString(),
			action: AUDIT_LABELS[j.action] ?? j.action,
			organisation:
				j.actorKind === 'person'
					? 'Vous'
					: j.actorKind === 'system'
						? 'Traitement automatique'
						: j.actorKind === 'link'
							? 'Le lieu, par son lien'
							: (j.actorId && orgOf.get(j.actorId)) || null
		}))
	} as RecordExportData;
	await journal(database.db, {
		actor: { kind: 'user', id: actor.userId },
		action: 'beneficiary.exported',
		targetType: 'beneficiary',
		targetId: id,
		departmentCode: b.departmentCode,
		ip
	});
	return data;
}

/**
 * Empties what every capability holds about the person, in the caller's transaction: the
 * record in place (its id stays, so that the figures and the ledger still add up), and each
 * declaration's part (grants ended, referrals' free texts, messages, throttling counters…).
 * The journal keeps ids, never names: past entries are not rewritten (hash chain).
 */
async function eraseEverywhere(tx: Tx, person: PersonRef, now: Date): Promise<void> {
	for (const d of PERSONAL_DATA) if (d.erase) await d.erase(tx, person, now);
}

/** Erasure on request (RGPD art. 17), by the structure holding the record. */
export async function eraseBeneficiary(database: Database, actor: Actor, id: string, ip?: string | null): Promise<void> {
	const b = await erasableRecord(database, actor, id);
	if (b.anonymisedAt) return;
	await database.db.transaction(async (tx) => {
		await eraseEverywhere(tx, personRef(b), new Date());
		await journal(tx, {
			actor: { kind: 'user', id: actor.userId },
			action: 'beneficiary.erased',
			targetType: 'beneficiary',
			targetId: id,
			departmentCode: b.departmentCode,
			ip,
			before: b
		});
	});
}

/** The scheduled job: anonymises the records without activity for 24 months (the same walk as erasure). */
export async function anonymiseInactive(database: Database, now = new Date(), batch = 500): Promise<number> {
	let total = 0;
	for (;;) {
		const stale: Beneficiary[] = await inactiveRecords(database.db, now, batch);
		if (!stale.length) return total;
		await database.db.transaction(async (tx) => {
			for (const b of stale) await eraseEverywhere(tx, personRef(b), now);
			await journal(
				tx,
				...stale.map((b) => ({
					actor: { kind: 'system' } as AuditActor,
					action: 'beneficiary.anonymised',
					targetType: 'beneficiary',
					targetId: b.id,
					departmentCode: b.departmentCode,
					details: { reason: 'inactive-24-months' }
				}))
			);
		});
		total += stale.length;
	}
}

/**
 * Merges `dropId` into `keepId` (two records of the actor's structure): every row that names
 * the other record moves to the kept one (each declaration's move), then the kept record
 * takes the other's values and the other is emptied and points to it.
 */
export async function mergeBeneficiaries(database: Database, actor: Actor, keepId: string, dropId: string, ip?: string | null): Promise<void> {
	const plan = await planMerge(database, actor, keepId, dropId);
	await database.db.transaction(async (tx) => {
		for (const d of PERSONAL_DATA) if (d.move) await d.move(tx, dropId, keepId);
		await foldRecords(tx, plan, actor, ip);
	});
}
