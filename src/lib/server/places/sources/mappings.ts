/**
 * Old vocabularies (schema v0, network files, surveys) → the standard v1.0.2 vocabularies.
 * Keys are compared after `foldKey` (no accents, no case, punctuation as spaces), so
 * "S’équiper en matériel informatique" and "S'equiper en materiel informatique" are one key.
 */
import { VOCABULARIES, VOCABULARY_ALIASES, type VocabularyField } from '../vocabulary.ts';
import { fold, foldKey } from './common.ts';

// ————————————————————————————————————————— v1 vocabularies, tolerant spelling

const CANONICAL = new Map<string, Map<string, string>>();
for (const [field, values] of Object.entries(VOCABULARIES) as [VocabularyField, readonly string[]][]) {
	const m = new Map<string, string>();
	for (const v of values) m.set(foldKey(v), v);
	for (const [alias, v] of Object.entries(VOCABULARY_ALIASES[field] ?? {})) m.set(foldKey(alias), v);
	CANONICAL.set(field, m);
}

/** The exact v1 spelling of a vocabulary value written with other accents, case or spacing. */
export function canonicalValue(field: string, value: string): string | undefined {
	return CANONICAL.get(field)?.get(foldKey(value));
}

export function isVocabularyField(field: string): field is VocabularyField {
	return CANONICAL.has(field);
}

// ————————————————————————————————————————— services (v0 → v1)

const V0_SERVICES_TABLE: [string, string[]][] = [
	['Prendre en main un smartphone ou une tablette', ['Maîtrise des outils numériques du quotidien']],
	['Prendre en main un ordinateur', ['Maîtrise des outils numériques du quotidien']],
	['Utiliser le numérique au quotidien', ['Maîtrise des outils numériques du quotidien']],
	['Approfondir ma culture numérique', ['Compréhension du monde numérique']],
	// « utiliser ses outils de manière saine, responsable et non dangereuse »
	['Promouvoir la citoyenneté numérique', ['Compréhension du monde numérique', 'Utilisation sécurisée du numérique']],
	['Favoriser mon insertion professionnelle', ['Insertion professionnelle via le numérique']],
	['Créer et développer mon entreprise', ['Insertion professionnelle via le numérique']],
	['Accéder à une connexion internet', ['Accès internet et matériel informatique']],
	['Accéder à du matériel', ['Accès internet et matériel informatique']],
	['Réaliser des démarches administratives avec un accompagnement', ['Aide aux démarches administratives']],
	['Devenir autonome dans les démarches administratives', ['Aide aux démarches administratives']],
	['Accompagner les démarches de santé', ['Aide aux démarches administratives']],
	['Créer avec le numérique', ['Loisirs et créations numériques']],
	["Soutenir la parentalité et l'éducation avec le numérique", ['Parentalité et éducation avec le numérique']],
	["S'équiper en matériel informatique", ['Acquisition de matériel informatique à prix solidaire']]
];

/** Old (v0) service label → v1 services (one old label may give several). */
export const V0_SERVICES = new Map<string, string[]>(V0_SERVICES_TABLE.map(([k, v]) => [foldKey(k), v]));

/** The v0 labels themselves, exactly as the old schema wrote them (for reports and tests). */
export const V0_SERVICE_LABELS = V0_SERVICES_TABLE.map(([k]) => k);

// ————————————————————————————————————————— labels_nationaux (v0) → dispositifs, formations, autres

export type LabelTarget =
	| { field: 'dispositif_programmes_nationaux'; value: string }
	| { field: 'formations_labels'; value: string }
	| { field: 'autres_formations_labels'; value: string };

