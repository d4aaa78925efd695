/**
 * Acting under a mandate: each use is recorded (a row of mandate_uses, journaled) and shown
 * to the person. A use needs a grant of the theme in force that reaches the actor (a helper
 * of the structure holding the mandate): `mandateReaching` answers which, for the
 * capabilities that act for a person (accompaniments, the vault), and `recordMandateUse`
 * refuses without one, in the caller's transaction.
 */
import { z } from 'zod';
import type { Database, DbOrTx, Tx } from '../db/client.ts';
import { journal } from '../audit/index.ts';
import type { Actor } from '../accounts/index.ts';
import { HELPERS } from '../permissions/index.ts';
import { touchBeneficiary } from '../beneficiaries/index.ts';
import { grantInForce, grantReaches, grantsOf, type Grant } from '../grants/index.ts';
import { mandateUses } from './db.ts';
import { MANDATE_THEMES, THEME_KEYS, isTheme, themeScope, type MandateTheme, type UseKind } from './model.ts';
import { MandateError, mandateFor, userActor } from './common.ts';

export interface MandateReach {
	mandateId: string;
	grantId: string;
	organisationId: string;
	validUntil: Date | null;
}

/**
 * The mandate in force that lets this actor act for this person on this theme now (through
 * one of their structures, or `organisationId` only), or null. The vault and the
 * accompaniments ask here before acting for a person.
 */
export async function mandateReaching(
	db: DbOrTx,
	actor: Actor,
	beneficiaryId: string,
	theme: string,
	now = new Date(),
	organisationId?: string
): Promise<MandateReach | null> {
	if (!isTheme(theme)) return null;
	const g = (await grantsOf(db, beneficiaryId, 'mandate')).find(
		(g: Grant) =>
			!!g.mandateId &&
			grantInForce(g, now) &&
			grantReaches(g, actor, HELPERS) &&
			g.scopes.includes(themeScope(theme)) &&
			(!organisationId || g.granteeOrganisationId === organisationId)
	);
	return g ? { mandateId: g.mandateId!, grantId: g.id, organisationId: g.granteeOrganisationId!, validUntil: g.validUntil } : null;
}

/**
 * Every theme in force for which this actor may act for this person now (through one of
 * their structures, or `organisationId` only), in the vocabulary's order: what a form offers
 * under « Fait au titre du mandat ».
 */
export async function themesReaching(
	db: DbOrTx,
	actor: Actor,
	beneficiaryId: string,
	now = new Date(),
	organisationId?: string
): Promise<{ theme: MandateTheme; label: string; organisationId: string }[]> {
	const grants = (await grantsOf(db, beneficiaryId, 'mandate')).filter(
		(g: Grant) => !!g.mandateId && grantInForce(g, now) && grantReaches(g, actor, HELPERS) && (!organisationId || g.granteeOrganisationId === organisationId)
	);
	return THEME_KEYS.flatMap((theme) => {
		const g = grants.find((x) => x.scopes.includes(themeScope(theme)));
		return g ? [{ theme, label: MANDATE_THEMES[theme], organisationId: g.granteeOrganisationId! }] : [];
	});
}

const useInput = z.object({
	theme: z.string().refine(isTheme, { message: 'Choisissez le domaine de la démarche.' }),
	label: z
		.string()
		.trim()
		.min(3, { message: 'Écrivez en quelques mots ce qui a été fait (3 caractères au moins).' })
		.max(100, { message: 'Soyez bref\u00a0: 100 caractères au plus.' })
});

/**
 * Records one use of a mandate in the caller's transaction: refused (forbidden) when no
 * grant of the theme is in force for the actor's structure (`organisationId` when given).
 */
export async function recordMandateUse(
	tx: Tx,
	actor: Actor,
	use: { beneficiaryId: string; theme: string; kind: UseKind; label: string; organisationId?: string; departmentCode: string },
	ip?: string | null,
	now = new Date()
): Promise<string> {
	const parsed = useInput.safeParse({ theme: use.theme, label: use.label });
	if (!parsed.success) {
		const fields = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message]));
		throw new MandateError('invalid', 'La démarche n’est pas complète.', fields);
	}
	const theme = parsed.data.theme as MandateTheme;
	const reach = await mandateReaching(tx, actor, use.beneficiaryId, theme, now, use.organisationId);
	if (!reach)
		throw new MandateError(
			'forbidden',
			`Aucun mandat en cours ne permet à votre structure d’agir pour cette personne dans le domaine « ${MANDATE_THEMES[theme]} ».`,
			{
				theme: 'Pas de mandat en cours pour ce domaine.'
			}
		);
	const [row] = await tx
		.insert(mandateUses)
		.values({
			mandateId: reach.mandateId,
			beneficiaryId: use.beneficiaryId,
			grantId: reach.grantId,
			theme,
			kind: use.kind,
			label: parsed.data.label,
			at: now,
			userId: actor.userId,
			organisationId: reach.organisationId
		})
		.returning({ id: mandateUses.id });
	await touchBeneficiary(tx, use.beneficiaryId, now);
	await journal(tx, {
		actor: userActor(actor),
		action: 'mandate.used',
		targetType: 'beneficiary',
		targetId: use.beneficiaryId,
		departmentCode: use.departmentCode,
		ip,
		details: { mandateId: reach.mandateId, organisationId: reach.organisationId, theme, kind: use.kind }
	});
	return row.id;
}

/** « Procédure faite pour la personne », from the mandate's page. */
export async function recordProcedure(
	database: Database,
	actor: Actor,
	mandateId: string,
	input: { theme: string; label: string },
	ip?: string | null,
	now = new Date()
): Promise<string> {
	const m = await mandateFor(database.db, actor, mandateId);
	return database.db.transaction((tx) =>
		recordMandateUse(
			tx,
			actor,
			{
				beneficiaryId: m.beneficiaryId,
				theme: input.theme,
				kind: 'procedure',
				label: input.label,
				organisationId: m.organisationId,
				departmentCode: m.departmentCode
			},
			ip,
			now
		)
	);
}
