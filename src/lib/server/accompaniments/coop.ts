/**
 * La Coop de la médiation numérique (the national tool where conseillers numériques report
 * their activity): its words for an activity, and ours for each. Pure.
 *
 * Read from inclusion-numerique/coop-mediation-numerique at commit COOP_COMMIT:
 * - the export of « Mes activités » (apps/web/src/features/activites/use-cases/list/export/
 *   buildAccompagnementsWorksheet.ts): its columns (COOP_EXPORT_HEADERS), one line per
 *   person helped, the workshop's lines numbered « 2/8 »;
 * - the labels and API values of each field (apps/web/src/features/activites/use-cases/cra/
 *   fields/*.ts, …/individuel/fields/*.ts, …/collectif/fields/niveau-atelier.ts,
 *   apps/web/src/features/beneficiaire/domain/{genre,tranche-age,statut-social}.ts);
 * - its API v1 (apps/web/src/app/api/v1/activites/route.ts): the `activite` resource.
 *
 * Where the Coop has a value we have no word for (the « Associations » procedure theme, tags,
 * the name of the procedure, a redirection without a structure), or we have one it lacks,
 * docs/interop-coop.md says so; nothing is invented on either side.
 */
import { normalizeKey } from '../../text/keys.ts';
import {
	AGE_BANDS,
	AUTONOMY,
	EQUIPMENT,
	GENDERS,
	LOCATIONS,
	PROCEDURE_THEMES,
	REDIRECTED_TO,
	STATUSES,
	WORKSHOP_LEVELS,
	type AgeBand,
	type Autonomy,
	type Gender,
	type Kind,
	type Location,
	type SocialStatus,
	type WorkshopLevel
} from './vocabulary.ts';

export const COOP_REPOSITORY = 'inclusion-numerique/coop-mediation-numerique';
export const COOP_COMMIT = '46aa33bdf21c42c2d5bbb2913f5c453cca5a9542';

/**
 * The columns of the Coop's export of a mediator's own activities, in its order (the
 * « self export »: with « Bénéficiaire » and « Notes supplémentaires », without the columns
 * naming the mediator that a coordinator's export adds, nor « Source de la donnée », written
 * only for mediators who had activities in the Coop's first version).
 */
export const COOP_EXPORT_HEADERS = [
	'Date',
	'Enregistré le',
	'Dernière modification le',
	'Type',
	'Participants',
	'Bénéficiaire',
	'Canaux d’accompagnement',
	'Nom du lieu',
	'Adresse',
	'Commune',
	'Code postal',
	'Code Insee',
	'Durée (min)',
	'Nom de l’atelier',
	'Matériel numérique utilisé',
	'Thématique(s) d’accompagnement',
	'Tags',
	'Nom de la démarche administrative',
	'Niveau d’autonomie (ou de l’atelier)',
	'Bénéficiaire réorienté',
	'Structure de redirection',
	'Commune du bénéficiaire',
	'Code postal du bénéficiaire',
	'Code Insee du bénéficiaire',
	'Genre du bénéficiaire',
	'Tranche d’âge du bénéficiaire',
	'Statut du bénéficiaire',
	'Notes supplémentaires',
	'ID CRA'
] as const;
export type CoopColumn = (typeof COOP_EXPORT_HEADERS)[number];

/** Columns only a coordinator's export (or an old account's) has: read past, never needed. */
export const COOP_OTHER_HEADERS = ['Prénom du médiateur', 'Nom du médiateur', 'Rôle', 'ID - Conum', 'Source de la donnée'] as const;

/** What the Coop writes for a person without a name (every line we write). */
export const COOP_ANONYMOUS = 'Bénéficiaire anonyme';
/** Its « Oui » / « Non » */
export const COOP_YES = 'Oui';
export const COOP_NO = 'Non';
/** Multi-valued cells: one value a line inside the cell */
export const COOP_CELL_SEPARATOR = '\n';
/** The autonomy and the workshop's level are written as stars out of this */
export const COOP_STARS = 3;

interface Word {
	/** as the Coop's export writes it */
	label: string;
	/** as its API v1 writes it */
	api: string;
}

export const COOP_TYPES: Record<Kind, Word> = {
	individual: { label: 'Accompagnement individuel', api: 'individuel' },
	collective: { label: 'Atelier collectif', api: 'collectif' }
};

