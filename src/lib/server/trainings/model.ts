/**
 * Training the helpers (issue 17), pure: the vocabularies (audiences, themes, formats,
 * profiles, statuses), half-day slots in Paris time (decision 0013), when registrations
 * are open, where a new registration goes (a seat or the waiting list), the catalogue's
 * filters, the forms' schemas with their French messages, and the registrants' CSV. No
 * database here.
 */
import { z } from 'zod';
import { addDays, parisDay, parisInstant, parseDay } from '../../time.ts';
import { formatDate, formatRange } from '../../components/format.ts';

// ——— vocabularies ———

/** Whom a training is for: the helpers (DOMAIN.md), or the people helped themselves for a public webinar. */
export const AUDIENCES = {
	social_workers: 'Travailleurs sociaux',
	partner_agents: 'Agents d’accueil des partenaires (CAF, MSA, CPAM…)',
	france_services: 'Agents France Services',
	mediators: 'Médiateurs et conseillers numériques',
	volunteers: 'Bénévoles',
	public: 'Personnes accompagnées (webinaire ouvert à tous)'
} as const;
export type Audience = keyof typeof AUDIENCES;
export const AUDIENCE_KEYS = Object.keys(AUDIENCES) as Audience[];

export const THEMES = {
	procedures: 'Démarches administratives en ligne',
	detection: 'Repérer, accueillir et orienter',
	helper_role: 'Rôle de l’aidant, mandat et Aidants Connect',
	security: 'Sécurité numérique et données personnelles',
	everyday_tools: 'Outils numériques du quotidien',
	local_schemes: 'Dispositifs du territoire (Pass Numérique, réseau des lieux)',
	accessibility: 'Publics spécifiques et accessibilité'
} as const;
export type Theme = keyof typeof THEMES;
export const THEME_KEYS = Object.keys(THEMES) as Theme[];

export const FORMATS = {
	on_site: 'Sur place',
	webinar: 'Webinaire',
	relayed_webinar: 'Webinaire relayé dans des lieux'
} as const;
export type Format = keyof typeof FORMATS;
export const FORMAT_KEYS = Object.keys(FORMATS) as Format[];
/** A format whose sessions are broadcast (their link is sent to the registrants). */
export const isWebinar = (f: string) => f === 'webinar' || f === 'relayed_webinar';

/** Who registers (the fourth field of the form without an account). */
export const PROFILES = {
	social_worker: 'Travailleur social (CCAS, Département, association…)',
	partner_agent: 'Agent d’accueil d’un partenaire (CAF, MSA, CPAM, La Poste…)',
	france_services: 'Agent France Services',
	mediator: 'Médiateur ou conseiller numérique',
	volunteer: 'Bénévole',
	person: 'Personne accompagnée',
	other: 'Autre professionnel'
} as const;
export type Profile = keyof typeof PROFILES;
export const PROFILE_KEYS = Object.keys(PROFILES) as Profile[];
/** The short word of a profile, for tables and the CSV. */
export const PROFILE_SHORT: Record<Profile, string> = {
	social_worker: 'Travailleur social',
	partner_agent: 'Agent d’un partenaire',
	france_services: 'Agent France Services',
	mediator: 'Médiateur numérique',
	volunteer: 'Bénévole',
	person: 'Personne accompagnée',
	other: 'Autre professionnel'
};

/**
 * A professional's profile from their role and structure (one-click registration): a France
 * Services structure's agents, a partner's agents, mediators, social workers; the others
 * (coordinators, administrators) are « autre professionnel ».
 */
export function profileOf(roles: readonly string[], organisationKind: string | null): Profile {
	if (organisationKind === 'france_services') return 'france_services';
	if (roles.includes('mediator') || roles.includes('place_manager')) return 'mediator';
	if (roles.includes('prescriber')) return 'social_worker';
	if (roles.includes('partner')) return 'partner_agent';
	return 'other';
}

