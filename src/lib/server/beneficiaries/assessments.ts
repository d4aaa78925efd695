/**
 * Assessments made by a professional with the person (the questionnaire of assessment/),
 * kept on their record for its holders.
 */
import { desc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import type { Actor } from '../accounts/index.ts';
import { assess, checkAnswers, type Assessment } from '../assessment/index.ts';
import { assessments } from './db.ts';
import { CareError, holdingOrganisations, loadBeneficiary, touchBeneficiary, userActor } from './access.ts';

/** Records an assessment made by a professional with the person (the questionnaire of assessment/). */
export async function recordAssessment(database: Database, actor: Actor, beneficiaryId: string, raw: Record<string, unknown>, ip?: string | null) {
	const b = await loadBeneficiary(database.db, actor, beneficiaryId, 'write');
	if (b.anonymisedAt) throw new CareError('conflict', 'Ce dossier a été anonymisé.');
	const checked = checkAnswers(raw);
	if (!checked.ok) throw new CareError('invalid', 'Répondez à chaque question.', checked.errors);
	const result = assess(checked.answers);
	const membership = actor.memberships.find((m) => m.organisationId === b.organisationId);
	return database.db.transaction(async (tx) => {
		const [row] = await tx
			.insert(assessments)
			.values({
				beneficiaryId,
				organisationId: membership?.organisationId ?? b.organisationId,
				version: result.version,
				answers: checked.answers,
				result,
				createdBy: actor.userId
			})
			.returning({ id: assessments.id, createdAt: assessments.createdAt });
		await touchBeneficiary(tx, beneficiaryId);
		await journal(tx, {
			actor: userActor(actor),
			action: 'assessment.recorded',
			targetType: 'beneficiary',
			targetId: beneficiaryId,
			departmentCode: b.departmentCode,
			ip,
			details: { assessmentId: row.id, version: result.version }
		});
		return { id: row.id, createdAt: row.createdAt, result };
	});
}

/** The assessments of a record, newest first (for its holders). */
export async function assessmentsOf(database: Database, actor: Actor, beneficiaryId: string) {
	const b = await loadBeneficiary(database.db, actor, beneficiaryId, 'read');
	if (!holdingOrganisations(actor).includes(b.organisationId)) return [];
	const rows = await database.db.select().from(assessments).where(eq(assessments.beneficiaryId, beneficiaryId)).orderBy(desc(assessments.createdAt));
	return rows.map((a) => ({
		id: a.id,
		createdAt: a.createdAt,
		version: a.version,
		answers: a.answers as Record<string, string | string[]>,
		result: a.result as Assessment
	}));
}
