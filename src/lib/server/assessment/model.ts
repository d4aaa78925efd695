/**
 * The assessment of digital autonomy (diagnostic), version 1: 12 short questions in plain
 * French, each with a pictogram, readable aloud. It yields a profile per axis on the
 * national autonomy scale, the needs (as services of the national vocabulary) and the
 * search filters that the person's constraints call for. Pure: no I/O.
 */
export const AUTONOMY_SCALE = ['Avec guidage', 'Autonome avec guidage en cas de besoin', 'Autonome'] as const;
export type Autonomy = (typeof AUTONOMY_SCALE)[number];

export const AXES = {
	equipment: 'Équipement et connexion',
	skills: 'Gestes de base',
	procedures: 'Démarches en ligne'
} as const;
export type Axis = keyof typeof AXES;

export interface Option {
	value: string;
	label: string;
	/** 0 to 2 on the question's axis, for single-choice questions that are scored */
	points?: number;
}
export interface Question {
	id: string;
	axis: Axis | 'needs' | 'constraints';
	text: string;
	/** a pictogram's name (static/pictos/<name>.svg), shown beside the question */
	pictogram: string;
	multiple: boolean;
	options: Option[];
}

const SKILL: Option[] = [
	{ value: 'seul', label: 'Oui, seul', points: 2 },
	{ value: 'aide', label: 'Oui, avec de l’aide', points: 1 },
	{ value: 'non', label: 'Non', points: 0 }
];

export const QUESTIONNAIRE_VERSION = 1;
export const QUESTIONS: readonly Question[] = [
	{
		id: 'appareils',
		axis: 'equipment',
		pictogram: 'telephone',
		multiple: true,
		text: 'Quels appareils avez-vous\u00a0?',
		options: [
			{ value: 'smartphone', label: 'Un téléphone avec internet (smartphone)' },
			{ value: 'ordinateur', label: 'Un ordinateur' },
			{ value: 'tablette', label: 'Une tablette' },
			{ value: 'aucun', label: 'Aucun de ces appareils' }
		]
	},
	{
		id: 'internet',
		axis: 'equipment',
		pictogram: 'wifi',
		multiple: false,
		text: 'Avez-vous internet chez vous\u00a0?',
		options: [
			{ value: 'oui', label: 'Oui', points: 2 },
			{ value: 'telephone', label: 'Seulement sur mon téléphone', points: 1 },
			{ value: 'non', label: 'Non', points: 0 }
		]
	},
	{
		id: 'ecrire',
		axis: 'skills',
		pictogram: 'clavier',
		multiple: false,
		text: 'Savez-vous écrire un message sur un téléphone ou un ordinateur\u00a0?',
		options: SKILL
	},
	{ id: 'courriel', axis: 'skills', pictogram: 'enveloppe', multiple: false, text: 'Savez-vous lire et envoyer un e-mail\u00a0?', options: SKILL },
	{ id: 'mot_de_passe', axis: 'skills', pictogram: 'cadenas', multiple: false, text: 'Savez-vous retrouver ou changer un mot de passe\u00a0?', options: SKILL },
	{
		id: 'document',
		axis: 'skills',
		pictogram: 'document',
		multiple: false,
		text: 'Savez-vous envoyer une photo d’un papier, par exemple votre carte d’identité\u00a0?',
		options: SKILL
	},
	{ id: 'franceconnect', axis: 'procedures', pictogram: 'cle', multiple: false, text: 'Savez-vous vous connecter avec FranceConnect\u00a0?', options: SKILL },
	{
		id: 'deja_fait',
		axis: 'procedures',
		pictogram: 'coche',
		multiple: true,
		text: 'Quelles démarches avez-vous déjà faites seul sur internet\u00a0?',
		options: [
			{ value: 'caf', label: 'CAF' },
			{ value: 'impots', label: 'Impôts' },
			{ value: 'sante', label: 'Santé (Ameli)' },
			{ value: 'emploi', label: 'Emploi (France Travail)' },
			{ value: 'aucune', label: 'Aucune' }
		]
	},
	{
		id: 'besoin',
		axis: 'needs',
		pictogram: 'question',
		multiple: true,
		text: 'Pour quoi avez-vous besoin d’aide aujourd’hui\u00a0?',
		options: [
			{ value: 'demarche', label: 'Faire une démarche (CAF, impôts, santé, papiers…)' },
			{ value: 'emploi', label: 'Chercher un emploi ou une formation' },
			{ value: 'bases', label: 'Apprendre à utiliser mon téléphone ou un ordinateur' },
			{ value: 'securite', label: 'Me protéger des arnaques sur internet' },
			{ value: 'materiel', label: 'Avoir un appareil ou une connexion' },
			{ value: 'enfants', label: 'Suivre la scolarité de mes enfants' }
		]
	},
	{
		id: 'urgence',
		axis: 'needs',
		pictogram: 'horloge',
		multiple: false,
		text: 'Est-ce urgent\u00a0?',
		options: [
			{ value: 'semaine', label: 'Oui, cette semaine' },
			{ value: 'mois', label: 'Dans le mois' },
			{ value: 'non', label: 'Non, pas urgent' }
		]
	},
	{
		id: 'contraintes',
		axis: 'constraints',
		pictogram: 'personne',
		multiple: true,
		text: 'Qu’est-ce qui peut vous gêner pour venir\u00a0?',
		options: [
			{ value: 'deplacement', label: 'J’ai du mal à me déplacer' },
			{ value: 'samedi', label: 'Je ne suis libre que le samedi' },
			{ value: 'langue', label: 'Je parle peu le français' },
			{ value: 'lecture', label: 'J’ai du mal à lire' },
			{ value: 'audition', label: 'J’entends mal' },
			{ value: 'vue', label: 'Je vois mal' },
			{ value: 'cout', label: 'Je ne peux pas payer' }
		]
	},
	{
		id: 'accompagnement',
		axis: 'constraints',
		pictogram: 'groupe',
		multiple: false,
		text: 'Comment préférez-vous être aidé\u00a0?',
		options: [
			{ value: 'individuel', label: 'Seul avec une personne' },
			{ value: 'atelier', label: 'En petit groupe' },
			{ value: 'egal', label: 'Cela m’est égal' }
		]
	}
];

