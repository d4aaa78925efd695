/**
 * data·inclusion (gip-inclusion/data-inclusion-schema, schema v1) ↔ the national standard of
 * places v1.0.2: the vocabularies, both ways. Pure tables, no I/O.
 *
 * data·inclusion describes structures and the services they offer, for social inclusion as a
 * whole; a place of digital help is a structure with at least one service of digital help
 * (a `numerique--…` thematique). Where data·inclusion has no value for one of ours, the
 * export says it in the service's `…_precisions` text with the standard's exact labels, and
 * the import reads those labels back (round trip); anything else unmapped is reported.
 */
import type { Service } from '../vocabulary.ts';

/** The version of the schema this code writes and reads, and the commit its copy in test/fixtures comes from. */
export const DATA_INCLUSION_SCHEMA = {
	repository: 'gip-inclusion/data-inclusion-schema',
	version: '1.0.8',
	commit: 'df9ce7ff38d313951193df749e63ec4eb10d8c1a',
	documentation: 'https://gip-inclusion.github.io/data-inclusion-schema/latest/'
} as const;

/** The producer's identifier (`source`) of our records, unless the caller gives another. */
export const DEFAULT_PRODUCER = 'maillage';

/** data·inclusion joins the producer and its own identifier with `--` (« dora--42 »). */
export const ID_SEPARATOR = '--';

// ————————————————————————————————————————— services ↔ thématiques

export interface ServiceMapping {
	/** the suffix of the data·inclusion service's id (stable) */
	code: string;
	/** data·inclusion v1 thématiques: a numerique--… one first */
	thematiques: string[];
	/** `type` of the data·inclusion service when the service itself says it (else from the modalities) */
	type?: 'aide-materielle';
	/** the first sentence of the service's description (data·inclusion requires one) */
	description: string;
}

const FONDAMENTAUX = 'numerique--maitriser-les-fondamentaux-du-numerique';

/**
 * Our 9 services → data·inclusion v1. Its vocabulary has four digital thématiques; three of
 * ours (outils du quotidien, usage sécurisé, compréhension du monde numérique) share
 * « Maîtriser les fondamentaux du numérique », and the service's name (our label) tells them apart.
 */
export const SERVICE_MAPPINGS: Record<Service, ServiceMapping> = {
	'Aide aux démarches administratives': {
		code: 'demarches-administratives',
		thematiques: ['numerique--acceder-a-des-services-en-ligne', 'difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives'],
		description: 'Aide pour faire ses démarches administratives en ligne (impôts, santé, allocations, retraite, emploi…).'
	},
	'Maîtrise des outils numériques du quotidien': {
		code: 'outils-du-quotidien',
		thematiques: [FONDAMENTAUX],
		description: 'Apprendre à se servir d’un ordinateur, d’une tablette ou d’un téléphone, d’Internet et de sa messagerie.'
	},
	'Insertion professionnelle via le numérique': {
		code: 'insertion-professionnelle',
		thematiques: [FONDAMENTAUX, 'preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation', 'trouver-un-emploi--repondre-a-des-offres-demploi'],
		description: 'Utiliser le numérique pour chercher un emploi ou une formation, écrire son CV, créer son activité.'
	},
	'Utilisation sécurisée du numérique': {
		code: 'usage-securise',
		thematiques: [FONDAMENTAUX],
		description: 'Protéger ses données et ses comptes, reconnaître les arnaques, naviguer en sécurité.'
	},
	'Parentalité et éducation avec le numérique': {
		code: 'parentalite-education',
		thematiques: [FONDAMENTAUX, 'famille--soutien-a-la-parentalite-et-a-leducation'],
		description: 'Accompagner ses enfants dans leurs usages du numérique et suivre leur scolarité en ligne.'
	},
	'Loisirs et créations numériques': {
		code: 'loisirs-creations',
		thematiques: [FONDAMENTAUX, 'remobilisation--activites-sportives-et-culturelles'],
		description: 'Créer avec le numérique (photo, vidéo, musique, impression 3D…) et s’en servir pour ses loisirs.'
	},
	'Compréhension du monde numérique': {
		code: 'comprehension-monde-numerique',
		thematiques: [FONDAMENTAUX],
		description: 'Comprendre les enjeux du numérique\u00a0: information, réseaux sociaux, intelligence artificielle, citoyenneté.'
	},
	'Accès internet et matériel informatique': {
		code: 'acces-internet-materiel',
		thematiques: ['numerique--acceder-a-une-connexion-internet'],
		type: 'aide-materielle',
		description: 'Accès libre ou accompagné à un ordinateur, à une imprimante et à Internet.'
	},
	'Acquisition de matériel informatique à prix solidaire': {
		code: 'materiel-prix-solidaire',
		thematiques: ['numerique--acquerir-un-equipement'],
		type: 'aide-materielle',
		description: 'Acheter un ordinateur, une tablette ou un téléphone reconditionné à prix solidaire.'
	}
};

