/**
 * « Qui voit mes informations » (Mon espace, issue 15): every grant about the person, in
 * force or ended lately, said in the person's words: who (a structure, a named
 * professional, a place), what it shows, until when, and whether the person can end it
 * here (a consent: withdrawConsent with the person's own records). Grants of other kinds
 * (mandates, document shares) are listed generically; their pages act on them.
 */
import type { DbOrTx } from '../db/client.ts';
import { organisationNames, userNames } from '../accounts/index.ts';
import { placeNames } from '../places/index.ts';
import { grantInForce, grantsOfPeople, type Grant } from '../grants/index.ts';
import type { ConsentScope } from './model.ts';

/** What each consent scope shows, said to the person. */
export const PERSON_SCOPE_WORDS: Record<ConsentScope, string> = {
	identity: 'votre nom, votre prénom, votre commune et votre langue',
	contact: 'votre téléphone et votre adresse e-mail',
	health: 'vos besoins liés à votre santé ou à un handicap',
	assessment: 'le résultat de votre diagnostic numérique',
	referral_reason: 'pourquoi vous êtes orienté(e)'
};

/** Ended grants stay listed this long (then only the journal keeps them). */
export const RECENT_GRANT_DAYS = 90;

export interface PersonGrantView {
	id: string;
	kind: string;
	/** who sees: « CAF de Lot-et-Garonne », « Paule Prescriptrice », « Médiathèque de Nérac » */
	who: string;
	/** what it shows, in words: « votre nom, … et votre téléphone » */
	shows: string[];
	purpose: string;
	since: Date;
	until: Date | null;
	inForce: boolean;
	/** « Vous l’avez retiré », « Terminé », « En attente de votre réponse par SMS »… (null while in force) */
	endedLabel: string | null;
	endedAt: Date | null;
}

function endedLabel(g: Grant, now: Date): string | null {
	if (grantInForce(g, now)) return null;
	if (g.revokedAt) return g.revokedBy === 'person' ? 'Vous l’avez retiré' : 'Retiré par la structure';
	if (g.status === 'pending') return 'En attente de votre réponse par SMS';
	if (g.status === 'refused') return 'Vous avez répondu non';
	if (g.status === 'expired') return 'Pas de réponse au SMS';
	if (g.status === 'cancelled') return 'Demande annulée';
	if (g.validFrom > now) return 'Pas encore commencé';
	return 'Terminé';
}

/** The person's grants, grouped by kind: in force first, then those ended in the last RECENT_GRANT_DAYS days. */
export async function personGrants(db: DbOrTx, beneficiaryIds: readonly string[], now = new Date()): Promise<Record<string, PersonGrantView[]>> {
	const rows = await grantsOfPeople(db, beneficiaryIds);
	const since = now.getTime() - RECENT_GRANT_DAYS * 86_400_000;
	const shown = rows.filter((g) => {
		if (grantInForce(g, now) || g.status === 'pending') return true;
		const end = g.revokedAt ?? g.validUntil ?? g.validFrom;
		return end.getTime() >= since;
	});
	const [orgs, users, places] = await Promise.all([
		organisationNames(
			db,
			shown.map((g) => g.granteeOrganisationId)
		),
		userNames(
			db,
			shown.map((g) => g.granteeUserId).filter((x): x is string => !!x)
		),
		placeNames(
			db,
			shown.map((g) => g.granteePlaceId)
		)
	]);
	const out: Record<string, PersonGrantView[]> = {};
	for (const g of shown) {
		const who =
			(g.granteeUserId && users.get(g.granteeUserId)) ||
			(g.granteeOrganisationId && orgs.get(g.granteeOrganisationId)) ||
			(g.granteePlaceId && places.get(g.granteePlaceId)) ||
			'Une structure';
		const label = endedLabel(g, now);
		(out[g.kind] ??= []).push({
			id: g.id,
			kind: g.kind,
			who,
			shows: g.scopes.map((s) => PERSON_SCOPE_WORDS[s as ConsentScope]).filter((s): s is string => !!s),
			purpose: g.purpose,
			since: g.validFrom,
			until: g.validUntil,
			inForce: label === null,
			endedLabel: label,
			endedAt: g.revokedAt ?? (g.validUntil && g.validUntil <= now ? g.validUntil : null)
		});
	}
	for (const list of Object.values(out)) list.sort((a, b) => Number(b.inForce) - Number(a.inForce) || b.since.getTime() - a.since.getTime());
	return out;
}