export const SESSION_STATUSES = { draft: 'Brouillon (non publiée)', published: 'Publiée', cancelled: 'Annulée' } as const;
export type SessionStatus = keyof typeof SESSION_STATUSES;

export const REGISTRATION_STATUSES = {
	pending: 'À confirmer par e-mail',
	confirmed: 'Inscrit',
	waiting: 'Liste d’attente',
	cancelled: 'Annulée',
	expired: 'Non confirmée'
} as const;
export type RegistrationStatus = keyof typeof REGISTRATION_STATUSES;
/** Registrations that hold or wait for a seat (the others are history). */
export const ACTIVE_STATUSES: readonly RegistrationStatus[] = ['pending', 'confirmed', 'waiting'];

export const HALVES = { am: 'Matin', pm: 'Après-midi' } as const;
export type Half = keyof typeof HALVES;

/** How long the link sent to a helper without an account confirms their registration. */
export const CONFIRM_HOURS = 48;
/** How long registrations are kept after their session's last day (then deleted; the attestations' figures stay as counts). */
export const REGISTRATION_RETENTION_MONTHS = 36;

// ——— slots (Paris time) ———

export interface SlotTimes {
	day: string;
	startTime: string;
	endTime: string;
}

/** Morning or afternoon: a slot that starts before noon is the morning's. */
export const halfOf = (startTime: string): Half => (startTime < '12:00' ? 'am' : 'pm');

/** The instants a slot covers, Paris wall-clock times read on its day. */
export function slotInstants(s: SlotTimes): { start: Date; end: Date } {
	const [y, m, d] = s.day.split('-').map(Number);
	const [sh, sm] = s.startTime.split(':').map(Number);
	const [eh, em] = s.endTime.split(':').map(Number);
	return { start: parisInstant(y, m - 1, d, sh, sm), end: parisInstant(y, m - 1, d, eh, em) };
}

/** Minutes of a slot as its hours say (a wall-clock span: the day of a change of time counts what the clock says). */
export function slotMinutes(s: Pick<SlotTimes, 'startTime' | 'endTime'>): number {
	const m = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
	return m(s.endTime) - m(s.startTime);
}

export const sortSlots = <T extends SlotTimes>(slots: readonly T[]): T[] =>
	[...slots].sort((a, b) => (a.day + a.startTime < b.day + b.startTime ? -1 : a.day + a.startTime > b.day + b.startTime ? 1 : 0));

/** « jeudi 11 mars 2027, 14 h – 17 h » */
export function slotLabel(s: SlotTimes): string {
	return `${formatDate(s.day, { weekday: true })}, ${formatRange(`${s.startTime}-${s.endTime}`)}`;
}

/** A wall-clock time as typed (« 9h », « 9:30 », « 14 h 00 ») → 'HH:MM'; null if it is not one. */
export function parseTime(raw: string): string | null {
	const s = (raw ?? '').trim().toLowerCase().replace(/\s+/g, '').replace(/h$/, ':00').replace('h', ':');
	const m = /^(\d{1,2}):?(\d{2})?$/.exec(s);
	if (!m) return null;
	const h = Number(m[1]);
	const min = Number(m[2] ?? '0');
	if (h > 23 || min > 59) return null;
	return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
}

// ——— registrations ———

export type RegistrationState = 'open' | 'draft' | 'cancelled' | 'deadline' | 'started';

export const REGISTRATION_STATE_TEXT: Record<Exclude<RegistrationState, 'open'>, string> = {
	draft: 'Cette session n’est pas encore publiée.',
	cancelled: 'Cette session est annulée.',
	deadline: 'Les inscriptions à cette session sont closes.',
	started: 'Cette session a commencé\u00a0: les inscriptions sont closes.'
};

