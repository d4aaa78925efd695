/**
 * Accompaniments (accompagnements): pure rules. The national vocabulary mediators use,
 * the form and its validation (plain French, field by field), the fast-entry rules
 * (sensible defaults, "repeat the last one"), the period of the team view.
 *
 * Multi-valued vocabularies (themes, procedure themes, equipment, redirected to) are
 * stored as their national labels, like the places' vocabularies; single choices are
 * stored as short codes with a label each.
 */
import { z } from 'zod';
import { frenchSpacing } from '../../text/typography';

// ——— the national vocabulary ———

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

// ——— dates (Paris wall-clock days, 'YYYY-MM-DD') ———

/** Today in Paris, whatever the server's time zone. */
export function todayInParis(now = new Date()): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const FR_DAY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** '2026-11-21' or '21/11/2026' (a browser without a date picker) → '2026-11-21'; null if it is not a day of the calendar. */
export function parseDay(raw: string): string | null {
	const s = raw.trim();
	let y: number, m: number, d: number;
	const iso = ISO_DAY.exec(s);
	const fr = FR_DAY.exec(s);
	if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
	else if (fr) [y, m, d] = [Number(fr[3]), Number(fr[2]), Number(fr[1])];
	else return null;
	const t = new Date(Date.UTC(y, m - 1, d));
	if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;
	return t.toISOString().slice(0, 10);
}

/** The same day one year earlier (29 February → 28 February). */
export function oneYearBefore(day: string): string {
	const [y, m, d] = day.split('-').map(Number);
	const t = new Date(Date.UTC(y - 1, m - 1, d));
	if (t.getUTCMonth() !== m - 1) t.setUTCDate(0);
	return t.toISOString().slice(0, 10);
}

export function firstOfMonth(day: string): string {
	return `${day.slice(0, 7)}-01`;
}

const dayFr = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
/** '2026-11-01' → '1er novembre 2026' */
export function dayInFrench(day: string): string {
	return dayFr.format(new Date(`${day}T00:00:00Z`)).replace(/^1 /, '1er ');
}

/** 30 → '30 min', 60 → '1 h', 90 → '1 h 30', 600 → '10 h' */
export function formatMinutes(minutes: number): string {
	if (minutes < 60) return `${minutes} min`;
	const h = Math.floor(minutes / 60);
	const m = minutes % 60;
	return m ? `${h} h ${String(m).padStart(2, '0')}` : `${h} h`;
}

// ——— the form ———

/** The form as the browser sends it back (all strings): what the page shows and re-shows. */
export interface AccompanimentForm {
	organisationId: string;
	placeId: string;
	date: string;
	kind: string;
	/** one of DURATIONS, or 'other' */
	duration: string;
	durationOther: string;
	location: string;
	themes: string[];
	procedureThemes: string[];
	autonomy: string;
	equipment: string[];
	redirectedTo: string[];
	/** individual: 'beneficiary' (a person followed) or 'anonymous'; read from the chosen person when the page sends no choice */
	person: string;
	beneficiaryId: string;
	/** the referral this accompaniment answers, when the page was opened from it */
	referralId: string;
	gender: string;
	ageBand: string;
	socialStatus: string;
	commune: string;
	title: string;
	level: string;
	participants: string;
	byGender: Record<string, string>;
	byAgeBand: Record<string, string>;
	byStatus: Record<string, string>;
}

/** The name of one breakdown input: 'byGender_F', 'byAgeBand_18-24'… */
export const breakdownInputName = (field: BreakdownField, code: string) => `${field}_${code}`;

/** Reads the submitted form (FormData or anything with the same get / getAll). */
export function readAccompanimentForm(f: { get(name: string): unknown; getAll(name: string): unknown[] }): AccompanimentForm {
	const str = (k: string) => {
		const v = f.get(k);
		return typeof v === 'string' ? v : '';
	};
	const all = (k: string) => f.getAll(k).filter((v): v is string => typeof v === 'string');
	const counts = (field: BreakdownField) =>
		Object.fromEntries(Object.keys(BREAKDOWNS[field].options).map((code) => [code, str(breakdownInputName(field, code))]));
	return {
		organisationId: str('organisationId'),
		placeId: str('placeId'),
		date: str('date'),
		kind: str('kind'),
		duration: str('duration'),
		durationOther: str('durationOther'),
		location: str('location'),
		themes: all('themes'),
		procedureThemes: all('procedureThemes'),
		autonomy: str('autonomy'),
		equipment: all('equipment'),
		redirectedTo: all('redirectedTo'),
		// a page may offer one list ("a person anonymous" or one of the people followed) instead of the choice
		person: str('person') || (str('beneficiaryId').trim() ? 'beneficiary' : 'anonymous'),
		beneficiaryId: str('beneficiaryId'),
		referralId: str('referralId'),
		gender: str('gender'),
		ageBand: str('ageBand'),
		socialStatus: str('socialStatus'),
		commune: str('commune'),
		title: str('title'),
		level: str('level'),
		participants: str('participants'),
		byGender: counts('byGender'),
		byAgeBand: counts('byAgeBand'),
		byStatus: counts('byStatus')
	};
}