/**
 * Thématiques → our services, read in a service of digital help (one with a numerique
 * thématique): v1's, and v0's (data·inclusion exports before 2025, the national map's
 * converter) which were one per service of the v0 standard.
 */
const THEMATIQUE_TO_SERVICES: Record<string, Service[]> = {
	// v1
	'numerique--acceder-a-des-services-en-ligne': ['Aide aux démarches administratives'],
	'numerique--acceder-a-une-connexion-internet': ['Accès internet et matériel informatique'],
	'numerique--acquerir-un-equipement': ['Acquisition de matériel informatique à prix solidaire'],
	'numerique--maitriser-les-fondamentaux-du-numerique': ['Maîtrise des outils numériques du quotidien'],
	'difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives': ['Aide aux démarches administratives'],
	'famille--soutien-a-la-parentalite-et-a-leducation': ['Parentalité et éducation avec le numérique'],
	'remobilisation--activites-sportives-et-culturelles': ['Loisirs et créations numériques'],
	// v0
	'numerique--realiser-des-demarches-administratives-avec-un-accompagnement': ['Aide aux démarches administratives'],
	'numerique--devenir-autonome-dans-les-demarches-administratives': ['Aide aux démarches administratives'],
	'numerique--accompagner-les-demarches-de-sante': ['Aide aux démarches administratives'],
	'numerique--prendre-en-main-un-smartphone-ou-une-tablette': ['Maîtrise des outils numériques du quotidien'],
	'numerique--prendre-en-main-un-ordinateur': ['Maîtrise des outils numériques du quotidien'],
	'numerique--utiliser-le-numerique-au-quotidien': ['Maîtrise des outils numériques du quotidien'],
	'numerique--approfondir-ma-culture-numerique': ['Compréhension du monde numérique'],
	'numerique--promouvoir-la-citoyennete-numerique': ['Compréhension du monde numérique', 'Utilisation sécurisée du numérique'],
	'numerique--favoriser-mon-insertion-professionnelle': ['Insertion professionnelle via le numérique'],
	'numerique--creer-et-developper-mon-entreprise': ['Insertion professionnelle via le numérique'],
	'numerique--acceder-a-du-materiel': ['Accès internet et matériel informatique'],
	'numerique--s-equiper-en-materiel-informatique': ['Acquisition de matériel informatique à prix solidaire'],
	'numerique--creer-avec-le-numerique': ['Loisirs et créations numériques'],
	'numerique--soutenir-la-parentalite-et-l-education-avec-le-numerique': ['Parentalité et éducation avec le numérique']
};

/** Families of thématiques that, in a service of digital help, are job seeking with digital tools. */
const INSERTION_PREFIXES = ['preparer-sa-candidature--', 'trouver-un-emploi--', 'creer-une-entreprise--', 'choisir-un-metier--'];

/** Whether a thématique is one of digital help (v1 `numerique--…`; v0's family alone was `numerique`). */
export function isDigitalThematique(t: string): boolean {
	return t === 'numerique' || t.startsWith('numerique--');
}

/** Our services for one thématique of a service of digital help; undefined when it has no equivalent. */
export function servicesOfThematique(t: string): Service[] | undefined {
	const direct = THEMATIQUE_TO_SERVICES[t];
	if (direct) return direct;
	if (t === 'numerique') return [];
	if (INSERTION_PREFIXES.some((p) => t.startsWith(p))) return ['Insertion professionnelle via le numérique'];
	return undefined;
}

// ————————————————————————————————————————— publics

export const PUBLIC_TO_DI: Record<string, string> = {
	Jeunes: 'jeunes',
	Étudiants: 'etudiants',
	'Familles et/ou enfants': 'familles',
	Seniors: 'seniors',
	Femmes: 'femmes'
};
export const DI_TO_PUBLIC: Record<string, string> = Object.fromEntries(Object.entries(PUBLIC_TO_DI).map(([k, v]) => [v, k]));

/** The prises en charge spécifiques that make a place open to `personnes-en-situation-de-handicap`. */
export const HANDICAPS = new Set(['Surdité', 'Handicaps moteurs', 'Handicaps mentaux', 'Déficience visuelle']);
export const DI_ALL_PUBLICS = 'tous-publics';
export const DI_HANDICAP = 'personnes-en-situation-de-handicap';

// ————————————————————————————————————————— modalités

export const DI_A_DISTANCE = 'a-distance';
export const DI_EN_PRESENTIEL = 'en-presentiel';
export const A_DISTANCE = 'À distance';

