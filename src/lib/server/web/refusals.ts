/** Refusals decided by the access rules before routing, shown on the branded error page (/erreur/<raison>). */
export const REFUSALS = {
	'acces-refuse': { status: 403, message: 'Vous n’avez pas accès à cette page avec votre compte.' },
	'page-fermee': { status: 403, message: 'Cette page n’est pas ouverte.' },
	introuvable: { status: 404, message: 'Cette page n’existe pas\u00a0: l’adresse est incomplète ou erronée.' }
} as const;
export type Refusal = keyof typeof REFUSALS;
