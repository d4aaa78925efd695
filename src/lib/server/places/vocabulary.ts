/**
 * Vocabularies and field names of the national standard « schéma des lieux de médiation
 * numérique » v1.0.2 (LaMednum/standard-mediation-num, schema.json). Strings are exact: they
 * are the ones the schema's own patterns accept (where the schema's description and its
 * pattern disagree, the pattern wins, e.g. « Compréhension du monde numérique »; where the
 * pattern itself is defective, the description wins, e.g. « Étapes numériques (La Poste) »).
 */
import type { PlaceFields } from './types.ts';

export const SERVICES = [
	'Aide aux démarches administratives',
	'Maîtrise des outils numériques du quotidien',
	'Insertion professionnelle via le numérique',
	'Utilisation sécurisée du numérique',
	'Parentalité et éducation avec le numérique',
	'Loisirs et créations numériques',
	'Compréhension du monde numérique',
	'Accès internet et matériel informatique',
	'Acquisition de matériel informatique à prix solidaire'
] as const;

export const PUBLICS_SPECIFIQUEMENT_ADRESSES = ['Jeunes', 'Étudiants', 'Familles et/ou enfants', 'Seniors', 'Femmes'] as const;

export const PRISE_EN_CHARGE_SPECIFIQUE = [
	'Surdité',
	'Handicaps moteurs',
	'Handicaps mentaux',
	'Illettrisme',
	'Langues étrangères (anglais)',
	'Langues étrangères (autres)',
	'Déficience visuelle'
] as const;

export const FRAIS_A_CHARGE = ['Gratuit', 'Gratuit sous condition', 'Payant'] as const;

export const DISPOSITIF_PROGRAMMES_NATIONAUX = [
	'Aidants Connect',
	'Bibliothèques numérique de référence',
	'Certification PIX',
	'Conseillers numériques',
	'Emmaüs Connect',
	'France Services',
	'Grande école du numérique',
	'La Croix Rouge',
	"Point d'accès numérique CAF",
	'Promeneurs du net',
	'Relais numérique (Emmaüs Connect)'
] as const;

export const FORMATIONS_LABELS = [
	'Formé à « Mon Espace Santé »',
	'Formé à « DUPLEX » (illettrisme)',
	'Arnia/MedNum BFC (Bourgogne-Franche-Comté)',
	'Collectif ressources et acteurs réemploi (Normandie)',
	'Étapes numériques (La Poste)',
	'Fabriques de Territoire',
	'Les Éclaireurs du numérique (Drôme)',
	'Mes Papiers (Métropole de Lyon)',
	'ORDI 3.0',
	'SUD LABS (PACA)'
] as const;

export const MODALITES_ACCES = [
	'Se présenter',
	'Téléphoner',
	'Contacter par mail',
	'Prendre un RDV en ligne',
	"Ce lieu n'accueille pas de public",
	'Envoyer un mail avec une fiche de prescription'
] as const;

export const MODALITES_ACCOMPAGNEMENT = ['En autonomie', 'Accompagnement individuel', 'Dans un atelier collectif', 'À distance'] as const;

export const ITINERANCE = ['Itinérant', 'Fixe'] as const;

/**
 * `typologie`: the schema names no list; it points to data·inclusion's « typologies de
 * structures » (codes). This is that list (gip-inclusion/data-inclusion-schema, 2024), plus
 * `PE` (Pôle emploi, renamed France Travail `FT` in 2024) still found in older files.
 */
export const TYPOLOGIES = [
	'ACI',
	'ACIPHC',
	'AFPA',
	'AI',
	'ASE',
	'ASSO',
	'ASSO_CHOMEUR',
	'AVIP',
	'Autre',
	'BIB',
	'CAARUD',
	'CADA',
	'CAF',
	'CAP_EMPLOI',
	'CAVA',
	'CC',
	'CCAS',
	'CCONS',
	'CD',
	'CDAS',
	'CFP',
	'CHRS',
	'CHU',
	'CIAS',
	'CIDFF',
	'CITMET',
	'CMP',
	'CMS',
	'CPAM',
	'CPH',
	'CS',
	'CSAPA',
	'CSC',
	'DEETS',
	'DEPT',
	'DIPLP',
	'E2C',
	'EA',
	'EATT',
	'EI',
	'EITI',
	'ENM',
	'EPCI',
	'EPI',
	'EPIDE',
	'EPN',
	'ES',
	'ESS',
	'ETABL_PRI',
	'ETABL_PUB',
	'ETAT',
	'ETTI',
	'EVS',
	'FABLAB',
	'FAIS',
	'FT',
	'GEIQ',
	'HUDA',
	'LA_POSTE',
	'MDE',
	'MDEF',
	'MDPH',
	'MDS',
	'MJC',
	'ML',
	'MQ',
	'MSA',
	'MSAP',
	'MUNI',
	'OACAS',
	'ODC',
	'OF',
	'OIL',
	'OPCS',
	'PAD',
	'PE',
	'PENSION',
	'PI',
	'PIJ_BIJ',
	'PIMMS',
	'PJJ',
	'PLIE',
	'PREF',
	'PREVENTION',
	'REG',
	'RESSOURCERIE',
	'RFS',
	'RS_FJT',
	'SCP',
	'SPIP',
	'TIERS_LIEUX',
	'UDAF'
] as const;

