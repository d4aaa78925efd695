/**
 * Steering (issue 16), pure: the periods and the levels every steering page and export is
 * asked for, and the query string that carries them. One vocabulary for the offer, the
 * fragility, the demand, the outcomes and the partners' pages.
 *
 * - A period is a month (`2026-03`), a quarter (`2026-T1`) or a year (`2026`), in Paris
 *   days: `start` inclusive, `end` exclusive; `months` lists its months (first days), the
 *   grain the figures are pre-aggregated at (a quarter or a year is the sum of its months).
 *   The period under way may be asked for: it is marked `ongoing` and ends today.
 * - A level is the commune, the intercommunality (EPCI), one kind of the instance's areas
 *   (bassins de vie, pôles territoriaux, …) or the département; the commune is the grain,
 *   every other level is a sum of communes.
 */
import { AREA_KINDS, AREA_KIND_LABELS, type AreaKind } from '../territory/index.ts';
import { monthLabel } from '../../components/format.ts';
import { addDays, nextMonth, parisDay } from '../../time.ts';

export const PERIOD_KINDS = ['month', 'quarter', 'year'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];
export const PERIOD_KIND_LABELS: Record<PeriodKind, string> = { month: 'Mois', quarter: 'Trimestre', year: 'Année' };

export interface Period {
	kind: PeriodKind;
	/** '2026-03', '2026-T1', '2026' */
	key: string;
	/** « mars 2026 », « 1er trimestre 2026 », « 2026 » */
	label: string;
	/** first Paris day, inclusive */
	start: string;
	/** the Paris day after the last one (exclusive); for the period under way, tomorrow */
	end: string;
	/** its months (first days), in order; for the period under way, up to the current one */
	months: string[];
	/** the period under way (its figures still move) */
	ongoing: boolean;
}

const MONTH_KEY = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER_KEY = /^(\d{4})-T([1-4])$/;
const YEAR_KEY = /^(\d{4})$/;
/** The first year a period may start (the oldest figures a Département could have). */
export const FIRST_YEAR = 2015;

const pad = (n: number) => String(n).padStart(2, '0');

function build(kind: PeriodKind, key: string, label: string, firstMonth: string, monthCount: number, today: string): Period | null {
	if (firstMonth > today) return null; // not begun
	const months: string[] = [];
	let m = firstMonth;
	for (let i = 0; i < monthCount; i++) {
		if (m > today) break;
		months.push(m);
		m = nextMonth(m);
	}
	const ongoing = m > today;
	return { kind, key, label, start: firstMonth, end: ongoing ? addDays(today, 1) : m, months, ongoing };
}

/** '2026-03' | '2026-T1' | '2026' → the period; null for anything else, a year before FIRST_YEAR or a period not begun by `today`. */
export function parsePeriod(raw: string | null | undefined, today = parisDay()): Period | null {
	const s = (raw ?? '').trim().toUpperCase();
	let match: RegExpExecArray | null;
	if ((match = MONTH_KEY.exec(s))) {
		const y = Number(match[1]);
		if (y < FIRST_YEAR) return null;
		const first = `${match[1]}-${match[2]}-01`;
		return build('month', `${match[1]}-${match[2]}`, monthLabel(first), first, 1, today);
	}
	if ((match = QUARTER_KEY.exec(s))) {
		const y = Number(match[1]);
		const q = Number(match[2]);
		if (y < FIRST_YEAR) return null;
		return build('quarter', `${y}-T${q}`, `${q === 1 ? '1er' : `${q}e`} trimestre ${y}`, `${y}-${pad(q * 3 - 2)}-01`, 3, today);
	}
	if ((match = YEAR_KEY.exec(s))) {
		const y = Number(match[1]);
		if (y < FIRST_YEAR) return null;
		return build('year', String(y), String(y), `${y}-01-01`, 12, today);
	}
	return null;
}

/** The period of this kind that contains `day`. */
export function periodContaining(kind: PeriodKind, day: string, today = parisDay()): Period {
	const y = day.slice(0, 4);
	const m = Number(day.slice(5, 7));
	const key = kind === 'month' ? day.slice(0, 7) : kind === 'quarter' ? `${y}-T${Math.ceil(m / 3)}` : y;
	return parsePeriod(key, today)!;
}

/** The period just before (same kind); null before FIRST_YEAR. */
export function previousPeriod(p: Period, today = parisDay()): Period | null {
	const before = addDays(p.start, -1);
	if (Number(before.slice(0, 4)) < FIRST_YEAR) return null;
	return periodContaining(p.kind, before, today);
}