/** Whether one may register now: a published session, its deadline not passed (the day itself counts), its first slot not started. */
export function registrationState(
	s: { status: string; registrationDeadline: string },
	firstSlot: SlotTimes | undefined,
	now: Date = new Date()
): RegistrationState {
	if (s.status === 'cancelled') return 'cancelled';
	if (s.status !== 'published') return 'draft';
	if (firstSlot && slotInstants(firstSlot).start <= now) return 'started';
	if (parisDay(now) > s.registrationDeadline) return 'deadline';
	return 'open';
}

/** Where a registration taking its place goes: a seat while there is one (no limit: always), else the waiting list. */
export function placement(capacity: number | null, seatsTaken: number): 'confirmed' | 'waiting' {
	return capacity === null || seatsTaken < capacity ? 'confirmed' : 'waiting';
}

/** The places left to show (null: no limit). */
export const seatsLeft = (capacity: number | null, seatsTaken: number): number | null => (capacity === null ? null : Math.max(0, capacity - seatsTaken));

/** « 3 places restantes », « Complet : liste d’attente », « Places illimitées ». */
export function seatsText(capacity: number | null, seatsTaken: number, waiting: number): string {
	const left = seatsLeft(capacity, seatsTaken);
	if (left === null) return 'Places sans limite';
	if (left === 0)
		return waiting ? `Complet\u00a0: liste d’attente (${waiting} ${waiting > 1 ? 'personnes' : 'personne'})` : 'Complet\u00a0: liste d’attente ouverte';
	return `${left} place${left > 1 ? 's' : ''} restante${left > 1 ? 's' : ''} sur ${capacity}`;
}

// ——— the catalogue's filters ———

/** An area of the filter: one of the instance's areas, or an EPCI (its SIREN). */
export type AreaKey = `area:${number}` | `epci:${string}`;
export const parseAreaKey = (raw: string): AreaKey | null => (/^(area:\d{1,9}|epci:\d{9})$/.test(raw) ? (raw as AreaKey) : null);

export interface CatalogueFilter {
	audience: Audience | null;
	theme: Theme | null;
	area: AreaKey | null;
	/** a month, as its first day 'YYYY-MM-01' */
	month: string | null;
}

/** `?public=mediators&theme=procedures&territoire=epci:200068815&mois=2027-03`; anything unknown is no filter. */
export function parseCatalogueFilter(params: URLSearchParams): CatalogueFilter {
	const audience = params.get('public') ?? '';
	const theme = params.get('theme') ?? '';
	const month = params.get('mois') ?? '';
	return {
		audience: Object.hasOwn(AUDIENCES, audience) ? (audience as Audience) : null,
		theme: Object.hasOwn(THEMES, theme) ? (theme as Theme) : null,
		area: parseAreaKey(params.get('territoire') ?? ''),
		month: /^\d{4}-(0[1-9]|1[0-2])$/.test(month) ? `${month}-01` : null
	};
}

/** The filter back to a query string (the links of the page: the month's, the reset). */
export function catalogueQuery(f: CatalogueFilter): string {
	const q = new URLSearchParams();
	if (f.audience) q.set('public', f.audience);
	if (f.theme) q.set('theme', f.theme);
	if (f.area) q.set('territoire', f.area);
	if (f.month) q.set('mois', f.month.slice(0, 7));
	const s = q.toString();
	return s ? `?${s}` : '';
}

export interface CatalogueCandidate {
	audiences: readonly string[];
	theme: string;
	format: string;
	firstDay: string;
	lastDay: string;
	/** the commune of the session's place, and of its relay places */
	communes: readonly string[];
}

/**
 * Whether a session passes the filter. The area is given as its communes: a session at a
 * place is in the area of its commune; a relayed webinar, where one of its relays is; a
 * webinar (followed from anywhere) is in every area. A month: a slot in it.
 */
