/**
 * Ending a mandate, at once (Code civil art. 2004: the person may end it at any time): one
 * theme (its grant revoked) or all of it, by the person (Mon espace, in their session), by
 * whoever holds the attestation (/mandat/<token>: possession is the proof), or by the
 * structure that holds it. The grant rule reads `revoked_at`: nothing waits for a job.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Database, Tx } from '../db/client.ts';
import { journal, type AuditActor } from '../audit/index.ts';
import type { Actor } from '../accounts/index.ts';
import { personIp, touchBeneficiary, type PersonSession } from '../beneficiaries/index.ts';
import { grantInForce, grantsOfMandates, revokeGrant, type GrantRevoker } from '../grants/index.ts';
import { mandates, type Mandate } from './db.ts';
import { MANDATE_THEMES, isTheme, themeOfScopes } from './model.ts';
import { MandateError, NOT_FOUND, UUID, mandateFor, tokenHash, userActor } from './common.ts';

type By =
	| { kind: 'structure'; actor: Actor; ip?: string | null }
	| { kind: 'person'; session: PersonSession; ip?: string | null }
	| { kind: 'attestation'; ip?: string | null };

async function locked(tx: Tx, by: By, id: string): Promise<Mandate> {
	if (by.kind === 'structure') return mandateFor(tx, by.actor, id, true);
	if (!UUID.test(id)) throw new MandateError('not_found', NOT_FOUND);
	const [m] = await tx.select().from(mandates).where(eq(mandates.id, id)).for('update');
	if (!m || (by.kind === 'person' && !by.session.beneficiaryIds.includes(m.beneficiaryId))) throw new MandateError('not_found', NOT_FOUND);
	return m;
}

const revoker = (by: By): GrantRevoker => (by.kind === 'structure' ? { by: 'professional', userId: by.actor.userId } : { by: 'person' });
const auditActor = (by: By): AuditActor => (by.kind === 'structure' ? userActor(by.actor) : { kind: 'person' });

/**
 * Revokes the grants in force of `theme` (null: every theme) and, when none is left in
 * force, the mandate itself. Returns the themes revoked.
 */
async function revoke(tx: Tx, by: By, m: Mandate, theme: string | null, now: Date): Promise<string[]> {
	if (m.status !== 'signed') throw new MandateError('conflict', 'Ce mandat n’a pas été confirmé.');
	const grants = await grantsOfMandates(tx, [m.id]);
	const live = grants.filter((g) => grantInForce(g, now));
	const targets = theme === null ? live : live.filter((g) => themeOfScopes(g.scopes) === theme);
	if (!targets.length)
		throw new MandateError('conflict', theme === null || !live.length ? 'Ce mandat est déjà terminé.' : 'Ce domaine n’est déjà plus dans le mandat.');
	for (const g of targets) await revokeGrant(tx, g.id, revoker(by), now);
	const whole = targets.length === live.length;
	if (whole)
		await tx
			.update(mandates)
			.set({
				revokedAt: now,
				revokedBy: by.kind === 'structure' ? 'professional' : 'person',
				revokedByUserId: by.kind === 'structure' ? by.actor.userId : null
			})
			.where(and(eq(mandates.id, m.id), isNull(mandates.revokedAt)));
	await touchBeneficiary(tx, m.beneficiaryId, now);
	const themes = targets.map((g) => themeOfScopes(g.scopes)).filter((t): t is NonNullable<typeof t> => !!t);
	await journal(tx, {
		actor: auditActor(by),
		action: theme === null ? 'mandate.revoked' : 'mandate.theme_revoked',
		targetType: 'beneficiary',
		targetId: m.beneficiaryId,
		departmentCode: m.departmentCode,
		// the person's own address: its network only
		ip: by.kind === 'structure' ? by.ip : personIp(by.ip),
		details: { mandateId: m.id, organisationId: m.organisationId, themes, by: by.kind, ended: whole }
	});
	return themes;
}

/** One theme of a mandate ends, the others stay (by the person or by the structure). */
export async function revokeTheme(
	database: Database,
	by: Exclude<By, { kind: 'attestation' }>,
	mandateId: string,
	theme: string,
	now = new Date()
): Promise<string> {
	if (!isTheme(theme)) throw new MandateError('invalid', 'Choisissez un domaine du mandat.');
	await database.db.transaction(async (tx) => revoke(tx, by, await locked(tx, by, mandateId), theme, now));
	return MANDATE_THEMES[theme];
}

/** The whole mandate ends (by the person, the structure, or whoever holds the attestation: `mandateId` is then the token). */
export async function revokeMandate(database: Database, by: By, mandateIdOrToken: string, now = new Date()): Promise<void> {
	await database.db.transaction(async (tx) => {
		let m: Mandate;
		if (by.kind === 'attestation') {
			const [row] = /^[A-Za-z0-9_-]{20,100}$/.test(mandateIdOrToken)
				? await tx
						.select()
						.from(mandates)
						.where(eq(mandates.tokenHash, tokenHash(mandateIdOrToken)))
						.for('update')
				: [];
			// an unknown token and a mandate already ended get the same answer
			if (!row) throw new MandateError('conflict', 'Ce mandat est déjà terminé.');
			m = row;
		} else m = await locked(tx, by, mandateIdOrToken);
		await revoke(tx, by, m, null, now);
	});
}