/** The last `count` periods of this kind, newest first, the one under way included. */
export function recentPeriods(kind: PeriodKind, today = parisDay(), count = kind === 'month' ? 24 : kind === 'quarter' ? 8 : 5): Period[] {
	const out: Period[] = [];
	let p: Period | null = periodContaining(kind, today, today);
	while (p && out.length < count) {
		out.push(p);
		p = previousPeriod(p, today);
	}
	return out;
}

/** The default period: the year under way (what a steering committee looks at). */
export function defaultPeriod(today = parisDay()): Period {
	return periodContaining('year', today, today);
}

export const LEVELS = ['commune', 'epci', 'area', 'departement'] as const;
export type LevelKind = (typeof LEVELS)[number];

/** A level: the commune, the EPCI, one kind of the instance's areas, or the département. */
export type Level = { kind: 'commune' } | { kind: 'epci' } | { kind: 'area'; areaKind: AreaKind } | { kind: 'departement' };

/** 'commune' | 'epci' | 'departement' | 'bassin_de_vie' | 'pole_territorial' | 'secteur' | 'autre'. */
export function levelKey(level: Level): string {
	return level.kind === 'area' ? level.areaKind : level.kind;
}

export function parseLevel(raw: string | null | undefined): Level | null {
	const s = (raw ?? '').trim();
	if (s === 'commune' || s === 'epci' || s === 'departement') return { kind: s };
	if ((AREA_KINDS as readonly string[]).includes(s)) return { kind: 'area', areaKind: s as AreaKind };
	return null;
}

export function levelLabel(level: Level): string {
	switch (level.kind) {
		case 'commune':
			return 'Commune';
		case 'epci':
			return 'Intercommunalité';
		case 'departement':
			return 'Département';
		case 'area':
			return AREA_KIND_LABELS[level.areaKind];
	}
}

/** The levels offered for a département: the commune, the EPCI, the kinds of areas it has, the département. */
export function levelChoices(areaKinds: readonly AreaKind[]): Level[] {
	const kinds = AREA_KINDS.filter((k) => areaKinds.includes(k));
	return [{ kind: 'commune' }, { kind: 'epci' }, ...kinds.map((areaKind) => ({ kind: 'area', areaKind }) as const), { kind: 'departement' }];
}

/** What every steering page is asked for. */
export interface SteeringQuery {
	departmentCode: string;
	period: Period;
	level: Level;
}

/**
 * `?departement=47&periode=2026-T1&niveau=epci` → the query; anything missing or not allowed
 * falls back (the first of `departments`, the year under way, the EPCI) rather than failing:
 * a steering page always shows something. `departments` is what the reader may steer (never empty).
 */
export function parseSteeringQuery(params: URLSearchParams, departments: readonly string[], today = parisDay()): SteeringQuery {
	const asked = (params.get('departement') ?? '').trim().toUpperCase();
	const departmentCode = departments.includes(asked) ? asked : departments[0];
	const period = parsePeriod(params.get('periode'), today) ?? defaultPeriod(today);
	const level = parseLevel(params.get('niveau')) ?? { kind: 'epci' };
	return { departmentCode, period, level };
}

/** The query string of a steering page (`departement=47&periode=2026&niveau=epci`), extra parameters after. */
export function steeringQueryString(q: SteeringQuery, extra: Record<string, string | null | undefined> = {}): string {
	const p = new URLSearchParams({ departement: q.departmentCode, periode: q.period.key, niveau: levelKey(q.level) });
	for (const [k, v] of Object.entries(extra)) if (v) p.set(k, v);
	return p.toString();
}

/**
 * One table of figures, as every steering page shows it and every export writes it (CSV,
 * XLSX, the annual report's PDF, the open data): the services of each section build these,
 * already masked (a count of 1 to 4 persons, and whatever would tell it by difference, is
 * `MASKED_CELL`), so that no unmasked figure leaves the capability.
 */
export interface SteeringColumn {
	key: string;
	/** the column's French heading */
	label: string;
	/** how the value reads: text, a count, a count of persons (masked when small), a ratio 0–1 shown as %, a rate per 10,000, km, days, euros in cents, a Paris day */
	kind: 'text' | 'count' | 'persons' | 'percent' | 'per10k' | 'km' | 'days' | 'cents' | 'day' | 'score';
}

export const MASKED_CELL = { masked: true } as const;
export type SteeringCell = string | number | null | typeof MASKED_CELL;

export interface SteeringTable {
	/** stable, used in the export's URL and file name: 'offre-lieux-par-service' */
	id: string;
	/** the table's caption */
	title: string;
	columns: SteeringColumn[];
	rows: SteeringCell[][];
	/** the total row, when the table has one */
	total?: SteeringCell[];
	/** what the reader must know (straight-line distances, sources, masking), one sentence each */
	notes?: string[];
}

export const isMasked = (c: SteeringCell): c is typeof MASKED_CELL => typeof c === 'object' && c !== null && 'masked' in c;