const LABELS_TABLE: [string[], LabelTarget][] = [
	[
		['CNFS', 'Conseillers numériques', 'Conseiller numérique', 'Conseiller numérique France Services'],
		{ field: 'dispositif_programmes_nationaux', value: 'Conseillers numériques' }
	],
	[['France Services', 'France Service', 'MSAP', 'Maison France Services'], { field: 'dispositif_programmes_nationaux', value: 'France Services' }],
	[['Aidants Connect', 'Aidant Connect'], { field: 'dispositif_programmes_nationaux', value: 'Aidants Connect' }],
	[['PIX', 'Certification PIX'], { field: 'dispositif_programmes_nationaux', value: 'Certification PIX' }],
	[
		["Point d'accès numérique CAF", 'Point numérique CAF', 'Point relais CAF', 'CAF'],
		{ field: 'dispositif_programmes_nationaux', value: "Point d'accès numérique CAF" }
	],
	[
		['REFERENCE', 'Bibliothèques', 'Bibliothèques numérique de référence', 'Bibliothèque numérique de référence', 'BNR'],
		{ field: 'dispositif_programmes_nationaux', value: 'Bibliothèques numérique de référence' }
	],
	[['Grande école du numérique', 'Grandes écoles du numérique', 'GEN'], { field: 'dispositif_programmes_nationaux', value: 'Grande école du numérique' }],
	[['Emmaüs Connect'], { field: 'dispositif_programmes_nationaux', value: 'Emmaüs Connect' }],
	[['Relais numérique', 'Relais numérique (Emmaüs Connect)'], { field: 'dispositif_programmes_nationaux', value: 'Relais numérique (Emmaüs Connect)' }],
	[['La Croix Rouge', 'Croix-Rouge', 'Croix Rouge française'], { field: 'dispositif_programmes_nationaux', value: 'La Croix Rouge' }],
	[['Promeneurs du net'], { field: 'dispositif_programmes_nationaux', value: 'Promeneurs du net' }],
	[['Fabriques de territoire', 'Fabrique de territoire'], { field: 'formations_labels', value: 'Fabriques de Territoire' }],
	[['Étapes numériques', 'Étapes numériques (La Poste)'], { field: 'formations_labels', value: 'Étapes numériques (La Poste)' }],
	[['Mon Espace Santé', 'Formé à « Mon Espace Santé »'], { field: 'formations_labels', value: 'Formé à « Mon Espace Santé »' }],
	[['SUD LABS'], { field: 'formations_labels', value: 'SUD LABS (PACA)' }],
	// real labels with no place in the v1 lists: kept as free text
	[['APTIC'], { field: 'autres_formations_labels', value: 'APTIC' }],
	[['Campus connecté'], { field: 'autres_formations_labels', value: 'Campus connecté' }],
	[['French Tech Tremplin'], { field: 'autres_formations_labels', value: 'French Tech Tremplin' }],
	[['French Tech'], { field: 'autres_formations_labels', value: 'French Tech' }],
	[['Relais pôle emploi', 'Relais Pôle emploi', 'Relais France Travail'], { field: 'autres_formations_labels', value: 'Relais Pôle emploi' }]
];

const LABELS = new Map<string, LabelTarget>();
for (const [names, target] of LABELS_TABLE) for (const n of names) LABELS.set(foldKey(n), target);

export function mapNationalLabel(label: string): LabelTarget | undefined {
	const target = LABELS.get(foldKey(label));
	if (target) return target;
	const value = canonicalValue('dispositif_programmes_nationaux', label);
	return value ? { field: 'dispositif_programmes_nationaux', value } : undefined;
}

// ————————————————————————————————————————— publics_accueillis (v0)

export type PublicTarget =
	{ field: 'publics_specifiquement_adresses'; value: string } | { field: 'prise_en_charge_specifique'; value: string } | { field: 'tout public' };