export type Service = (typeof SERVICES)[number];
export type PublicSpecifique = (typeof PUBLICS_SPECIFIQUEMENT_ADRESSES)[number];
export type PriseEnChargeSpecifique = (typeof PRISE_EN_CHARGE_SPECIFIQUE)[number];
export type FraisACharge = (typeof FRAIS_A_CHARGE)[number];
export type DispositifProgrammeNational = (typeof DISPOSITIF_PROGRAMMES_NATIONAUX)[number];
export type FormationLabel = (typeof FORMATIONS_LABELS)[number];
export type ModaliteAcces = (typeof MODALITES_ACCES)[number];
export type ModaliteAccompagnement = (typeof MODALITES_ACCOMPAGNEMENT)[number];
export type Itinerance = (typeof ITINERANCE)[number];
export type Typologie = (typeof TYPOLOGIES)[number];

/** The schema's fields, in the schema's order (the CSV header of an export). */
export const STANDARD_FIELDS = [
	'id',
	'pivot',
	'nom',
	'commune',
	'code_postal',
	'code_insee',
	'adresse',
	'complement_adresse',
	'latitude',
	'longitude',
	'typologie',
	'telephone',
	'courriels',
	'site_web',
	'horaires',
	'presentation_resume',
	'presentation_detail',
	'source',
	'itinerance',
	'structure_parente',
	'date_maj',
	'services',
	'publics_specifiquement_adresses',
	'prise_en_charge_specifique',
	'frais_a_charge',
	'dispositif_programmes_nationaux',
	'formations_labels',
	'autres_formations_labels',
	'modalites_acces',
	'modalites_accompagnement',
	'fiche_acces_libre',
	'prise_rdv'
] as const;

export type StandardField = (typeof STANDARD_FIELDS)[number];

/** snake_case (standard) → camelCase (PlaceFields). */
export const FIELD_TO_KEY = {
	id: 'id',
	pivot: 'pivot',
	nom: 'nom',
	commune: 'commune',
	code_postal: 'codePostal',
	code_insee: 'codeInsee',
	adresse: 'adresse',
	complement_adresse: 'complementAdresse',
	latitude: 'latitude',
	longitude: 'longitude',
	typologie: 'typologie',
	telephone: 'telephone',
	courriels: 'courriels',
	site_web: 'siteWeb',
	horaires: 'horaires',
	presentation_resume: 'presentationResume',
	presentation_detail: 'presentationDetail',
	source: 'source',
	itinerance: 'itinerance',
	structure_parente: 'structureParente',
	date_maj: 'dateMaj',
	services: 'services',
	publics_specifiquement_adresses: 'publicsSpecifiquementAdresses',
	prise_en_charge_specifique: 'priseEnChargeSpecifique',
	frais_a_charge: 'fraisACharge',
	dispositif_programmes_nationaux: 'dispositifProgrammesNationaux',
	formations_labels: 'formationsLabels',
	autres_formations_labels: 'autresFormationsLabels',
	modalites_acces: 'modalitesAcces',
	modalites_accompagnement: 'modalitesAccompagnement',
	fiche_acces_libre: 'ficheAccesLibre',
	prise_rdv: 'priseRdv'
} as const satisfies Record<StandardField, keyof PlaceFields>;

export type PlaceKey = (typeof FIELD_TO_KEY)[StandardField];

/** camelCase (PlaceFields) → snake_case (standard). */
export const KEY_TO_FIELD = Object.freeze(Object.fromEntries(Object.entries(FIELD_TO_KEY).map(([f, k]) => [k, f]))) as {
	readonly [K in keyof PlaceFields]: StandardField;
};

/** The fields whose value is a list (joined with `|` in the standard's CSV). */
export const LIST_FIELDS = [
	'typologie',
	'courriels',
	'site_web',
	'itinerance',
	'services',
	'publics_specifiquement_adresses',
	'prise_en_charge_specifique',
	'frais_a_charge',
	'dispositif_programmes_nationaux',
	'formations_labels',
	'autres_formations_labels',
	'modalites_acces',
	'modalites_accompagnement'
] as const satisfies readonly StandardField[];

/** The list fields restricted to a vocabulary, with that vocabulary. */
export const VOCABULARIES = {
	typologie: TYPOLOGIES,
	itinerance: ITINERANCE,
	services: SERVICES,
	publics_specifiquement_adresses: PUBLICS_SPECIFIQUEMENT_ADRESSES,
	prise_en_charge_specifique: PRISE_EN_CHARGE_SPECIFIQUE,
	frais_a_charge: FRAIS_A_CHARGE,
	dispositif_programmes_nationaux: DISPOSITIF_PROGRAMMES_NATIONAUX,
	formations_labels: FORMATIONS_LABELS,
	modalites_acces: MODALITES_ACCES,
	modalites_accompagnement: MODALITES_ACCOMPAGNEMENT
} as const satisfies Partial<Record<StandardField, readonly string[]>>;

export type VocabularyField = keyof typeof VOCABULARIES;

/** The fields the schema requires. */
export const REQUIRED_FIELDS = ['id', 'pivot', 'nom', 'commune', 'code_postal', 'adresse', 'date_maj'] as const satisfies readonly StandardField[];

/**
 * Other spellings found in the schema's own descriptions, mapped to the exact value (the
 * keys are compared after `normalizeKey`-like folding, so accents and case do not matter).
 */
export const VOCABULARY_ALIASES: Partial<Record<VocabularyField, Record<string, string>>> = {
	modalites_accompagnement: {
		"Dans un atelier collectif : j'apprends collectivement à utiliser le numérique": 'Dans un atelier collectif',
		'À distance (par téléphone ou en visioconférence)': 'À distance'
	}
};
