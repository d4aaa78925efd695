/**
 * The schema's former vocabularies (v0), as the national map's web component checks them
 * (npm @gouvfr-anct/cartographie-nationale 5.22.0, validators of
 * @gouvfr-anct/lieux-de-mediation-numerique 1.x: national-map.test.ts compares these lists
 * with the library's), and the way from our v1.0.2 values to them. Strings are exact,
 * straight apostrophes and « : » included: they are data, not text of ours.
 */
import type { DispositifProgrammeNational, FormationLabel, ModaliteAccompagnement, PriseEnChargeSpecifique, PublicSpecifique, Service } from './vocabulary.ts';

export const V0_SERVICES = [
	'Accéder à du matériel',
	'Accéder à une connexion internet',
	'Accompagner les démarches de santé',
	'Approfondir ma culture numérique',
	'Créer avec le numérique',
	'Créer et développer mon entreprise',
	'Devenir autonome dans les démarches administratives',
	'Favoriser mon insertion professionnelle',
	'Prendre en main un ordinateur',
	'Prendre en main un smartphone ou une tablette',
	'Promouvoir la citoyenneté numérique',
	'Réaliser des démarches administratives avec un accompagnement',
	"S'équiper en matériel informatique",
	'Utiliser le numérique au quotidien',
	"Soutenir la parentalité et l'éducation avec le numérique"
] as const;

export const V0_PUBLICS_ACCUEILLIS = [
	'Adultes',
	'Déficience visuelle',
	'Familles/enfants',
	'Handicaps psychiques : troubles psychiatriques donnant lieu à des atteintes comportementales',
	'Jeunes (16-26 ans)',
	'Public langues étrangères',
	'Seniors (+ 65 ans)',
	'Surdité',
	'Uniquement femmes',
	"Handicaps mentaux : déficiences limitant les activités d'une personne",
	"Personnes en situation d'illettrisme"
] as const;

export const V0_CONDITIONS_ACCES = [
	"Adhésion : L'accès au lieu et/ou à ses services nécessite d'y adhérer",
	'Gratuit : Je peux accéder gratuitement au lieu et à ses services',
	'Gratuit sous condition : La gratuité est conditionnée à des critères (situation familiale, convention avec un organisme social...)',
	"Accepte le Pass numérique : Il est possible d'utiliser un Pass numérique pour accéder au lieu",
	"Payant : L'accès au lieu et/ou à ses services est payant"
] as const;

export const V0_LABELS_NATIONAUX = [
	'Aidants Connect',
	'APTIC',
	'Campus connecté',
	'CNFS',
	'Fabriques de Territoire',
	'France Services',
	'French Tech',
	'Grandes écoles du numérique',
	'Point numérique CAF',
	'Point relais CAF',
	'Relais pôle emploi'
] as const;

export const V0_MODALITES_ACCOMPAGNEMENT = [
	'A ma place : une personne habilitée fait les démarches à ma place',
	"Avec de l'aide : je suis accompagné seul dans l'usage du numérique",
	"Dans un atelier : j'apprends collectivement à utiliser le numérique",
	"Seul : j'ai accès à du matériel et une connexion"
] as const;

/** typology codes the component knows (data·inclusion's list of 2022) */
// prettier-ignore
export const V0_TYPOLOGIES = [
	'ACI', 'ACIPHC', 'AFPA', 'AI', 'ASE', 'ASSO_CHOMEUR', 'ASSO', 'Autre', 'BIB', 'CAARUD', 'CADA', 'CAF', 'CAP_EMPLOI', 'CAVA', 'CC',
	'CCAS', 'CCONS', 'CD', 'CHRS', 'CHU', 'CIAS', 'CIDFF', 'CITMET', 'CPH', 'CS', 'CSAPA', 'DEETS', 'DEPT', 'DIPLP', 'E2C', 'EA', 'EATT',
	'EI', 'EITI', 'EPCI', 'EPIDE', 'ESS', 'ETTI', 'FAIS', 'GEIQ', 'HUDA', 'MDE', 'MDEF', 'MDPH', 'MDS', 'MJC', 'ML', 'MQ', 'MSA', 'MUNI',
	'OACAS', 'ODC', 'OF', 'OIL', 'OPCS', 'PAD', 'PE', 'PENSION', 'PIJ_BIJ', 'PIMMS', 'PJJ', 'PLIE', 'PREF', 'PREVENTION', 'REG', 'RFS',
	'RS_FJT', 'SCP', 'SPIP', 'TIERS_LIEUX', 'UDAF'
] as const;

