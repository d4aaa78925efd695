/** What the journal's French reading needs of the Pass rows it names (campaigns, statements, qualifications), by id, one query each. */
import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { passCampaigns, passQualifications, passStatements } from './db.ts';

export async function campaignNames(db: DbOrTx, ids: readonly string[]) {
	if (!ids.length) return [];
	return db
		.select({ id: passCampaigns.id, name: passCampaigns.name })
		.from(passCampaigns)
		.where(inArray(passCampaigns.id, [...ids]));
}

export async function statementSubjects(db: DbOrTx, ids: readonly string[]) {
	if (!ids.length) return [];
	return db
		.select({ id: passStatements.id, placeId: passStatements.placeId, month: passStatements.month })
		.from(passStatements)
		.where(inArray(passStatements.id, [...ids]));
}

export async function qualificationSubjects(db: DbOrTx, ids: readonly string[]) {
	if (!ids.length) return [];
	return db
		.select({ id: passQualifications.id, organisationId: passQualifications.organisationId, siret: passQualifications.siret })
		.from(passQualifications)
		.where(inArray(passQualifications.id, [...ids]));
}
