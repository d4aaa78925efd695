/**
 * A helper acting under a mandate the person opened their vault to (issue 15, item 8): each
 * document read or added is a use of the mandate, recorded with the journal's line in the
 * same transaction and shown to the person (Mes mandats, their journal).
 */
import type { Tx } from '../db/client.ts';
import type { Actor } from '../accounts/index.ts';
import type { Grant } from '../grants/index.ts';
import { recordMandateUse, themeOfScopes } from '../mandates/index.ts';

export async function recordVaultUse(
	tx: Tx,
	actor: Actor,
	grant: Grant | null,
	p: { beneficiaryId: string; departmentCode: string; label: string },
	ip?: string | null,
	now = new Date()
): Promise<void> {
	if (grant?.kind !== 'mandate' || !grant.granteeOrganisationId) return;
	const theme = themeOfScopes(grant.scopes);
	if (!theme) return;
	await recordMandateUse(
		tx,
		actor,
		{ beneficiaryId: p.beneficiaryId, theme, kind: 'vault', label: p.label, organisationId: grant.granteeOrganisationId, departmentCode: p.departmentCode },
		ip,
		now
	);
}
