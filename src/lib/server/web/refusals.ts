/** Refusals decided by the access rules before routing, shown on the branded error page (/erreur/<raison>). */
export const REFUSALS = {
	'acces-refuse': { status: 403, message: 'Vous n’avez pas accès à cette page avec votre compte.' },
	'page-fermee': { status: 403, message: 'Cette page n’est pas ouverte.' },
	introuvable: { status: 404, message: 'Cette page n’existe pas\u00a0: l’adresse est incomplète ou erronée.' },
	/** a body above the limit (hooks.server.ts MAX_BODY_BYTES), or of unknown length outside the uploads */
	'trop-volumineux': {
		status: 413,
		message:
			'Ce que vous avez envoyé est trop volumineux (1\u00a0Mo au plus). Pour un fichier plus gros, découpez-le en plusieurs fichiers et envoyez-les l’un après l’autre.'
	},
	/** a document sent to a vault above the uploads' limit (web/uploads.ts MAX_UPLOAD_BYTES, adapter-node's BODY_SIZE_LIMIT set to the same) */
	'document-trop-lourd': {
		status: 413,
		message: 'Ce que vous avez envoyé est trop lourd (60 Mo au plus en une fois). Envoyez moins de photos à la fois, ou un PDF plus léger, puis réessayez.'
	},
	/** a form posted from another site (SvelteKit's same-origin check, answered here in French: scripts/start.mjs) */
	'autre-site': {
		status: 403,
		message:
			'Ce formulaire a été envoyé depuis un autre site\u00a0: par sécurité, il n’a pas été pris en compte. Ouvrez la page sur le site du service et envoyez le formulaire de nouveau.'
	}
} as const;
export type Refusal = keyof typeof REFUSALS;
