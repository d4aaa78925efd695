/**
 * An accompaniment done under a mandate (issue 15, item 8): when the person gave the
 * recording structure a mandate in force, the form offers « Fait au titre du mandat » with
 * the themes in force; saving it records a use of the mandate (kind 'accompaniment') in the
 * accompaniment's transaction, and the person sees it in Mon espace. The mandates
 * capability decides (a grant of the theme in force for the structure) and refuses without one.
 */
import type { DbOrTx, Tx } from '../db/client.ts';
import type { Actor } from '../accounts/index.ts';
import { CareError } from '../beneficiaries/index.ts';
import { MandateError, MANDATE_THEMES, isTheme, recordMandateUse, themeOfLabel, themesReaching } from '../mandates/index.ts';
import { formatDuration } from '../../components/format.ts';

/** What the form offers: the themes in force for the structures the actor records for, one pre-selected when the form says which. */
export interface MandateOffer {
	themes: { value: string; label: string }[];
	/** the theme pre-selected (the accompaniment's procedure theme, or the only one in force), or '' */
	selected: string;
}

/** The themes in force among `inForce` that the form's procedure themes name. */
const fromProcedures = (procedureThemes: readonly string[], inForce: readonly string[]) => [
	...new Set(procedureThemes.map(themeOfLabel).filter((t): t is NonNullable<typeof t> => !!t && inForce.includes(t)))
];

/** The theme pre-selected: the one the form chose, else the procedure theme in force, else the only theme in force. */
export function preselectedTheme(form: { mandateTheme: string; procedureThemes: readonly string[] }, inForce: readonly string[]): string {
	if (form.mandateTheme && inForce.includes(form.mandateTheme)) return form.mandateTheme;
	const named = fromProcedures(form.procedureThemes, inForce);
	if (named.length === 1) return named[0];
	return inForce.length === 1 ? inForce[0] : '';
}

/** The offer for this person, or null when no mandate in force lets one of `organisationIds` act for them. */
export async function mandateOffer(
	db: DbOrTx,
	actor: Actor,
	beneficiaryId: string,
	organisationIds: readonly string[],
	form: { mandateTheme: string; procedureThemes: readonly string[] },
	now = new Date()
): Promise<MandateOffer | null> {
	const themes = (await themesReaching(db, actor, beneficiaryId, now)).filter((t) => organisationIds.includes(t.organisationId));
	const keys = [...new Set(themes.map((t) => t.theme))];
	if (!keys.length) return null;
	return { themes: keys.map((k) => ({ value: k, label: MANDATE_THEMES[k] })), selected: preselectedTheme(form, keys) };
}

/**
 * The theme the accompaniment is recorded under, or null when « Fait au titre du mandat » is
 * not ticked; a message for the form (`fields.mandateTheme`) when it cannot be.
 */
export async function mandateChoice(
	db: DbOrTx,
	actor: Actor,
	form: { underMandate: string; mandateTheme: string; procedureThemes: readonly string[] },
	person: { id: string } | null,
	organisationId: string,
	fields: Record<string, string>,
	now = new Date()
): Promise<string | null> {
	if (!form.underMandate) return null;
	if (!person) {
		if (!fields.beneficiaryId) fields.mandateTheme = 'Un accompagnement au titre d’un mandat est fait pour une personne que vous suivez\u00a0: choisissez-la.';
		return null;
	}
	const inForce = (await themesReaching(db, actor, person.id, now, organisationId)).map((t) => t.theme);
	if (!inForce.length) {
		fields.mandateTheme = 'Cette personne n’a pas donné de mandat en cours à votre structure. Décochez « Fait au titre du mandat ».';
		return null;
	}
	const chosen = form.mandateTheme;
	if (chosen && !isTheme(chosen)) {
		fields.mandateTheme = 'Choisissez le domaine du mandat dans la liste.';
		return null;
	}
	if (isTheme(chosen) && !inForce.includes(chosen)) {
		fields.mandateTheme = `Le mandat n’est pas en cours pour le domaine « ${MANDATE_THEMES[chosen]} ». Choisissez un autre domaine, ou décochez « Fait au titre du mandat ».`;
		return null;
	}
	const theme = preselectedTheme(form, inForce);
	if (!theme) fields.mandateTheme = 'Choisissez le domaine du mandat pour lequel vous avez agi.';
	return theme || null;
}

/** What the person reads of the use: what was done, in a few words (never who, never a note). */
export function useLabel(themes: readonly string[], durationMinutes: number): string {
	const label = `Accompagnement de ${formatDuration(durationMinutes)}${themes.length ? `\u00a0: ${themes.join(', ')}` : ''}`;
	return label.length <= 100 ? label : `${label.slice(0, 99)}…`;
}

/** The use recorded in the accompaniment's transaction; refused (the form says why) when the theme is no longer in force. */
export async function recordUnderMandate(
	tx: Tx,
	actor: Actor,
	use: { beneficiaryId: string; theme: string; organisationId: string; departmentCode: string; themes: readonly string[]; durationMinutes: number },
	ip?: string | null,
	now = new Date()
): Promise<void> {
	try {
		await recordMandateUse(
			tx,
			actor,
			{
				beneficiaryId: use.beneficiaryId,
				theme: use.theme,
				kind: 'accompaniment',
				label: useLabel(use.themes, use.durationMinutes),
				organisationId: use.organisationId,
				departmentCode: use.departmentCode
			},
			ip,
			now
		);
	} catch (e) {
		if (!(e instanceof MandateError)) throw e;
		throw new CareError('invalid', 'Le formulaire contient des erreurs.', { mandateTheme: e.fields.theme ?? e.message });
	}
}