/** Service `type` → modalité d’accompagnement (the other types have none). */
export const TYPE_TO_ACCOMPAGNEMENT: Record<string, string> = {
	accompagnement: 'Accompagnement individuel',
	atelier: 'Dans un atelier collectif'
};

/** Modalités d’accès → modes de mobilisation (v1). */
export const ACCES_TO_MOBILISATION: Record<string, string | null> = {
	'Se présenter': 'se-presenter',
	Téléphoner: 'telephoner',
	'Contacter par mail': 'envoyer-un-courriel',
	'Prendre un RDV en ligne': 'utiliser-lien-mobilisation',
	'Envoyer un mail avec une fiche de prescription': 'envoyer-un-courriel',
	"Ce lieu n'accueille pas de public": null // typography: ignore (the standard's value)
};
export const PRESCRIPTION = 'Envoyer un mail avec une fiche de prescription';
export const NO_PUBLIC = "Ce lieu n'accueille pas de public"; // typography: ignore (the standard's value)

/** Modes de mobilisation → modalités d’accès (`envoyer-un-courriel` depends on who may use it, see the import). */
export const MOBILISATION_TO_ACCES: Record<string, string> = {
	'se-presenter': 'Se présenter',
	telephoner: 'Téléphoner',
	'envoyer-un-courriel': 'Contacter par mail',
	'utiliser-lien-mobilisation': 'Prendre un RDV en ligne',
	// v0 (modes_orientation_beneficiaire / _accompagnateur)
	'envoyer-un-mail': 'Contacter par mail',
	'envoyer-un-mail-avec-une-fiche-de-prescription': PRESCRIPTION,
	'prendre-rdv': 'Prendre un RDV en ligne'
};

// ————————————————————————————————————————— frais

export const DI_GRATUIT = 'gratuit';
export const DI_PAYANT = 'payant';

// ————————————————————————————————————————— réseaux porteurs ↔ typologie, dispositifs, labels

/** Typologies (data·inclusion's former codes, kept by the standard) → réseaux porteurs (v1). */
export const TYPOLOGIE_TO_RESEAU: Record<string, string> = {
	ACI: 'aci',
	ACIPHC: 'aci',
	AFPA: 'afpa',
	AI: 'ai',
	ASE: 'ase',
	AVIP: 'creches-avip',
	CAARUD: 'caarud',
	CADA: 'cada',
	CAF: 'caf',
	CAP_EMPLOI: 'cap-emploi-reseau-cheops',
	CAVA: 'cava',
	CC: 'communes',
	CCAS: 'ccas-cias',
	CCONS: 'chambres-consulaires',
	CD: 'departements',
	CDAS: 'departements',
	CHRS: 'chrs',
	CHU: 'chu',
	CIAS: 'ccas-cias',
	CIDFF: 'cidff',
	CMP: 'cmp',
	CMS: 'cms',
	CPAM: 'cpam',
	CPH: 'cph',
	CS: 'fcsf',
	CSAPA: 'csapa',
	CSC: 'fcsf',
	DEPT: 'departements',
	E2C: 'ecoles-de-la-deuxieme-chance',
	EA: 'ea',
	EATT: 'eatt',
	EI: 'ei',
	EITI: 'eiti',
	EPCI: 'communes',
	EPIDE: 'epide',
	EPN: 'espaces-publics-numeriques',
	ETTI: 'etti',
	FT: 'france-travail',
	GEIQ: 'geiq',
	HUDA: 'huda',
	LA_POSTE: 'la-poste',
	MDE: 'maisons-de-l-emploi',
	MDEF: 'maisons-de-l-emploi',
	MDPH: 'mdph',
	MDS: 'maisons-des-solidarites',
	MJC: 'mjc',
	ML: 'mission-locale',
	MSA: 'mutualite-sociale-agricole',
	MSAP: 'msap',
	MUNI: 'communes',
	ODC: 'delegataire-conseil-departemental',
	PAD: 'points-justice',
	PE: 'france-travail',
	PIJ_BIJ: 'reseau-information-jeunesse',
	PIMMS: 'pimms-mediation',
	PJJ: 'pjj',
	PLIE: 'plie',
	PREF: 'regions',
	REG: 'regions',
	RESSOURCERIE: 'ressourceries',
	RFS: 'france-service',
	RS_FJT: 'residences-fjt',
	SPIP: 'spip',
	UDAF: 'departements'
};

/** Dispositifs et programmes nationaux, formations et labels → réseaux porteurs. */
export const PROGRAMME_TO_RESEAU: Record<string, string> = {
	'Aidants Connect': 'aidants-connect',
	'Conseillers numériques': 'conseillers-numeriques',
	'France Services': 'france-service',
	'Grande école du numérique': 'grandes-ecoles-du-numerique',
	'La Croix Rouge': 'croix-rouge',
	'Emmaüs Connect': 'emmaus',
	'Relais numérique (Emmaüs Connect)': 'emmaus',
	'Fabriques de Territoire': 'fabrique-de-territoire'
};

