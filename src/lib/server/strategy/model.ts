/**
 * The territorial strategy (issue 16, item 6), pure: the roadmap's statuses (« en retard »
 * derived), the catalogue of steering indicators an action follows (the keys the figures
 * pages compute), the kinds of committees, the forms' schemas, the filters of the roadmap
 * and the order of the meetings. No database here.
 */
import { z } from 'zod';
import { parseDay, parisDay } from '../../time.ts';

// ——— actions ———

export const ACTION_STATUSES = ['planned', 'in_progress', 'done', 'dropped'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
/** What a reader sees: a stored status, or « en retard » (due date passed, not done nor dropped). */
export type ShownStatus = ActionStatus | 'late';
export const STATUS_LABELS: Record<ShownStatus, string> = {
	planned: 'À lancer',
	in_progress: 'En cours',
	done: 'Réalisée',
	dropped: 'Abandonnée',
	late: 'En retard'
};
/** The tag's colour of each shown status (Tag.svelte's variants). */
export const STATUS_TONES: Record<ShownStatus, 'default' | 'accent' | 'ok' | 'ko'> = {
	planned: 'default',
	in_progress: 'accent',
	done: 'ok',
	dropped: 'default',
	late: 'ko'
};

/** « En retard » when the due date has passed (the due day itself is still on time) and the action is neither done nor dropped. */
export function effectiveStatus(status: ActionStatus, dueDate: string, today = parisDay()): ShownStatus {
	if ((status === 'planned' || status === 'in_progress') && dueDate < today) return 'late';
	return status;
}

/** The same rule for a decision: open or under way past its due date is late; without a due date, never. */
export const DECISION_STATUSES = ['open', 'in_progress', 'done', 'dropped'] as const;
export type DecisionStatus = (typeof DECISION_STATUSES)[number];
export type ShownDecisionStatus = DecisionStatus | 'late';
export const DECISION_STATUS_LABELS: Record<ShownDecisionStatus, string> = {
	open: 'À faire',
	in_progress: 'En cours',
	done: 'Faite',
	dropped: 'Abandonnée',
	late: 'En retard'
};
export const DECISION_STATUS_TONES: Record<ShownDecisionStatus, 'default' | 'accent' | 'ok' | 'ko'> = {
	open: 'default',
	in_progress: 'accent',
	done: 'ok',
	dropped: 'default',
	late: 'ko'
};
export function decisionStatus(status: DecisionStatus, dueDate: string | null, today = parisDay()): ShownDecisionStatus {
	if ((status === 'open' || status === 'in_progress') && dueDate && dueDate < today) return 'late';
	return status;
}
/** A decision still to follow: neither done nor dropped. */
export const decisionOpen = (status: DecisionStatus) => status === 'open' || status === 'in_progress';

// ——— the steering indicators an action follows ———

/**
 * The catalogue of steering indicators (keys stable: the figures pages compute them by these
 * keys, the roadmap stores them). `unit` is how a target is read; `better` the direction of
 * progress. Distances are straight-line, as the offer page states.
 */
export const INDICATORS = {
	places_per_10k: { label: 'Lieux de médiation numérique pour 10\u00a0000 habitants', unit: 'lieux pour 10\u00a0000 habitants', better: 'higher' },
	population_near_admin_help: {
		label: 'Part de la population à moins de 10\u00a0km (à vol d’oiseau) d’un lieu offrant « Aide aux démarches administratives »',
		unit: '%',
		better: 'higher'
	},
	white_zone_communes: { label: 'Communes sans aucun lieu à moins de 15\u00a0km (zones blanches)', unit: 'communes', better: 'lower' },
	fragile_population_far: { label: 'Habitants fragiles (indice ≥ 7) à plus de 15\u00a0km d’un lieu', unit: 'habitants', better: 'lower' },
	places_fresh: { label: 'Part des lieux dont la fiche a été mise à jour depuis moins de 12 mois', unit: '%', better: 'higher' },
	pass_places: { label: 'Lieux acceptant le Pass Numérique', unit: 'lieux', better: 'higher' },
	assessments: { label: 'Diagnostics réalisés', unit: 'diagnostics', better: 'higher' },
	referrals_sent: { label: 'Orientations envoyées', unit: 'orientations', better: 'higher' },
	referrals_honoured_rate: { label: 'Taux d’orientations honorées', unit: '%', better: 'higher' },
	first_answer_days: { label: 'Délai médian de première réponse à une orientation', unit: 'jours', better: 'lower' },
	accompaniments: { label: 'Accompagnements réalisés', unit: 'accompagnements', better: 'higher' },
	pass_redeemed: { label: 'Pass Numérique encaissés', unit: 'pass', better: 'higher' },
	helpers_trained: { label: 'Aidants formés', unit: 'personnes', better: 'higher' },
	devices_handed: { label: 'Équipements informatiques remis', unit: 'équipements', better: 'higher' }
} as const satisfies Record<string, { label: string; unit: string; better: 'higher' | 'lower' }>;
export type IndicatorKey = keyof typeof INDICATORS;
export const INDICATOR_KEYS = Object.keys(INDICATORS) as IndicatorKey[];
export const isIndicator = (k: string): k is IndicatorKey => Object.hasOwn(INDICATORS, k);

// ——— committees ———

export const MEETING_KINDS = ['copil', 'cotech', 'pleniere', 'groupe_travail', 'autre'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
export const MEETING_KIND_LABELS: Record<MeetingKind, string> = {
	copil: 'Comité de pilotage (COPIL)',
	cotech: 'Comité technique (COTECH)',
	pleniere: 'Réunion plénière des partenaires',
	groupe_travail: 'Groupe de travail',
	autre: 'Autre réunion'
};
/** « COPIL », « COTECH »…: the short name in lists and titles. */
export const MEETING_KIND_SHORT: Record<MeetingKind, string> = {
	copil: 'COPIL',
	cotech: 'COTECH',
	pleniere: 'Plénière',
	groupe_travail: 'Groupe de travail',
	autre: 'Réunion'
};
export const MEETING_MODES = ['in_person', 'video', 'hybrid'] as const;
export type MeetingMode = (typeof MEETING_MODES)[number];
export const MEETING_MODE_LABELS: Record<MeetingMode, string> = { in_person: 'Sur place', video: 'En visio', hybrid: 'Sur place et en visio' };

/** The meetings to come first (the nearest first: the next one leads), then those held (the latest first). */
export function orderMeetings<T extends { heldOn: string; startTime: string | null }>(
	meetings: readonly T[],
	today = parisDay()
): { upcoming: T[]; past: T[] } {
	const key = (m: T) => `${m.heldOn} ${m.startTime ?? ''}`;
	const upcoming = meetings.filter((m) => m.heldOn >= today).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
	const past = meetings.filter((m) => m.heldOn < today).sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
	return { upcoming, past };
}

// ——— money ———

/** « 15 000 », « 2 500,50 », « 12000 € » → cents; null when it is not an amount (0 allowed). */
export function parseEuros(input: string): number | null {
	const s = (input ?? '').replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
	if (!/^\d{1,10}(\.\d{1,2})?$/.test(s)) return null;
	const [whole, frac = ''] = s.split('.');
	return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

/** Cents → the form's text (« 12000 », « 2500,50 »). */
export function eurosInput(cents: number | null | undefined): string {
	if (cents == null) return '';
	const whole = Math.floor(cents / 100);
	const frac = cents % 100;
	return frac ? `${whole},${String(frac).padStart(2, '0')}` : String(whole);
}

/** What the fundings cover of the budget: the total and what is left to find (never below zero). */
export function fundingBalance(budgetCents: number | null, fundings: readonly { amountCents: number }[]): { fundedCents: number; missingCents: number | null } {
	const fundedCents = fundings.reduce((s, f) => s + f.amountCents, 0);
	return { fundedCents, missingCents: budgetCents == null ? null : Math.max(0, budgetCents - fundedCents) };
}

// ——— areas ———

/** An area an action covers, as a key: the instance's area `area:12`, an EPCI `epci:200068815`, a commune `commune:47001`. */
export type AreaKey = `area:${number}` | `epci:${string}` | `commune:${string}`;
export function areaKeysOf(a: { areaIds: readonly number[]; epciCodes: readonly string[]; communeCodes: readonly string[] }): AreaKey[] {
	return [
		...a.areaIds.map((id) => `area:${id}` as const),
		...a.epciCodes.map((c) => `epci:${c}` as const),
		...a.communeCodes.map((c) => `commune:${c}` as const)
	];
}
export const parseAreaKey = (raw: string): AreaKey | null => (/^(area:\d{1,9}|epci:\d{9}|commune:[0-9AB]{5})$/.test(raw) ? (raw as AreaKey) : null);

// ——— the roadmap's filters and order ———

export interface RoadmapFilter {
	status: ShownStatus | null;
	axisId: string | null;
	/** pilot, co-partner or funder */
	organisationId: string | null;
	area: AreaKey | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID.test(s);

/** `?statut=late&axe=…&partenaire=…&territoire=epci:200068815` → the filter; anything unknown is no filter. */
export function parseRoadmapFilter(params: URLSearchParams): RoadmapFilter {
	const status = params.get('statut') ?? '';
	const axis = params.get('axe') ?? '';
	const org = params.get('partenaire') ?? '';
	return {
		status: Object.hasOwn(STATUS_LABELS, status) ? (status as ShownStatus) : null,
		axisId: isUuid(axis) || axis === 'sans' ? axis : null,
		organisationId: isUuid(org) ? org : null,
		area: parseAreaKey(params.get('territoire') ?? '')
	};
}

export interface FilterableAction {
	status: ActionStatus;
	dueDate: string;
	axisId: string | null;
	pilotOrganisationId: string;
	partnerOrganisationIds: readonly string[];
	funderOrganisationIds: readonly string[];
	wholeDepartment: boolean;
	/** the communes it covers (INSEE codes), those of its areas and EPCIs included */
	communes: ReadonlySet<string>;
}

/**
 * Whether an action passes the filter. The area filter is given as its communes
 * (`areaCommunes`): an action is in an area when it covers one of its communes; an action
 * of the whole département is in every area.
 */
export function matchesFilter(a: FilterableAction, f: RoadmapFilter, areaCommunes: ReadonlySet<string> | null = null, today = parisDay()): boolean {
	if (f.status && effectiveStatus(a.status, a.dueDate, today) !== f.status) return false;
	if (f.axisId && (f.axisId === 'sans' ? a.axisId !== null : a.axisId !== f.axisId)) return false;
	if (
		f.organisationId &&
		a.pilotOrganisationId !== f.organisationId &&
		!a.partnerOrganisationIds.includes(f.organisationId) &&
		!a.funderOrganisationIds.includes(f.organisationId)
	)
		return false;
	if (f.area && !a.wholeDepartment && ![...(areaCommunes ?? [])].some((c) => a.communes.has(c))) return false;
	return true;
}

/** By due date (the nearest first), then by title. */
export function byDueDate<T extends { dueDate: string; title: string }>(a: T, b: T): number {
	return a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.title.localeCompare(b.title, 'fr');
}

// ——— forms ———

const day = (message: string) =>
	z
		.string()
		.transform((s) => parseDay(s ?? ''))
		.refine((v): v is string => v !== null, { message });
const optionalDay = (message: string) =>
	z
		.string()
		.optional()
		.transform((s) => (s && s.trim() ? parseDay(s) : ''))
		.refine((v): v is string => v !== null, { message })
		.transform((v) => v || null);
const uuidList = z.array(z.string().regex(UUID, { message: 'Choisissez dans la liste.' })).default([]);
const text = (max: number) =>
	z
		.string()
		.optional()
		.transform((s) => (s ?? '').trim())
		.refine((s) => s.length <= max, { message: `${max.toLocaleString('fr-FR')} caractères au plus.` });

export const axisInput = z.object({
	label: z.string().trim().min(2, { message: 'Donnez un nom à l’axe (2 caractères au moins).' }).max(120, { message: '120 caractères au plus.' })
});

export const FUNDING_ROWS = 4;

/** What the action's form sends once the route has read it (lists as arrays). */
export const actionInput = z.object({
	title: z.string().trim().min(3, { message: 'Donnez un titre à l’action (3 caractères au moins).' }).max(160, { message: '160 caractères au plus.' }),
	description: text(4000),
	axisId: z
		.string()
		.optional()
		.transform((s) => s || null)
		.refine((s) => s === null || UUID.test(s), { message: 'Choisissez un axe de la feuille de route.' }),
	pilotId: z.string().regex(UUID, { message: 'Choisissez la structure qui pilote l’action.' }),
	partnerIds: uuidList,
	wholeDepartment: z.boolean().default(false),
	areaIds: z.array(z.coerce.number().int().positive()).default([]),
	epciCodes: z.array(z.string().regex(/^\d{9}$/, { message: 'Choisissez des intercommunalités du département.' })).default([]),
	/** communes by name or INSEE code, one per line or separated by commas (resolved by the service) */
	communes: text(4000),
	budget: z
		.string()
		.optional()
		.transform((s) => (s && s.trim() ? parseEuros(s) : -1))
		.refine((v): v is number => v !== null, { message: 'Indiquez un montant en euros, par exemple 15\u202f000 ou 2\u202f500,50.' })
		.transform((v) => (v < 0 ? null : v)),
	fundings: z.array(z.object({ funderId: z.string(), amount: z.string() })).default([]),
	indicators: z.array(z.object({ key: z.string(), target: z.string(), targetDate: z.string() })).default([]),
	dueDate: day('Indiquez l’échéance (jour, mois, année).'),
	status: z.enum(ACTION_STATUSES, { message: 'Choisissez l’état de l’action.' })
});
export type ActionInput = z.infer<typeof actionInput>;

/** A target as typed (« 12,5 », « 80 % », « 1 500 ») → a number; '' → null; not a number → NaN. */
export function parseTarget(raw: string): number | null {
	const s = (raw ?? '').replace(/[\s\u00a0\u202f%]/g, '').replace(',', '.');
	if (!s) return null;
	return /^-?\d{1,12}(\.\d{1,4})?$/.test(s) ? Number(s) : NaN;
}

export interface CheckedExtras {
	fundings: { funderId: string; amountCents: number }[];
	indicators: { key: IndicatorKey; target: number | null; targetDate: string | null }[];
	fields: Record<string, string>;
}

/** The fundings and indicators of an action's form, checked: each with its French error. Pure. */
export function checkActionExtras(v: ActionInput): CheckedExtras {
	const fields: Record<string, string> = {};
	const given = v.fundings.filter((f) => f.funderId || f.amount.trim());
	const fundings = given.map((f) => ({ funderId: f.funderId, amountCents: parseEuros(f.amount) }));
	if (fundings.some((f) => !f.amountCents || !UUID.test(f.funderId))) fields.fundings = 'Chaque financement a un financeur et un montant en euros.';
	else if (new Set(fundings.map((f) => f.funderId)).size !== fundings.length) fields.fundings = 'Un financeur n’apparaît qu’une fois.';
	else if (v.budget !== null && fundings.reduce((s, f) => s + (f.amountCents ?? 0), 0) > v.budget)
		fields.fundings = 'Les financements dépassent le budget de l’action.';
	const indicators: CheckedExtras['indicators'] = [];
	for (const i of v.indicators) {
		if (!isIndicator(i.key)) {
			fields.indicators = 'Choisissez des indicateurs de la liste.';
			continue;
		}
		const target = parseTarget(i.target);
		const targetDate = i.targetDate.trim() ? parseDay(i.targetDate) : null;
		if (Number.isNaN(target)) fields[`target-${i.key}`] = 'Indiquez la cible en chiffres, par exemple 80 ou 12,5.';
		else if (i.targetDate.trim() && !targetDate) fields[`target-${i.key}`] = 'Indiquez la date de la cible (jour, mois, année).';
		else indicators.push({ key: i.key, target, targetDate });
	}
	return { fundings: fundings.map((f) => ({ funderId: f.funderId, amountCents: f.amountCents ?? 0 })), indicators, fields };
}

export const noteInput = z.object({
	notedOn: day('Indiquez la date du point d’avancement.'),
	body: z.string().trim().min(3, { message: 'Écrivez où en est l’action (3 caractères au moins).' }).max(4000, { message: '4\u00a0000 caractères au plus.' })
});

export const meetingInput = z.object({
	kind: z.enum(MEETING_KINDS, { message: 'Choisissez le type de réunion.' }),
	heldOn: day('Indiquez la date de la réunion (jour, mois, année).'),
	startTime: z
		.string()
		.optional()
		.transform((s) =>
			(s ?? '')
				.trim()
				.replace(/^(\d)(?=[:h])/, '0$1')
				.replace('h', ':')
		)
		.transform((s) => (/^\d\d:$/.test(s) ? `${s}00` : s))
		.refine((s) => s === '' || /^([01]\d|2[0-3]):[0-5]\d$/.test(s), { message: 'Indiquez l’heure, par exemple 14:30.' })
		.transform((s) => s || null),
	mode: z.enum(MEETING_MODES, { message: 'Dites si la réunion a lieu sur place ou en visio.' }),
	location: text(300),
	presentIds: uuidList,
	agenda: text(8000),
	minutes: text(50000)
});
export type MeetingInput = z.infer<typeof meetingInput>;

export const decisionInput = z.object({
	body: z.string().trim().min(3, { message: 'Écrivez la décision (3 caractères au moins).' }).max(2000, { message: '2\u00a0000 caractères au plus.' }),
	ownerId: z
		.string()
		.optional()
		.transform((s) => s || null)
		.refine((s) => s === null || UUID.test(s), { message: 'Choisissez la structure qui porte la décision.' }),
	dueDate: optionalDay('Indiquez l’échéance (jour, mois, année), ou laissez vide.'),
	actionIds: uuidList,
	status: z.enum(DECISION_STATUSES, { message: 'Choisissez l’état de la décision.' }).default('open')
});
export type DecisionInput = z.infer<typeof decisionInput>;

export const decisionStatusInput = z.object({
	status: z.enum(DECISION_STATUSES, { message: 'Choisissez l’état de la décision.' })
});