const PUBLICS_TABLE: [string[], PublicTarget][] = [
	[['Jeunes (16-26 ans)', 'Jeunes'], { field: 'publics_specifiquement_adresses', value: 'Jeunes' }],
	[['Étudiants', 'Etudiants'], { field: 'publics_specifiquement_adresses', value: 'Étudiants' }],
	[['Familles/enfants', 'Familles et/ou enfants', 'Familles', 'Enfants'], { field: 'publics_specifiquement_adresses', value: 'Familles et/ou enfants' }],
	[['Seniors (+ 65 ans)', 'Seniors', 'Séniors'], { field: 'publics_specifiquement_adresses', value: 'Seniors' }],
	[['Uniquement femmes', 'Femmes'], { field: 'publics_specifiquement_adresses', value: 'Femmes' }],
	[['Déficience visuelle'], { field: 'prise_en_charge_specifique', value: 'Déficience visuelle' }],
	[['Surdité'], { field: 'prise_en_charge_specifique', value: 'Surdité' }],
	[['Handicaps moteurs'], { field: 'prise_en_charge_specifique', value: 'Handicaps moteurs' }],
	[
		[
			'Handicaps psychiques',
			'Handicaps mentaux',
			'Handicaps psychiques : troubles psychiatriques donnant lieu à des atteintes comportementales',
			"Handicaps mentaux : déficiences limitant les activités d'une personne"
		],
		{ field: 'prise_en_charge_specifique', value: 'Handicaps mentaux' }
	],
	[['Illettrisme', "Personnes en situation d'illettrisme"], { field: 'prise_en_charge_specifique', value: 'Illettrisme' }],
	// v0 named no language; v1 tells English from the others: « autres » claims no English
	[['Public langues étrangères', 'Langues étrangères'], { field: 'prise_en_charge_specifique', value: 'Langues étrangères (autres)' }],
	[['Adultes', 'Tout public', 'Tous publics', 'Tous les publics'], { field: 'tout public' }]
];

const PUBLICS = new Map<string, PublicTarget>();
for (const [names, target] of PUBLICS_TABLE) for (const n of names) PUBLICS.set(foldKey(n), target);

export function mapPublic(label: string): PublicTarget | undefined {
	return PUBLICS.get(foldKey(label));
}

// ————————————————————————————————————————— modalites_accompagnement (v0)

const V0_ACCOMPAGNEMENT = new Map<string, string>(
	(
		[
			// the v0 schema's values, as written (@gouvfr-anct/lieux-de-mediation-numerique 1.x), and their short forms
			["Seul : j'ai accès à du matériel et une connexion", 'En autonomie'],
			["Avec de l'aide : je suis accompagné seul dans l'usage du numérique", 'Accompagnement individuel'],
			["Dans un atelier : j'apprends collectivement à utiliser le numérique", 'Dans un atelier collectif'],
			// v1 has no « done for me »: someone does it with the person, one to one
			['A ma place : une personne habilitée fait les démarches à ma place', 'Accompagnement individuel'],
			['Seul', 'En autonomie'],
			["Avec de l'aide", 'Accompagnement individuel'],
			['Dans un atelier', 'Dans un atelier collectif'],
			['À ma place', 'Accompagnement individuel']
		] as const
	).map(([k, v]) => [foldKey(k), v])
);

export function mapV0Accompagnement(v: string): string | undefined {
	return V0_ACCOMPAGNEMENT.get(foldKey(v));
}

// ————————————————————————————————————————— conditions_acces (v0)

export interface ConditionTarget {
	/** frais_a_charge values */
	frais: string[];
	/** the place accepts the Pass Numérique (no v1 field: the place's Pass flag) */
	pass: boolean;
}

const V0_CONDITIONS = new Map<string, ConditionTarget>();
for (const [names, target] of [
	[['Gratuit : Je peux accéder gratuitement au lieu et à ses services', 'Gratuit'], { frais: ['Gratuit'], pass: false }],
	[
		[
			'Gratuit sous condition : La gratuité est conditionnée à des critères (situation familiale, convention avec un organisme social...)',
			'Gratuit sous condition'
		],
		{ frais: ['Gratuit sous condition'], pass: false }
	],
	[["Payant : L'accès au lieu et/ou à ses services est payant", 'Payant'], { frais: ['Payant'], pass: false }],
	// a membership is paid for (the national library maps data·inclusion's « adhesion » the same way)
	[["Adhésion : L'accès au lieu et/ou à ses services nécessite d'y adhérer", 'Adhésion'], { frais: ['Payant'], pass: false }],
	[
		["Accepte le Pass numérique : Il est possible d'utiliser un Pass numérique pour accéder au lieu", 'Accepte le Pass numérique', 'Pass numérique'],
		{ frais: [], pass: true }
	]
] as [string[], ConditionTarget][])
	for (const n of names) V0_CONDITIONS.set(foldKey(n), target);

