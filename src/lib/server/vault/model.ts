/**
 * The words and pure rules of the coffre-fort numérique (issue 15): the categories and
 * common types of papers, who deposited a document, what a share covers, when the person
 * is reminded that a paper expires. No I/O.
 */

import { VAULT_CATEGORIES } from '../../text/vault-categories.ts';

/** The categories a document is filed under (and the unit of a share "per category"). */
export const CATEGORIES = VAULT_CATEGORIES;
export type Category = keyof typeof CATEGORIES;
export const CATEGORY_KEYS = Object.keys(CATEGORIES) as Category[];

/** Common papers, each in its category; « Autre document » in every category. */
export const DOCUMENT_TYPES = {
	carte_identite: { label: 'Carte d’identité', category: 'identite' },
	passeport: { label: 'Passeport', category: 'identite' },
	titre_sejour: { label: 'Titre de séjour', category: 'identite' },
	acte_naissance: { label: 'Acte de naissance', category: 'identite' },
	permis_conduire: { label: 'Permis de conduire', category: 'identite' },
	attestation_caf: { label: 'Attestation CAF', category: 'ressources' },
	bulletin_salaire: { label: 'Bulletin de salaire', category: 'ressources' },
	attestation_pole_emploi: { label: 'Attestation France Travail', category: 'ressources' },
	releve_bancaire: { label: 'Relevé d’identité bancaire (RIB)', category: 'ressources' },
	justificatif_domicile: { label: 'Justificatif de domicile', category: 'logement' },
	quittance_loyer: { label: 'Quittance de loyer', category: 'logement' },
	bail: { label: 'Bail', category: 'logement' },
	carte_vitale: { label: 'Attestation de carte Vitale', category: 'sante' },
	attestation_css: { label: 'Attestation Complémentaire santé solidaire', category: 'sante' },
	avis_imposition: { label: 'Avis d’imposition', category: 'impots' },
	contrat_travail: { label: 'Contrat de travail', category: 'emploi' },
	cv: { label: 'CV', category: 'emploi' },
	livret_famille: { label: 'Livret de famille', category: 'famille' },
	jugement: { label: 'Jugement (divorce, garde…)', category: 'famille' },
	autre: { label: 'Autre document', category: 'autre' }
} as const satisfies Record<string, { label: string; category: Category }>;
export type DocumentType = keyof typeof DOCUMENT_TYPES;
export const DOCUMENT_TYPE_KEYS = Object.keys(DOCUMENT_TYPES) as DocumentType[];

export function isCategory(v: unknown): v is Category {
	return typeof v === 'string' && v in CATEGORIES;
}
export function isDocumentType(v: unknown): v is DocumentType {
	return typeof v === 'string' && v in DOCUMENT_TYPES;
}

/** The category a document goes in: its type's, unless the type is « Autre document » (then the one chosen). */
export function categoryOf(type: DocumentType, chosen?: Category | null): Category {
	return type === 'autre' ? (chosen ?? 'autre') : DOCUMENT_TYPES[type].category;
}

/** Who put the document in the vault (criterion 1 of L.103: the proof of origin). */
export const ORIGINS = {
	person: 'Vous',
	professional: 'Un professionnel, avec votre accord',
	issuer: 'L’organisme qui l’a délivré'
} as const;
export type Origin = keyof typeof ORIGINS;

/** The grants that open documents (decision 0014): a share per document or category, and the person present at a counter. */
export const VAULT_GRANT_KINDS = ['document_share', 'vault_presence'] as const;
export type VaultGrantKind = (typeof VAULT_GRANT_KINDS)[number];
/** The grants that may open a document: the vault's own, and a mandate the person opened their vault to (its `category:` scopes). */
export const VAULT_OPENING_KINDS = ['document_share', 'vault_presence', 'mandate'] as const;

/** Scopes of a vault grant: one document, one category, or the whole vault (the person present). */
export const scopeForDocument = (id: string) => `document:${id}`;
export const scopeForCategory = (c: Category) => `category:${c}`;
export { WHOLE_VAULT, scopesCover } from '../permissions/index.ts';

/** How long a share lasts, by default and at most. */
export const SHARE_DAYS = { default: 30, max: 365 } as const;
/** How long a professional keeps the vault open with the person present. */
export const PRESENCE_MINUTES = 30;

/** The person is reminded this many days before a paper expires (and the professional they chose). */
export const EXPIRY_REMINDER_DAYS = [90, 30, 7] as const;

/**
 * The reminder due today for a paper expiring on `expiresOn` (Paris days 'YYYY-MM-DD'):
 * the smallest threshold reached and not yet sent, so a paper added 20 days before its end
 * gets the 30-day reminder once, not the 90-day one too.
 */
export function dueReminder(expiresOn: string, today: string, sent: readonly number[]): number | null {
	const days = Math.round((Date.parse(`${expiresOn}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
	if (days < 0) return null;
	const reached = EXPIRY_REMINDER_DAYS.filter((d) => days <= d);
	if (!reached.length) return null;
	const smallest = Math.min(...reached);
	return sent.some((s) => s <= smallest) ? null : smallest;
}

/** A document's title: what the person typed, or the type's label. */
export function titleOf(title: string | null | undefined, type: DocumentType): string {
	const t = (title ?? '').replace(/\s+/g, ' ').trim();
	return t || DOCUMENT_TYPES[type].label;
}

export const TITLE_MAX = 120;

/** The name of a document inside the export's ZIP: no path, no character a file system refuses. */
export function exportFileName(index: number, title: string, mime: string): string {
	const ext = mime === 'application/pdf' ? 'pdf' : mime === 'image/jpeg' ? 'jpg' : 'bin';
	const base =
		title
			.normalize('NFKD')
			.replace(/[\u0300-\u036f]/g, '')
			.replace(/[^A-Za-z0-9 ._-]+/g, '')
			.replace(/\s+/g, '-')
			.replace(/^[.-]+/, '')
			.slice(0, 60) || 'document';
	return `${String(index).padStart(3, '0')}-${base}.${ext}`;
}

/** The types, grouped by category, for the lists of the deposit forms (« Autre document » apart). */
export function typeGroups(): { label: string; types: { value: DocumentType; label: string }[] }[] {
	return CATEGORY_KEYS.map((c) => ({
		label: CATEGORIES[c] as string,
		types: DOCUMENT_TYPE_KEYS.filter((t) => t !== 'autre' && DOCUMENT_TYPES[t].category === c).map((t) => ({
			value: t,
			label: DOCUMENT_TYPES[t].label as string
		}))
	})).filter((g) => g.types.length);
}