export const COOP_PLACES: Record<Location, Word> = {
	place: { label: 'Lieu d’activité', api: 'lieu_activite' },
	home: { label: 'À domicile', api: 'domicile' },
	remote: { label: 'À distance', api: 'a_distance' },
	other: { label: 'Autre lieu', api: 'autre' }
};

export const COOP_EQUIPMENT: Record<(typeof EQUIPMENT)[number], Word> = {
	Ordinateur: { label: 'Ordinateur', api: 'ordinateur' },
	Téléphone: { label: 'Téléphone', api: 'telephone' },
	Tablette: { label: 'Tablette', api: 'tablette' },
	Autre: { label: 'Autre', api: 'autre' },
	'Pas de matériel': { label: 'Pas de matériel', api: 'aucun' }
};

/** Every theme of the Coop (its order), with ours: a digital theme, a procedure theme, or none. */
export const COOP_THEMES: readonly (Word & { ours: string | null })[] = [
	{ label: 'Diagnostic numérique', api: 'diagnostic_numerique', ours: 'Diagnostic numérique' },
	{ label: 'Prendre en main du matériel', api: 'prendre_en_main_du_materiel', ours: 'Prendre en main du matériel' },
	{ label: 'Maintenance de matériel', api: 'maintenance_de_materiel', ours: 'Maintenance de matériel' },
	{ label: 'Gérer ses contenus numériques', api: 'gere_ses_contenus_numeriques', ours: 'Gérer ses contenus numériques' },
	{ label: 'Navigation sur internet', api: 'navigation_sur_internet', ours: 'Navigation sur internet' },
	{ label: 'E-mail', api: 'email', ours: 'E-mail' },
	{ label: 'Bureautique', api: 'bureautique', ours: 'Bureautique' },
	{ label: 'Réseaux sociaux communication', api: 'reseaux_sociaux', ours: 'Réseaux sociaux' },
	{ label: 'Santé', api: 'sante', ours: 'Santé' },
	{ label: 'Banque et achats en ligne', api: 'banque_et_achats_en_ligne', ours: 'Banque et achats en ligne' },
	{ label: 'Accompagner un professionnel', api: 'entrepreneuriat', ours: 'Accompagner un professionnel' },
	{ label: 'Insertion professionnelle', api: 'insertion_professionnelle', ours: 'Insertion professionnelle' },
	{ label: 'Prévention en sécurité numérique', api: 'securite_numerique', ours: 'Prévention en sécurité numérique' },
	{ label: 'Parentalité', api: 'parentalite', ours: 'Parentalité' },
	{ label: 'Scolarité et numérique', api: 'scolarite_et_numerique', ours: 'Scolarité et numérique' },
	{ label: 'Créer avec le numérique', api: 'creer_avec_le_numerique', ours: 'Créer avec le numérique' },
	{ label: 'Culture numérique', api: 'culture_numerique', ours: 'Culture numérique' },
	{ label: 'Intelligence artificielle (IA)', api: 'intelligence_artificielle', ours: 'Intelligence artificielle' },
	{ label: 'Aide aux démarches administratives', api: 'aide_aux_demarches_administratives', ours: 'Aide aux démarches administratives' },
	{ label: 'Papiers - Élections - Citoyenneté', api: 'papiers_elections_citoyennete', ours: 'Papiers – Élections – Citoyenneté' },
	{ label: 'Famille - Scolarité', api: 'famille_scolarite', ours: 'Famille – Scolarité' },
	{ label: 'Social - Santé', api: 'social_sante', ours: 'Social – Santé' },
	{ label: 'Travail - Formation - Entreprise', api: 'travail_formation', ours: 'Travail – Formation' },
	{ label: 'Logement', api: 'logement', ours: 'Logement' },
	{ label: 'Transports - Mobilité', api: 'transports_mobilite', ours: 'Transports – Mobilité' },
	{ label: 'Argent - Impôts', api: 'argent_impots', ours: 'Argent – Impôts' },
	{ label: 'Justice', api: 'justice', ours: 'Justice' },
	{ label: 'Étrangers - Europe', api: 'etrangers_europe', ours: 'Étrangers – Europe' },
	{ label: 'Loisirs - Sports - Culture', api: 'loisirs_sports_culture', ours: 'Loisirs – Sports – Culture' },
	{ label: 'Associations', api: 'associations', ours: null }
];