export type Answers = Record<string, string | string[]>;

export interface Assessment {
	version: number;
	profile: Record<Axis, Autonomy | null>;
	urgency: 'semaine' | 'mois' | 'non' | null;
	/** services of the national vocabulary the needs call for, most important first */
	services: string[];
	/** what the constraints ask of a place */
	filters: { priseEnCharge: string[]; ouvertSamedi: boolean; gratuit: boolean; itinerant: boolean; accompagnement: string[] };
}

export type AnswersCheck = { ok: true; answers: Answers } | { ok: false; errors: Record<string, string> };

/** Keeps only known questions and options; a single-choice question takes one value. Questions may be skipped. */
export function checkAnswers(raw: Record<string, unknown>): AnswersCheck {
	const answers: Answers = {};
	const errors: Record<string, string> = {};
	for (const q of QUESTIONS) {
		const v = raw[q.id];
		if (v === undefined || v === '' || (Array.isArray(v) && !v.length)) continue;
		const values = (Array.isArray(v) ? v : [v]).map(String);
		const known = new Set(q.options.map((o) => o.value));
		if (values.some((x) => !known.has(x))) errors[q.id] = 'Réponse inconnue\u00a0: choisissez parmi les propositions.';
		else if (!q.multiple && values.length > 1) errors[q.id] = 'Une seule réponse à cette question.';
		else answers[q.id] = q.multiple ? [...new Set(values)] : values[0];
	}
	return Object.keys(errors).length ? { ok: false, errors } : { ok: true, answers };
}

function level(score: number): Autonomy {
	return score < 0.34 ? 'Avec guidage' : score < 0.75 ? 'Autonome avec guidage en cas de besoin' : 'Autonome';
}

export function assess(answers: Answers): Assessment {
	const one = (id: string) => (typeof answers[id] === 'string' ? (answers[id] as string) : null);
	const many = (id: string) => (Array.isArray(answers[id]) ? (answers[id] as string[]) : []);
	const points = (id: string) => {
		const q = QUESTIONS.find((x) => x.id === id)!;
		const a = one(id);
		return a === null ? null : (q.options.find((o) => o.value === a)?.points ?? null);
	};
	const axisScore = (parts: (number | null)[]) => {
		const known = parts.filter((p): p is number => p !== null);
		return known.length ? level(known.reduce((s, p) => s + p, 0) / (2 * known.length)) : null;
	};

	// equipment: a computer or tablet counts 2, a smartphone alone 1, nothing 0; then the connection
	const devices = many('appareils');
	const devicePoints = !devices.length ? null : devices.includes('ordinateur') || devices.includes('tablette') ? 2 : devices.includes('smartphone') ? 1 : 0;
	const equipment = axisScore([devicePoints, points('internet')]);
	const skills = axisScore(['ecrire', 'courriel', 'mot_de_passe', 'document'].map(points));
	const done = many('deja_fait');
	const donePoints = !done.length ? null : done.includes('aucune') ? 0 : done.length >= 3 ? 2 : 1;
	const procedures = axisScore([points('franceconnect'), donePoints]);

	const needs = many('besoin');
	const services: string[] = [];
	const add = (s: string) => services.includes(s) || services.push(s);
	if (needs.includes('demarche')) add('Aide aux démarches administratives');
	if (needs.includes('emploi')) add('Insertion professionnelle via le numérique');
	if (needs.includes('bases') || skills === 'Avec guidage') add('Maîtrise des outils numériques du quotidien');
	if (needs.includes('securite')) add('Utilisation sécurisée du numérique');
	if (needs.includes('enfants')) add('Parentalité et éducation avec le numérique');
	if (needs.includes('materiel') || equipment === 'Avec guidage') {
		add('Accès internet et matériel informatique');
		add('Acquisition de matériel informatique à prix solidaire');
	}

	const c = many('contraintes');
	const priseEnCharge: string[] = [];
	if (c.includes('deplacement')) priseEnCharge.push('Handicaps moteurs');
	if (c.includes('langue')) priseEnCharge.push('Langues étrangères (autres)', 'Langues étrangères (anglais)');
	if (c.includes('lecture')) priseEnCharge.push('Illettrisme');
	if (c.includes('audition')) priseEnCharge.push('Surdité');
	if (c.includes('vue')) priseEnCharge.push('Déficience visuelle');
	const how = one('accompagnement');
	return {
		version: QUESTIONNAIRE_VERSION,
		profile: { equipment, skills, procedures },
		urgency: (one('urgence') as Assessment['urgency']) ?? null,
		services,
		filters: {
			priseEnCharge,
			ouvertSamedi: c.includes('samedi'),
			gratuit: c.includes('cout'),
			itinerant: c.includes('deplacement'),
			accompagnement: how === 'individuel' ? ['Accompagnement individuel'] : how === 'atelier' ? ['Dans un atelier collectif'] : []
		}
	};
}
