/**
 * Accompaniments (accompagnements): pure rules. The form and its validation (plain French,
 * field by field), the fast-entry rules (sensible defaults, "repeat the last one"), the
 * period of the team view. The vocabulary is in vocabulary.ts, the days in days.ts.
 */
import { z } from 'zod';
import { frenchSpacing } from '../../text/typography';
import {
	AGE_BANDS,
	AUTONOMY,
	BREAKDOWNS,
	BREAKDOWN_FIELDS,
	DIGITAL_THEMES,
	DURATIONS,
	EQUIPMENT,
	GENDERS,
	KINDS,
	LOCATIONS,
	MAX_DURATION,
	MAX_PARTICIPANTS,
	PROCEDURE_HELP_THEME,
	PROCEDURE_THEMES,
	REDIRECTED_TO,
	STATUSES,
	WORKSHOP_LEVELS,
	type AgeBand,
	type Autonomy,
	type Breakdown,
	type BreakdownField,
	type Gender,
	type Kind,
	type Location,
	type SocialStatus,
	type WorkshopLevel
} from './vocabulary.ts';
import { dayLabel as dayInFrench } from '../../components/format.ts';
import { monthOf as firstOfMonth, oneYearBefore, parseDay } from '../../time.ts';

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
	/** « Fait au titre du mandat » ticked ('1'), and the mandate's theme chosen (a key of MANDATE_THEMES, or '': the service infers it) */
	underMandate: string;
	mandateTheme: string;
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
		underMandate: str('underMandate'),
		mandateTheme: str('mandateTheme'),
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
		underMandate: '',
		mandateTheme: '',
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
