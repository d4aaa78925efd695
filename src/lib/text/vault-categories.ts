/**
 * The categories a vault document is filed under (issue 15), in the words the person reads.
 * Shared by the vault (its documents and shares), the mandates (the categories a mandate's
 * themes open) and the journal (its sentences): kept here so that none of them imports the
 * others for a list of words.
 */
export const VAULT_CATEGORIES = {
	identite: 'Identité',
	ressources: 'Ressources',
	logement: 'Logement',
	sante: 'Santé',
	impots: 'Impôts',
	emploi: 'Emploi',
	famille: 'Famille',
	autre: 'Autre'
} as const;