type V0Service = (typeof V0_SERVICES)[number];

// ——— v1.0.2 → v0: each v1 value to the v0 values it covers; null: the map has no word for it ———

/**
 * A v1 service gathers v0 ones: it gives those its definition names, not the specialised
 * ones (« Accompagner les démarches de santé », « Créer et développer mon entreprise »).
 */
export const SERVICES_TO_V0: Record<Service, readonly V0Service[]> = {
	'Aide aux démarches administratives': ['Réaliser des démarches administratives avec un accompagnement'],
	'Maîtrise des outils numériques du quotidien': [
		'Prendre en main un ordinateur',
		'Prendre en main un smartphone ou une tablette',
		'Utiliser le numérique au quotidien'
	],
	'Insertion professionnelle via le numérique': ['Favoriser mon insertion professionnelle'],
	'Utilisation sécurisée du numérique': ['Promouvoir la citoyenneté numérique'],
	'Parentalité et éducation avec le numérique': ["Soutenir la parentalité et l'éducation avec le numérique"],
	'Loisirs et créations numériques': ['Créer avec le numérique'],
	'Compréhension du monde numérique': ['Approfondir ma culture numérique'],
	'Accès internet et matériel informatique': ['Accéder à une connexion internet', 'Accéder à du matériel'],
	'Acquisition de matériel informatique à prix solidaire': ["S'équiper en matériel informatique"]
};

type V0Public = (typeof V0_PUBLICS_ACCUEILLIS)[number];

/** publics_specifiquement_adresses and prise_en_charge_specifique → publics_accueillis */
export const PUBLICS_TO_V0: Record<PublicSpecifique | PriseEnChargeSpecifique, V0Public | null> = {
	Jeunes: 'Jeunes (16-26 ans)',
	Étudiants: null,
	'Familles et/ou enfants': 'Familles/enfants',
	Seniors: 'Seniors (+ 65 ans)',
	Femmes: 'Uniquement femmes',
	Surdité: 'Surdité',
	'Handicaps moteurs': null,
	'Handicaps mentaux': "Handicaps mentaux : déficiences limitant les activités d'une personne",
	Illettrisme: "Personnes en situation d'illettrisme",
	'Langues étrangères (anglais)': 'Public langues étrangères',
	'Langues étrangères (autres)': 'Public langues étrangères',
	'Déficience visuelle': 'Déficience visuelle'
};

/** frais_a_charge → conditions_acces */
export const FRAIS_TO_V0: Record<string, (typeof V0_CONDITIONS_ACCES)[number]> = {
	Gratuit: 'Gratuit : Je peux accéder gratuitement au lieu et à ses services',
	'Gratuit sous condition':
		'Gratuit sous condition : La gratuité est conditionnée à des critères (situation familiale, convention avec un organisme social...)',
	Payant: "Payant : L'accès au lieu et/ou à ses services est payant"
};

/** the place accepts the Pass Numérique (qualified) */
export const V0_PASS: (typeof V0_CONDITIONS_ACCES)[number] = "Accepte le Pass numérique : Il est possible d'utiliser un Pass numérique pour accéder au lieu";

export const ACCOMPAGNEMENT_TO_V0: Record<ModaliteAccompagnement, (typeof V0_MODALITES_ACCOMPAGNEMENT)[number] | null> = {
	'En autonomie': "Seul : j'ai accès à du matériel et une connexion",
	'Accompagnement individuel': "Avec de l'aide : je suis accompagné seul dans l'usage du numérique",
	'Dans un atelier collectif': "Dans un atelier : j'apprends collectivement à utiliser le numérique",
	'À distance': null
};

/** the v1 programmes and labels that are v0 national labels; the others go to `labels_autres` (free text) */
export const LABELS_TO_V0: Partial<Record<DispositifProgrammeNational | FormationLabel, (typeof V0_LABELS_NATIONAUX)[number]>> = {
	'Aidants Connect': 'Aidants Connect',
	'Conseillers numériques': 'CNFS',
	'France Services': 'France Services',
	'Grande école du numérique': 'Grandes écoles du numérique',
	"Point d'accès numérique CAF": 'Point numérique CAF',
	'Fabriques de Territoire': 'Fabriques de Territoire'
};

/** typology codes renamed since: France Travail was Pôle emploi, the v0 list's `PE` */
export const TYPOLOGY_TO_V0: Record<string, string> = { FT: 'PE' };

/** the v1 access mode of a place that receives nobody: not a place for a map */
export const NO_PUBLIC = "Ce lieu n'accueille pas de public";
