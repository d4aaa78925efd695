/**
 * The national vocabulary of accompaniments (the mediators' shared words): kinds, places,
 * autonomy, equipment, themes, and the breakdowns of a workshop's participants. Multi-valued
 * vocabularies (themes, procedure themes, equipment, redirected to) are stored as their
 * national labels, like the places' vocabularies; single choices are stored as short codes
 * with a label each.
 */
export const KINDS = {
	individual: 'Individuel',
	collective: 'Collectif'
} as const;
export type Kind = keyof typeof KINDS;

/** The usual durations, in minutes; any other is entered by hand. */
export const DURATIONS = [15, 30, 45, 60, 90, 120] as const;
export const MAX_DURATION = 600;

export const LOCATIONS = {
	place: 'Lieu d’activité',
	home: 'À domicile',
	remote: 'À distance',
	other: 'Autre lieu'
} as const;
export type Location = keyof typeof LOCATIONS;

export const AUTONOMY = {
	guided: 'Avec guidage',
	partly: 'Autonome avec guidage en cas de besoin',
	autonomous: 'Autonome'
} as const;
export type Autonomy = keyof typeof AUTONOMY;

export const EQUIPMENT = ['Ordinateur', 'Téléphone', 'Tablette', 'Autre', 'Pas de matériel'] as const;

export const DIGITAL_THEMES = [
	'Diagnostic numérique',
	'Prendre en main du matériel',
	'Maintenance de matériel',
	'Gérer ses contenus numériques',
	'Navigation sur internet',
	'E-mail',
	'Bureautique',
	'Réseaux sociaux',
	'Santé',
	'Banque et achats en ligne',
	'Accompagner un professionnel',
	'Insertion professionnelle',
	'Prévention en sécurité numérique',
	'Parentalité',
	'Scolarité et numérique',
	'Créer avec le numérique',
	'Culture numérique',
	'Intelligence artificielle',
	'Aide aux démarches administratives'
] as const;

/** The theme implied by any procedure theme. */
export const PROCEDURE_HELP_THEME = 'Aide aux démarches administratives';

/** Also the scope of a mandate. */
export const PROCEDURE_THEMES = [
	'Papiers – Élections – Citoyenneté',
	'Famille – Scolarité',
	'Social – Santé',
	'Travail – Formation',
	'Logement',
	'Transports – Mobilité',
	'Argent – Impôts',
	'Justice',
	'Étrangers – Europe',
	'Loisirs – Sports – Culture'
] as const;

export const REDIRECTED_TO = [
	'Administration',
	'Opérateur en charge de la démarche',
	'Structure d’aide sociale',
	'Structure d’insertion professionnelle',
	'France Services / aide aux démarches',
	'Autre lieu de médiation numérique',
	'Autre'
] as const;

export const GENDERS = {
	F: 'Femme',
	M: 'Homme',
	unknown: 'Non communiqué'
} as const;
export type Gender = keyof typeof GENDERS;

export const AGE_BANDS = {
	under12: 'Moins de 12 ans',
	'12-17': '12 à 17 ans',
	'18-24': '18 à 24 ans',
	'25-39': '25 à 39 ans',
	'40-59': '40 à 59 ans',
	'60-69': '60 à 69 ans',
	'70plus': '70 ans et plus'
} as const;
export type AgeBand = keyof typeof AGE_BANDS;

export const STATUSES = {
	student: 'Scolarisé(e)',
	unemployed: 'Sans emploi',
	employed: 'En emploi',
	retired: 'Retraité(e)',
	unknown: 'Non communiqué'
} as const;
export type SocialStatus = keyof typeof STATUSES;

export const WORKSHOP_LEVELS = {
	beginner: 'Débutant',
	intermediate: 'Intermédiaire',
	advanced: 'Avancé'
} as const;
export type WorkshopLevel = keyof typeof WORKSHOP_LEVELS;

export const MAX_PARTICIPANTS = 200;

/** The three ways a workshop's participants are counted. */
export const BREAKDOWNS = {
	byGender: { key: 'gender', label: 'par genre', options: GENDERS },
	byAgeBand: { key: 'ageBand', label: 'par tranche d’âge', options: AGE_BANDS },
	byStatus: { key: 'status', label: 'par statut', options: STATUSES }
} as const;
export type BreakdownField = keyof typeof BREAKDOWNS;
export const BREAKDOWN_FIELDS = Object.keys(BREAKDOWNS) as BreakdownField[];

/** What the breakdown column holds: only the counts given. */
export interface Breakdown {
	gender?: Partial<Record<Gender, number>>;
	ageBand?: Partial<Record<AgeBand, number>>;
	status?: Partial<Record<SocialStatus, number>>;
}