export const COOP_AUTONOMY: Record<Autonomy, Word & { stars: number }> = {
	guided: { label: 'Avec guidage', api: 'entierement_accompagne', stars: 1 },
	partly: { label: 'Autonome avec guidage en cas de besoin', api: 'partiellement_autonome', stars: 2 },
	autonomous: { label: 'Autonome', api: 'autonome', stars: 3 }
};

export const COOP_LEVELS: Record<WorkshopLevel, Word & { stars: number }> = {
	beginner: { label: 'Débutant', api: 'debutant', stars: 1 },
	intermediate: { label: 'Intermédiaire', api: 'intermediaire', stars: 2 },
	advanced: { label: 'Avancé', api: 'avance', stars: 3 }
};

/** The Coop keeps one structure per activity; ours, a list (the first is written, docs/interop-coop.md). */
export const COOP_REDIRECTIONS: Record<(typeof REDIRECTED_TO)[number], Word> = {
	Administration: { label: 'Administration (mairie, préfecture…)', api: 'administration' },
	'Opérateur en charge de la démarche': { label: 'Opérateur ou organisme en charge de la démarche administrative', api: 'operateur_ou_organisme_en_charge' },
	'Structure d’aide sociale': { label: 'Structure d’aide sociale (maison des solidarités, centre social…)', api: 'aide_sociale' },
	'Structure d’insertion professionnelle': {
		label: 'Structure d’insertion professionnelle (France Travail, mission locale, chambre de commerce…)',
		api: 'insertion_professionnelle'
	},
	'France Services / aide aux démarches': {
		label: 'Structure d’aide aux démarches administratives (France Services…)',
		api: 'aide_aux_demarches_administratives'
	},
	'Autre lieu de médiation numérique': { label: 'Autre structure de médiation numérique', api: 'mediation_numerique' },
	Autre: { label: 'Autre', api: 'autre' }
};

/** The person's gender, age band and status: « Non communiqué » (`unknown`) when not given. */
export const COOP_GENDERS: Record<Gender, Word> = {
	M: { label: 'Masculin', api: 'masculin' },
	F: { label: 'Féminin', api: 'feminin' },
	unknown: { label: 'Non communiqué', api: 'non_communique' }
};

export const COOP_AGE_BANDS: Record<AgeBand | 'unknown', Word> = {
	under12: { label: 'Moins de 12 ans', api: 'moins_de_douze' },
	'12-17': { label: '12 - 17 ans', api: 'douze_dix_huit' },
	'18-24': { label: '18 - 24 ans', api: 'dix_huit_vingt_quatre' },
	'25-39': { label: '25 - 39 ans', api: 'vingt_cinq_trente_neuf' },
	'40-59': { label: '40 - 59 ans', api: 'quarante_cinquante_neuf' },
	'60-69': { label: '60 - 69 ans', api: 'soixante_soixante_neuf' },
	'70plus': { label: '70 ans et plus', api: 'soixante_dix_plus' },
	unknown: { label: 'Non communiqué', api: 'non_communique' }
};

export const COOP_STATUSES: Record<SocialStatus, Word> = {
	student: { label: 'Scolarisé', api: 'scolarise' },
	unemployed: { label: 'Sans emploi', api: 'sans_emploi' },
	employed: { label: 'En emploi', api: 'en_emploi' },
	retired: { label: 'Retraité', api: 'retraite' },
	unknown: { label: 'Non communiqué ou hétérogène', api: 'non_communique' }
};

// ——— ours → the Coop's ———

const byOurs = new Map(COOP_THEMES.filter((t) => t.ours).map((t) => [t.ours!, t]));

/** Our themes then procedure themes, as the Coop's themes (a value outside the national vocabulary has none). */
export function coopThemes(themes: readonly string[], procedureThemes: readonly string[]): Word[] {
	return [...themes, ...procedureThemes].map((t) => byOurs.get(t)).filter((t): t is (typeof COOP_THEMES)[number] => !!t);
}

export function coopEquipment(equipment: readonly string[]): Word[] {
	return EQUIPMENT.filter((e) => equipment.includes(e)).map((e) => COOP_EQUIPMENT[e]);
}