export function matchesCatalogue(s: CatalogueCandidate, f: CatalogueFilter, areaCommunes: ReadonlySet<string> | null): boolean {
	if (f.audience && !s.audiences.includes(f.audience)) return false;
	if (f.theme && s.theme !== f.theme) return false;
	if (f.month && (s.lastDay < f.month || s.firstDay > `${f.month.slice(0, 7)}-31`)) return false;
	if (f.area && s.format !== 'webinar' && !s.communes.some((c) => areaCommunes?.has(c))) return false;
	return true;
}

/** The months the filter offers: this one and the next eleven ('YYYY-MM-01'). */
export function catalogueMonths(today = parisDay()): string[] {
	const out: string[] = [];
	let [y, m] = today.split('-').map(Number);
	for (let i = 0; i < 12; i++) {
		out.push(`${y}-${String(m).padStart(2, '0')}-01`);
		m++;
		if (m > 12) [y, m] = [y + 1, 1];
	}
	return out;
}

// ——— forms ———

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID.test(s);

const text = (max: number) =>
	z
		.string()
		.optional()
		.transform((s) => (s ?? '').trim())
		.refine((s) => s.length <= max, { message: `${max.toLocaleString('fr-FR')} caractères au plus.` });
const optionalUuid = (message: string) =>
	z
		.string()
		.optional()
		.transform((s) => (s ?? '').trim() || null)
		.refine((s) => s === null || UUID.test(s), { message });

/** The training's form (what the catalogue says of it). */
export const trainingInput = z.object({
	organiserId: z.string().regex(UUID, { message: 'Choisissez la structure qui organise la formation.' }),
	title: z.string().trim().min(3, { message: 'Donnez un titre à la formation (3 caractères au moins).' }).max(160, { message: '160 caractères au plus.' }),
	objectives: z
		.string()
		.trim()
		.min(10, { message: 'Dites ce que les participants sauront faire à la fin (10 caractères au moins).' })
		.max(2000, { message: '2\u00a0000 caractères au plus.' }),
	programme: text(4000),
	audiences: z
		.array(z.enum(AUDIENCE_KEYS as [Audience, ...Audience[]], { message: 'Choisissez dans la liste.' }))
		.min(1, { message: 'Cochez au moins un public.' }),
	theme: z.enum(THEME_KEYS as [Theme, ...Theme[]], { message: 'Choisissez le thème de la formation.' }),
	format: z.enum(FORMAT_KEYS as [Format, ...Format[]], { message: 'Dites si la formation a lieu sur place ou en webinaire.' }),
	trainerOrganisationId: optionalUuid('Choisissez une structure du réseau, ou laissez vide.'),
	trainerStructure: text(160),
	trainerPerson: text(120),
	prerequisites: text(1000),
	accessibility: text(1000)
});
export type TrainingInput = z.infer<typeof trainingInput>;

export const SLOT_ROWS = 4;

/** The session's form, once the route has read its slot rows. */
export const sessionInput = z.object({
	slots: z.array(z.object({ day: z.string(), start: z.string(), end: z.string() })).default([]),
	placeId: z
		.string()
		.optional()
		.transform((s) => (s ?? '').trim() || null),
	location: text(300),
	broadcastUrl: z
		.string()
		.optional()
		.transform((s) => (s ?? '').trim() || null)
		.refine((s) => s === null || (/^https:\/\/[^\s]+$/i.test(s) && s.length <= 500), { message: 'Indiquez l’adresse du webinaire, commençant par https://' }),
	capacity: z
		.string()
		.optional()
		.transform((s) => (s ?? '').replace(/[\s\u00a0\u202f]/g, ''))
		.refine((s) => s === '' || /^\d{1,5}$/.test(s), { message: 'Indiquez un nombre de places, ou laissez vide pour ne pas limiter.' })
		.transform((s) => (s === '' ? null : Number(s)))
		.refine((n) => n === null || n > 0, { message: 'Une session a au moins une place.' }),
	registrationDeadline: z
		.string()
		.optional()
		.transform((s) => ((s ?? '').trim() ? parseDay(s!) : ''))
		.refine((v): v is string => v !== null, { message: 'Indiquez la date limite d’inscription (jour, mois, année), ou laissez vide.' })
		.transform((v) => v || null),
	status: z.enum(['draft', 'published'], { message: 'Dites si la session est publiée dans le catalogue.' }),
	eventId: optionalUuid('Choisissez un événement de la liste, ou aucun.')
});
export type SessionInput = z.infer<typeof sessionInput>;

