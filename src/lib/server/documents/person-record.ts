/**
 * Everything the platform holds about the person, gathered for their right of access and
 * portability (RGPD art. 15 and 20): the JSON export, and the readable PDF made from it.
 */
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import type { Actor } from '../accounts/index.ts';
import { organisations } from '../accounts/db.ts';
import { auditLog } from '../audit/db.ts';
import { places } from '../places/db.ts';
import { referrals } from '../referral/db.ts';
import { accompaniments } from '../accompaniments/db.ts';
import { assessments } from '../beneficiaries/db.ts';
import { STATUS_LABELS } from '../referral/index.ts';
import { STATE_LABELS, euros, vouchersOfPerson } from '../pass/index.ts';
import { ACCESSIBILITY_NEEDS, CareError, LANGUAGES, consentsOf, contactLabel, holdingOrganisations, loadBeneficiary } from '../beneficiaries/index.ts';

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
	'person.code_sent': 'Code envoyé pour voir vos orientations',
	'accompaniment.recorded': 'Accompagnement enregistré'
};

/** Everything the platform holds about the person, as plain JSON (the readable PDF is made from it). */
export async function exportRecord(database: Database, actor: Actor, id: string, instanceName: string, ip?: string | null) {
	const b = await loadBeneficiary(database.db, actor, id, 'write');
	if (!holdingOrganisations(actor).includes(b.organisationId)) throw new CareError('forbidden', 'Seule la structure qui tient le dossier peut l’exporter.');
	const db = database.db;
	const [holder] = await db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, b.organisationId));
	const consentRows = await consentsOf(db, id);
	const assessmentRows = await db.select().from(assessments).where(eq(assessments.beneficiaryId, id)).orderBy(assessments.createdAt);
	const referralRows = await db
		.select({ r: referrals, place: places.nom })
		.from(referrals)
		.innerJoin(places, eq(places.id, referrals.placeId))
		.where(eq(referrals.beneficiaryId, id))
		.orderBy(referrals.sentAt);
	// the Pass Numérique vouchers handed to the person (their codes are money: not in the export)
	const voucherRows = await vouchersOfPerson(db, id);
	const accRows = await db
		.select({ a: accompaniments, place: places.nom })
		.from(accompaniments)
		.leftJoin(places, eq(places.id, accompaniments.placeId))
		.where(eq(accompaniments.beneficiaryId, id))
		.orderBy(accompaniments.date);
	const referralIds = referralRows.map((x) => x.r.id);
	const journalRows = await db
		.select({ at: auditLog.at, action: auditLog.action, actorId: auditLog.actorId, actorKind: auditLog.actorKind })
		.from(auditLog)
		.where(
			or(
				and(eq(auditLog.targetType, 'beneficiary'), eq(auditLog.targetId, id)),
				referralIds.length ? and(eq(auditLog.targetType, 'referral'), inArray(auditLog.targetId, referralIds)) : undefined
			)
		)
		.orderBy(auditLog.id);
	// the organisation of each professional who acted, not their name
	const actorIds = [...new Set(journalRows.map((j) => j.actorId).filter((x): x is string => !!x))];
	const orgOf = new Map<string, string>();
	if (actorIds.length) {
		const rows =
			await db.execute(sql`select m.user_id, string_agg(distinct o.name, ', ') as names from memberships m join organisations o on o.id = m.organisation_id
			where m.user_id in (${sql.join(
				actorIds.map((a) => sql`${a}::uuid`),
				sql`, `
			)}) group by m.user_id`);
		for (const r of (rows as unknown as { rows: { user_id: string; names: string }[] }).rows) orgOf.set(r.user_id, r.names);
	}
	const data = {
		format: 'maillage-dossier-v1' as const,
		generatedAt: new Date().toISOString(),
		instanceName,
		holder: { organisation: holder?.name ?? '', contact: null },
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
			// held about them, so given back to them (it was missing from the export)
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
		}),
		referrals: referralRows.map(({ r, place }) => ({
			sentAt: r.sentAt.toISOString(),
			place,
			status: STATUS_LABELS[r.status as keyof typeof STATUS_LABELS] ?? r.status,
			appointmentAt: r.appointmentAt?.toISOString() ?? null,
			reason: r.reason
		})),
		accompaniments: accRows.map(({ a, place }) => ({ date: a.date, place, themes: a.themes, durationMinutes: a.durationMinutes })),
		vouchers: voucherRows.map((v) => ({
			campaign: v.campaign,
			value: euros(v.faceValueCents),
			state: STATE_LABELS[v.state as keyof typeof STATE_LABELS] ?? v.state,
			validUntil: v.validUntil,
			handedOutAt: v.distributedAt?.toISOString() ?? null,
			usedAt: v.redeemedAt?.toISOString() ?? null
		})),
		journal: journalRows.map((j) => ({
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
	};
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

export type RecordExportData = Awaited<ReturnType<typeof exportRecord>>;
