/**
 * The words of the grants model (decision 0014): how a grant was given, where it stands,
 * what kind it is. Pure: shared by the services, the pages and the tests.
 */

/** How the person gave it. */
export const GRANT_METHODS = {
	signature: 'Signature sur place',
	oral: 'Accord oral, confirmé par le professionnel',
	sms: 'Réponse par SMS',
	code: 'Code à usage unique'
} as const;
export type GrantMethod = keyof typeof GRANT_METHODS;

/** Where it stands. Only 'in_force' (not revoked, within its window) opens anything. */
export const GRANT_STATUSES = {
	pending: 'En attente de sa réponse par SMS',
	in_force: 'En cours',
	refused: 'Refusé par SMS',
	expired: 'Pas de réponse au SMS',
	cancelled: 'Demande annulée'
} as const;
export type GrantStatus = keyof typeof GRANT_STATUSES;

/**
 * What it is for: a consent to share the record; one theme of a mandate; a share of vault
 * documents (per document or category); the person present at a counter, opening their vault
 * to the professional for a few minutes. Only consents and mandates open the person's record
 * itself (grantOpensRecord, the policy beneficiaries_territory); the vault's kinds open
 * documents only.
 */
export const GRANT_KINDS = {
	consent: 'Consentement au partage',
	mandate: 'Mandat',
	document_share: 'Partage de documents',
	vault_presence: 'Coffre ouvert en votre présence'
} as const;
export type GrantKind = keyof typeof GRANT_KINDS;

/** Who revoked it: the person, a professional of the holding structure, or the system (erasure, anonymisation). */
export type GrantRevoker = { by: 'person' } | { by: 'professional'; userId: string } | { by: 'system' };