export interface CheckedSlots {
	slots: (SlotTimes & { half: Half })[];
	fields: Record<string, string>;
}

/** The slot rows of the form, checked: each half-day once, its hours in order, on a day to come. Pure. */
export function checkSlots(rows: SessionInput['slots'], today = parisDay()): CheckedSlots {
	const fields: Record<string, string> = {};
	const slots: CheckedSlots['slots'] = [];
	rows.forEach((r, i) => {
		if (!r.day.trim() && !r.start.trim() && !r.end.trim()) return;
		const day = parseDay(r.day);
		const start = parseTime(r.start);
		const end = parseTime(r.end);
		if (!day) fields[`slot-${i}`] = 'Indiquez le jour de la demi-journée (jour, mois, année).';
		else if (!start || !end) fields[`slot-${i}`] = 'Indiquez l’heure de début et de fin, par exemple 9:00 et 12:00.';
		else if (end <= start) fields[`slot-${i}`] = 'L’heure de fin vient après l’heure de début.';
		else if (Number(end.slice(0, 2)) * 60 + Number(end.slice(3)) - (Number(start.slice(0, 2)) * 60 + Number(start.slice(3))) > 300)
			fields[`slot-${i}`] = 'Une demi-journée dure 5 heures au plus.';
		else if (day < today) fields[`slot-${i}`] = 'Cette date est passée.';
		else if (slots.some((s) => s.day === day && s.half === halfOf(start)))
			fields[`slot-${i}`] = `Le ${HALVES[halfOf(start)].toLowerCase()} du ${formatDate(day)} est déjà dans la session.`;
		else slots.push({ day, startTime: start, endTime: end, half: halfOf(start) });
	});
	if (!slots.length && !Object.keys(fields).length) fields.slots = 'Indiquez au moins une demi-journée.';
	return { slots: sortSlots(slots), fields };
}

/** The default deadline: the day before the first slot (or its day, if that is today). */
export function defaultDeadline(firstDay: string, today = parisDay()): string {
	const before = addDays(firstDay, -1);
	return before < today ? firstDay : before;
}

const name = (what: string) =>
	z
		.string()
		.trim()
		.min(1, { message: `Indiquez votre ${what}.` })
		.max(80, { message: '80 caractères au plus.' })
		.refine((s) => !/[<>@\\{}=]/.test(s), { message: `Votre ${what} ne peut contenir ni <, >, @, \\, {, } ni =.` });

/** The registration without an account: 4 fields. */
export const publicRegistrationInput = z.object({
	firstName: name('prénom'),
	lastName: name('nom'),
	email: z
		.string()
		.trim()
		.toLowerCase()
		.max(254, { message: '254 caractères au plus.' })
		.pipe(z.email({ message: 'Indiquez une adresse e-mail valide, par exemple prenom.nom@exemple.fr.' })),
	profile: z.enum(PROFILE_KEYS as [Profile, ...Profile[]], { message: 'Choisissez ce qui vous décrit le mieux.' })
});
export type PublicRegistrationInput = z.infer<typeof publicRegistrationInput>;

// ——— the registrants' list ———

export const REGISTRANTS_HEAD = ['Nom', 'Prénom', 'E-mail', 'Profil', 'Structure', 'État', 'Rang en liste d’attente', 'Inscription', 'Compte professionnel'];

/** 'YYYY-MM-DD' → 'DD/MM/YYYY', as spreadsheets read a day. */
export const frDay = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