/** The first of our orientations, in the national vocabulary's order: the Coop holds one. */
export function coopRedirection(redirectedTo: readonly string[]): Word | null {
	const first = REDIRECTED_TO.find((r) => redirectedTo.includes(r));
	return first ? COOP_REDIRECTIONS[first] : null;
}

/** « 2/3 »: the autonomy (individual) or the workshop's level (collective) as the export writes it. */
export const coopStars = (stars: number) => `${stars}/${COOP_STARS}`;

// ——— the Coop's → ours (the import) ———

/**
 * A cell's value → ours: each vocabulary is looked up by its normalised key (accents, case,
 * dashes, apostrophes ignored), by the Coop's label, its API value, and our own label (a
 * line typed by hand, or written by our export).
 */
function lookup<T>(pairs: [string, T][]): (raw: string) => T | undefined {
	const m = new Map<string, T>();
	for (const [k, v] of pairs) m.set(normalizeKey(k), v);
	return (raw) => m.get(normalizeKey(raw));
}
const fromWords = <K extends string>(words: Record<K, Word>, ours: Partial<Record<K, string>> = {}) =>
	lookup<K>(
		(Object.entries(words) as [K, Word][]).flatMap(([k, w]) => [
			[w.label, k] as [string, K],
			[w.api, k] as [string, K],
			...(ours[k] ? [[ours[k]!, k] as [string, K]] : [])
		])
	);

export const readType = lookup<Kind>([
	...(Object.entries(COOP_TYPES) as [Kind, Word][]).flatMap(([k, w]) => [[w.label, k] as [string, Kind], [w.api, k] as [string, Kind]]),
	['Individuel', 'individual'],
	['Collectif', 'collective']
]);
export const readPlace = fromWords(COOP_PLACES, LOCATIONS);
export const readEquipment = fromWords(COOP_EQUIPMENT);
export const readGender = fromWords(COOP_GENDERS, { ...GENDERS, M: 'Homme', F: 'Femme' });
export const readAgeBand = fromWords(COOP_AGE_BANDS, AGE_BANDS);
export const readStatus = fromWords(COOP_STATUSES, { ...STATUSES, unknown: 'Non communiqué' });
export const readRedirection = fromWords(COOP_REDIRECTIONS, Object.fromEntries(REDIRECTED_TO.map((r) => [r, r])));

/** A theme of the Coop: ours (digital or procedure), or `null` when we have none (« Associations »). */
export const readTheme = lookup<{ ours: string | null; procedure: boolean }>(
	COOP_THEMES.flatMap((t) => {
		const v = { ours: t.ours, procedure: !!t.ours && (PROCEDURE_THEMES as readonly string[]).includes(t.ours) };
		return [[t.label, v] as [string, typeof v], [t.api, v] as [string, typeof v], ...(t.ours ? [[t.ours, v] as [string, typeof v]] : [])];
	})
);

const starsOrWord = <K extends string>(words: Record<K, Word & { stars: number }>, ours: Record<K, string>) => {
	const byWord = fromWords(words, ours);
	const entries = Object.entries(words) as [K, Word & { stars: number }][];
	return (raw: string): K | undefined => {
		const stars = /^\s*([1-3])\s*\/\s*3\s*$/.exec(raw);
		if (stars) return entries.find(([, w]) => w.stars === Number(stars[1]))?.[0];
		return byWord(raw);
	};
};
/** « 2/3 » or a label → our autonomy */
export const readAutonomy = starsOrWord(COOP_AUTONOMY, AUTONOMY);
/** « 1/3 » or a label → our workshop level */
export const readLevel = starsOrWord(COOP_LEVELS, WORKSHOP_LEVELS);

/** « Oui » / « Non » / empty */
export function readYesNo(raw: string): boolean | null | undefined {
	const k = normalizeKey(raw);
	if (!k) return null;
	if (k === 'oui' || k === 'true' || k === '1') return true;
	if (k === 'non' || k === 'false' || k === '0') return false;
	return undefined;
}

/** The columns by their normalised name, to find them in a file typed or saved differently. */
export const COLUMN_KEYS = new Map<string, CoopColumn>(COOP_EXPORT_HEADERS.map((h) => [normalizeKey(h), h]));
