/**
 * Accounts' data for the journal read in French: invitations by id, and the structures of
 * some départements (names of professionals and structures by id: organisation-names.ts).
 * Each is one batched query; nothing here checks rights: the caller shows only what its
 * reader may see.
 */
import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { invitations, organisations } from './db.ts';

/** The structures of these départements (null: all), unordered. */
export async function organisationsOfDepartments(db: DbOrTx, departmentCodes: string[] | null): Promise<{ id: string; name: string }[]> {
	if (departmentCodes && !departmentCodes.length) return [];
	const q = db.select({ id: organisations.id, name: organisations.name }).from(organisations);
	return departmentCodes === null ? q : q.where(inArray(organisations.departmentCode, departmentCodes));
}

/** The invitations of these ids: who was invited, and to which structure. */
export async function invitationSummaries(db: DbOrTx, ids: string[]): Promise<{ id: string; displayName: string; email: string; organisationId: string }[]> {
	if (!ids.length) return [];
	return db
		.select({ id: invitations.id, displayName: invitations.displayName, email: invitations.email, organisationId: invitations.organisationId })
		.from(invitations)
		.where(inArray(invitations.id, ids));
}