/** A v0 access condition (official value, else free text) → frais_a_charge values and the Pass flag; undefined if neither. */
export function mapCondition(text: string): ConditionTarget | undefined {
	const official = V0_CONDITIONS.get(foldKey(text));
	if (official) return official;
	const r = detectFrais(text);
	return r.values.length || r.passNumerique ? { frais: r.values, pass: r.passNumerique } : undefined;
}

// ————————————————————————————————————————— frais à charge, from free text

const FREE_RE = /\bgratui|\bgratis\b|non payant|sans frais|(?:^|[^\d])0 ?(?:€|euros?\b)|100 ?% financ|\bfinancee? par\b|pris(?:e)? en charge|\bsans cout\b/;
const CONDITION_RE = /\b(?:sous|sur|a) (?:certaines )?conditions?\b|\bselon\b|\breserve(?:e|es|s)? (?:aux?|a)\b|\bsous reserve\b|\bconventionne/;
const PAID_WORD_RE = /(?<!non )\bpayante?s?\b|\btarifs?\b|\bprix\b/;
const MONEY_RE = /(?:^|[^\d.,])[1-9]\d*(?:[.,]\d+)? ?(?:€|euros?\b|eur\b)/;
const MEMBERSHIP_RE = /\badhesion|\bcotisation|\badherent/;
const PASS_RE = /\bpass numerique\b/;

export interface FraisResult {
	values: string[];
	/** the text mentions the Pass Numérique (no v1 value for it) */
	passNumerique: boolean;
}

/**
 * `frais_a_charge` from a free text ("Gratuit : Je peux accéder gratuitement…", "11 € l'adhésion,
 * gratuit sous conditions", "Service public non payant"): Gratuit, Gratuit sous condition, Payant.
 */
export function detectFrais(text: string): FraisResult {
	const t = fold(text);
	const values: string[] = [];
	const free = FREE_RE.test(t);
	const money = MONEY_RE.test(t);
	const paidWord = PAID_WORD_RE.test(t);
	const membership = MEMBERSHIP_RE.test(t);
	if (free) values.push(CONDITION_RE.test(t) || money || membership || paidWord ? 'Gratuit sous condition' : 'Gratuit');
	else if (CONDITION_RE.test(t) && /gratuite?/.test(t)) values.push('Gratuit sous condition');
	if (paidWord || money) values.push('Payant');
	return { values, passNumerique: PASS_RE.test(t) };
}

// ————————————————————————————————————————— publics, from free text (surveys)

const PUBLIC_KEYWORDS: [RegExp, PublicTarget][] = [
	[/\bseniors?\b|\bretraite|\bpersonnes agees\b|\b(?:plus de|\+) ?(?:55|60|65) ans\b/, { field: 'publics_specifiquement_adresses', value: 'Seniors' }],
	[/\bjeunes?\b|\b1[5-8] ?(?:a|-) ?2[56] ans\b/, { field: 'publics_specifiquement_adresses', value: 'Jeunes' }],
	[/\betudiant/, { field: 'publics_specifiquement_adresses', value: 'Étudiants' }],
	[/\bfemmes?\b/, { field: 'publics_specifiquement_adresses', value: 'Femmes' }],
	[/\bfamilles?\b|\bparents?\b|\benfants?\b/, { field: 'publics_specifiquement_adresses', value: 'Familles et/ou enfants' }],
	[/handicap psychique|handicap mental|handicaps mentaux|troubles? psych/, { field: 'prise_en_charge_specifique', value: 'Handicaps mentaux' }],
	[/handicaps? moteurs?|fauteuil/, { field: 'prise_en_charge_specifique', value: 'Handicaps moteurs' }],
	[/illettr/, { field: 'prise_en_charge_specifique', value: 'Illettrisme' }],
	[/\bsourds?\b|surdite|malentendant/, { field: 'prise_en_charge_specifique', value: 'Surdité' }],
	[/malvoyant|aveugle|deficience visuelle/, { field: 'prise_en_charge_specifique', value: 'Déficience visuelle' }]
];

/** Publics named in a free text ("Seniors et seniors en situation de handicap psychique"). */
export function detectPublics(text: string): PublicTarget[] {
	const t = fold(text);
	const out: PublicTarget[] = [];
	for (const [re, target] of PUBLIC_KEYWORDS) if (re.test(t)) out.push(target);
	return out;
}