/** An empty form (every field present). */
export function emptyForm(): AccompanimentForm {
	const blank = (field: BreakdownField) => Object.fromEntries(Object.keys(BREAKDOWNS[field].options).map((c) => [c, '']));
	return {
		organisationId: '',
		placeId: '',
		date: '',
		kind: '',
		duration: '',
		durationOther: '',
		location: '',
		themes: [],
		procedureThemes: [],
		autonomy: '',
		equipment: [],
		redirectedTo: [],
		person: '',
		beneficiaryId: '',
		referralId: '',
		gender: '',
		ageBand: '',
		socialStatus: '',
		commune: '',
		title: '',
		level: '',
		participants: '',
		byGender: blank('byGender'),
		byAgeBand: blank('byAgeBand'),
		byStatus: blank('byStatus')
	};
}

/** What the service writes, once the form is valid (the place and the person are checked by the service). */
export interface AccompanimentInput {
	organisationId: string | null;
	placeId: string | null;
	date: string;
	kind: Kind;
	durationMinutes: number;
	location: Location;
	themes: string[];
	procedureThemes: string[];
	autonomy: Autonomy | null;
	equipment: string[];
	redirectedTo: string[];
	beneficiaryId: string | null;
	referralId: string | null;
	gender: Gender | null;
	ageBand: AgeBand | null;
	socialStatus: SocialStatus | null;
	/** the commune as typed (the service resolves it) */
	commune: string | null;
	title: string | null;
	level: WorkshopLevel | null;
	participants: number;
	breakdown: Breakdown | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isKey = <T extends object>(o: T, k: string): k is Extract<keyof T, string> => Object.prototype.hasOwnProperty.call(o, k);
const trimmed = (s: string) => s.trim() || null;
const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;

/**
 * The form's schema, for a given day (the date may not be in the future, nor more than a
 * year back). Every message says what to do, with an example where it helps.
 */
export function accompanimentSchema(today: string) {
	const earliest = oneYearBefore(today);
	const strings = z.array(z.string());
	return (
		z
			.object({
				organisationId: z.string(),
				placeId: z.string(),
				date: z.string(),
				kind: z.string(),
				duration: z.string(),
				durationOther: z.string(),
				location: z.string(),
				themes: strings,
				procedureThemes: strings,
				autonomy: z.string(),
				equipment: strings,
				redirectedTo: strings,
				person: z.string(),
				beneficiaryId: z.string(),
				referralId: z.string(),
				gender: z.string(),
				ageBand: z.string(),
				socialStatus: z.string(),
				commune: z.string(),
				title: z.string(),
				level: z.string(),
				participants: z.string(),
				byGender: z.record(z.string(), z.string()),
				byAgeBand: z.record(z.string(), z.string()),
				byStatus: z.record(z.string(), z.string())
			})
			// every field is checked in one pass, so that the page lists every problem at once
			.transform((v, ctx): AccompanimentInput => {
				const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
				const choice = <T extends object>(path: string, options: T, raw: string, message: string, required = false): Extract<keyof T, string> | null => {
					const s = raw.trim();
					if (isKey(options, s)) return s;
					if (s || required) issue(path, message);
					return null;
				};
				const list = <T extends readonly string[]>(path: string, values: T, raw: string[], message: string): T[number][] => {
					if (raw.some((x) => !values.includes(x))) issue(path, message);
					return values.filter((x) => raw.includes(x));
				};

				// date
				let date = today;
				if (!v.date.trim()) issue('date', 'Indiquez la date de l’accompagnement. Exemple\u00a0: 21/11/2026');
				else {
					const day = parseDay(v.date);
					if (!day) issue('date', 'Cette date n’existe pas. Écrivez-la ainsi\u00a0: 21/11/2026');
					else if (day > today) issue('date', 'La date ne peut pas être dans le futur\u00a0: indiquez le jour où l’accompagnement a eu lieu.');
					else if (day < earliest)
						issue('date', `Un accompagnement de plus d’un an ne peut plus être enregistré\u00a0: la date doit être le ${dayInFrench(earliest)} ou après.`);
					else date = day;
				}

				const kind = choice('kind', KINDS, v.kind, 'Choisissez\u00a0: accompagnement individuel ou atelier collectif.', true);

				// duration
				let durationMinutes = 0;
				if (v.duration === 'other') {
					const s = v.durationOther.trim();
					const n = Number(s);
					if (!/^\d+$/.test(s) || n < 1 || n > MAX_DURATION)
						issue('durationOther', `Indiquez la durée en minutes, un nombre entier entre 1 et ${MAX_DURATION}. Exemple\u00a0: 20`);
					else durationMinutes = n;
				} else if (/^\d+$/.test(v.duration) && (DURATIONS as readonly number[]).includes(Number(v.duration))) durationMinutes = Number(v.duration);
				else issue('duration', 'Choisissez une durée, ou « Autre durée » et le nombre de minutes.');

				const location = choice('location', LOCATIONS, v.location, 'Choisissez où l’accompagnement a eu lieu.', true);

				// themes: at least one; a procedure implies "Aide aux démarches administratives"
				const procedureThemes = list('procedureThemes', PROCEDURE_THEMES, v.procedureThemes, 'Choisissez les démarches dans la liste.');
				const chosen = list('themes', DIGITAL_THEMES, v.themes, 'Choisissez les thèmes dans la liste.');
				const themes = DIGITAL_THEMES.filter((t) => chosen.includes(t) || (t === PROCEDURE_HELP_THEME && procedureThemes.length > 0));
				if (!themes.length) issue('themes', 'Cochez au moins un thème.');

				const autonomy = choice('autonomy', AUTONOMY, v.autonomy, 'Choisissez le niveau d’autonomie dans la liste.');
				const equipment = list('equipment', EQUIPMENT, v.equipment, 'Choisissez le matériel dans la liste.');
				const redirectedTo = list('redirectedTo', REDIRECTED_TO, v.redirectedTo, 'Choisissez les orientations dans la liste.');

				let beneficiaryId: string | null = null;
				let referralId: string | null = null;
				let profile: Pick<AccompanimentInput, 'gender' | 'ageBand' | 'socialStatus' | 'commune'> = {
					gender: null,
					ageBand: null,
					socialStatus: null,
					commune: null
				};
				let participants = 1;
				let breakdown: Breakdown | null = null;
				let title: string | null = null;
				let level: WorkshopLevel | null = null;
				if (kind === 'individual') {
					if (v.person === 'beneficiary') {
						const id = v.beneficiaryId.trim().toLowerCase();
						if (!UUID.test(id)) issue('beneficiaryId', 'Choisissez la personne dans la liste, ou « Personne anonyme ».');
						else beneficiaryId = id;
						const r = v.referralId.trim().toLowerCase();
						referralId = UUID.test(r) ? r : null;
					} else if (v.person === 'anonymous') {
						// an anonymous person's profile, all optional; a person followed has their record instead
						const commune = trimmed(v.commune);
						if (commune && commune.length > 120) issue('commune', '120 caractères au plus.');
						profile = {
							gender: choice('gender', GENDERS, v.gender, 'Choisissez le genre dans la liste.'),
							ageBand: choice('ageBand', AGE_BANDS, v.ageBand, 'Choisissez la tranche d’âge dans la liste.'),
							socialStatus: choice('socialStatus', STATUSES, v.socialStatus, 'Choisissez le statut dans la liste.'),
							commune
						};
					} else issue('person', 'Choisissez\u00a0: une personne que vous suivez, ou une personne anonyme.');
				} else if (kind === 'collective') {
					title = frenchSpacing(trimmed(v.title)); // « Atelier : … » reads with French spacing
					if (!title) issue('title', 'Donnez un titre à l’atelier. Exemple\u00a0: Découvrir sa messagerie');
					else if (title.length > 120) issue('title', '120 caractères au plus.');
					level = choice('level', WORKSHOP_LEVELS, v.level, 'Choisissez le niveau dans la liste.');
					const p = v.participants.trim();
					const n = Number(p);
					if (!/^\d+$/.test(p) || n < 1 || n > MAX_PARTICIPANTS) {
						issue('participants', `Indiquez le nombre de participants, un nombre entier entre 1 et ${MAX_PARTICIPANTS}. Exemple\u00a0: 8`);
						participants = 0;
					} else participants = n;
					// each breakdown may be left empty, or partly filled; it never counts more people than came
					const counted: Breakdown = {};
					for (const field of BREAKDOWN_FIELDS) {
						const { key, label, options } = BREAKDOWNS[field];
						const given = Object.entries(v[field]).filter(([code, s]) => isKey(options, code) && s.trim() !== '');
						if (given.some(([, s]) => !/^\d+$/.test(s.trim()) || Number(s) > MAX_PARTICIPANTS)) {
							issue(field, `Répartition ${label}\u00a0: indiquez des nombres entiers, ou laissez vide.`);
							continue;
						}
						const counts = Object.fromEntries(given.map(([code, s]) => [code, Number(s)] as const).filter(([, n]) => n > 0));
						const sum = Object.values(counts).reduce((a, b) => a + b, 0);
						if (participants && sum > participants)
							issue(
								field,
								`Répartition ${label}\u00a0: elle compte ${plural(sum, 'personne', 'personnes')}, mais l’atelier a ${plural(participants, 'participant', 'participants')}.`
							);
						if (sum) (counted as Record<string, Record<string, number>>)[key] = counts;
					}
					breakdown = Object.keys(counted).length ? counted : null;
				}

				return {
					organisationId: trimmed(v.organisationId),
					placeId: trimmed(v.placeId),
					date,
					kind: kind ?? 'individual',
					durationMinutes,
					location: location ?? 'place',
					themes,
					procedureThemes,
					autonomy,
					equipment,
					redirectedTo,
					beneficiaryId,
					referralId,
					...profile,
					title,
					level,
					participants,
					breakdown
				};
			})
	);
}

export type ParseResult = { ok: true; value: AccompanimentInput } | { ok: false; fields: Record<string, string> };

/** Validates the form for `today`: the value to write, or one message per field (the first problem of each). */
export function parseAccompaniment(form: AccompanimentForm, today: string): ParseResult {
	const r = accompanimentSchema(today).safeParse(form);
	if (r.success) return { ok: true, value: r.data };
	const fields: Record<string, string> = {};
	for (const i of r.error.issues) fields[String(i.path[0] ?? 'form')] ??= i.message;
	return { ok: false, fields };
}

// ——— fast entry ———

/** An organisation the actor records for, with the places it runs. */
export interface RecordingOrganisation {
	id: string;
	name: string;
	departmentCode: string;
	places: { id: string; nom: string; commune: string }[];
}

/** The sensible defaults: today, individual, 30 min, at the place, the mediator's (first) place. */
export function defaultForm(today: string, organisations: RecordingOrganisation[]): AccompanimentForm {
	const org = organisations[0];
	return {
		...emptyForm(),
		organisationId: org?.id ?? '',
		placeId: org?.places[0]?.id ?? '',
		date: today,
		kind: 'individual',
		duration: '30',
		location: 'place',
		person: 'anonymous'
	};
}

/** What "repeat the last one" may copy: never the person nor their profile. */
export interface LastAccompaniment {
	organisationId: string;
	placeId: string | null;
	kind: string;
	durationMinutes: number;
	location: string;
	themes: string[];
	procedureThemes: string[];
	equipment: string[];
	title: string | null;
	level: string | null;
}

/**
 * The last accompaniment again, dated today: its kind, duration, place and location,
 * themes, procedure themes and equipment (and a workshop's title and level). Its person,
 * its anonymous profile, its autonomy, its orientations and a workshop's counts are left
 * empty: they belong to that one. A place or an organisation the actor no longer records
 * for falls back to the defaults.
 */
export function repeatForm(last: LastAccompaniment, today: string, organisations: RecordingOrganisation[]): AccompanimentForm {
	const base = defaultForm(today, organisations);
	const org = organisations.find((o) => o.id === last.organisationId);
	const place = org?.places.find((p) => p.id === last.placeId);
	const usual = (DURATIONS as readonly number[]).includes(last.durationMinutes);
	return {
		...base,
		organisationId: org?.id ?? base.organisationId,
		placeId: org ? (place?.id ?? org.places[0]?.id ?? '') : base.placeId,
		kind: isKey(KINDS, last.kind) ? last.kind : base.kind,
		duration: usual ? String(last.durationMinutes) : 'other',
		durationOther: usual ? '' : String(last.durationMinutes),
		location: isKey(LOCATIONS, last.location) ? last.location : base.location,
		themes: DIGITAL_THEMES.filter((t) => last.themes.includes(t)),
		procedureThemes: PROCEDURE_THEMES.filter((t) => last.procedureThemes.includes(t)),
		equipment: EQUIPMENT.filter((t) => last.equipment.includes(t)),
		title: last.kind === 'collective' ? (last.title ?? '') : '',
		level: last.kind === 'collective' && last.level && isKey(WORKSHOP_LEVELS, last.level) ? last.level : ''
	};
}

// ——— the team view's period ———

export interface Period {
	from: string;
	to: string;
	/** a message per bound that could not be read (the default was used) */
	errors: { from?: string; to?: string };
}

/** The period asked for; this month (the 1st to today) by default; bounds swapped when reversed. */
export function periodOf(from: string | null | undefined, to: string | null | undefined, today: string): Period {
	const errors: Period['errors'] = {};
	const read = (raw: string | null | undefined, fallback: string, key: 'from' | 'to') => {
		if (!raw?.trim()) return fallback;
		const d = parseDay(raw);
		if (!d) errors[key] = 'Cette date n’existe pas. Écrivez-la ainsi\u00a0: 21/11/2026';
		return d ?? fallback;
	};
	let f = read(from, firstOfMonth(today), 'from');
	let t = read(to, today, 'to');
	if (f > t) [f, t] = [t, f];
	return { from: f, to: t, errors };
}