export type ReseauTarget =
	| { field: 'typologie'; value: string }
	| { field: 'dispositif_programmes_nationaux'; value: string }
	| { field: 'formations_labels'; value: string }
	| { field: 'autres_formations_labels'; value: string };

/**
 * Réseaux porteurs → one value of ours, only where one value is meant: the réseaux that
 * gather several of our typologies (`communes`: MUNI, CC or EPCI? `ccas-cias`, `departements`,
 * `fcsf`, `maisons-de-l-emploi`…) or other structures than ours (`emmaus`: Emmaüs Connect, or
 * another body of the movement?) have none, and are reported, not guessed.
 */
export const RESEAU_TO_VALUE: Record<string, ReseauTarget> = {
	aci: { field: 'typologie', value: 'ACI' },
	afpa: { field: 'typologie', value: 'AFPA' },
	ai: { field: 'typologie', value: 'AI' },
	ase: { field: 'typologie', value: 'ASE' },
	caarud: { field: 'typologie', value: 'CAARUD' },
	cada: { field: 'typologie', value: 'CADA' },
	caf: { field: 'typologie', value: 'CAF' },
	'cap-emploi-reseau-cheops': { field: 'typologie', value: 'CAP_EMPLOI' },
	cava: { field: 'typologie', value: 'CAVA' },
	'chambres-consulaires': { field: 'typologie', value: 'CCONS' },
	chrs: { field: 'typologie', value: 'CHRS' },
	chu: { field: 'typologie', value: 'CHU' },
	cidff: { field: 'typologie', value: 'CIDFF' },
	cmp: { field: 'typologie', value: 'CMP' },
	cms: { field: 'typologie', value: 'CMS' },
	cpam: { field: 'typologie', value: 'CPAM' },
	cph: { field: 'typologie', value: 'CPH' },
	'creches-avip': { field: 'typologie', value: 'AVIP' },
	csapa: { field: 'typologie', value: 'CSAPA' },
	'delegataire-conseil-departemental': { field: 'typologie', value: 'ODC' },
	ea: { field: 'typologie', value: 'EA' },
	eatt: { field: 'typologie', value: 'EATT' },
	'ecoles-de-la-deuxieme-chance': { field: 'typologie', value: 'E2C' },
	ei: { field: 'typologie', value: 'EI' },
	eiti: { field: 'typologie', value: 'EITI' },
	epide: { field: 'typologie', value: 'EPIDE' },
	'espaces-publics-numeriques': { field: 'typologie', value: 'EPN' },
	etti: { field: 'typologie', value: 'ETTI' },
	'france-travail': { field: 'typologie', value: 'FT' },
	geiq: { field: 'typologie', value: 'GEIQ' },
	huda: { field: 'typologie', value: 'HUDA' },
	'la-poste': { field: 'typologie', value: 'LA_POSTE' },
	'maisons-des-solidarites': { field: 'typologie', value: 'MDS' },
	mdph: { field: 'typologie', value: 'MDPH' },
	'mission-locale': { field: 'typologie', value: 'ML' },
	mjc: { field: 'typologie', value: 'MJC' },
	msap: { field: 'typologie', value: 'MSAP' },
	'mutualite-sociale-agricole': { field: 'typologie', value: 'MSA' },
	'pimms-mediation': { field: 'typologie', value: 'PIMMS' },
	pjj: { field: 'typologie', value: 'PJJ' },
	plie: { field: 'typologie', value: 'PLIE' },
	'points-justice': { field: 'typologie', value: 'PAD' },
	'reseau-information-jeunesse': { field: 'typologie', value: 'PIJ_BIJ' },
	'residences-fjt': { field: 'typologie', value: 'RS_FJT' },
	ressourceries: { field: 'typologie', value: 'RESSOURCERIE' },
	spip: { field: 'typologie', value: 'SPIP' },
	'aidants-connect': { field: 'dispositif_programmes_nationaux', value: 'Aidants Connect' },
	'conseillers-numeriques': { field: 'dispositif_programmes_nationaux', value: 'Conseillers numériques' },
	'france-service': { field: 'dispositif_programmes_nationaux', value: 'France Services' },
	'grandes-ecoles-du-numerique': { field: 'dispositif_programmes_nationaux', value: 'Grande école du numérique' },
	'croix-rouge': { field: 'dispositif_programmes_nationaux', value: 'La Croix Rouge' },
	'fabrique-de-territoire': { field: 'formations_labels', value: 'Fabriques de Territoire' },
	'campus-connecte': { field: 'autres_formations_labels', value: 'Campus connecté' },
	'french-tech': { field: 'autres_formations_labels', value: 'French Tech' }
};
