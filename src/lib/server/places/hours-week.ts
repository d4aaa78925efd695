/**
 * The typical week of a place's opening hours, day by day: the table its page shows, the
 * place manager's form (ranges per weekday ↔ an opening_hours value) and its exceptional
 * closures ("2026 Dec 24 off"). Parsing and evaluation are in hours.ts.
 */
import { cachedWeek, DAY_MINUTES, DAY_NAMES, mergeIntervals, OSM_DAYS, type Interval } from './hours.ts';

/** One opening range within a day, "HH:MM" (end may be "24:00"). */
export interface TimeRange {
	start: string;
	end: string;
}
/** Opening ranges per weekday, Monday first (7 entries; an empty list = closed). */
export type WeekRanges = TimeRange[][];

export interface WeekTableRow {
	day: string;
	/** "09:00 – 12:00" */
	ranges: string[];
	closed: boolean;
}

const pad2 = (n: number) => (n < 10 ? '0' : '') + n;
const hhmm = (minutes: number) => pad2(Math.floor(minutes / 60)) + ':' + pad2(minutes % 60);

function perDay(week: Interval[]): Interval[][] {
	const days: Interval[][] = [[], [], [], [], [], [], []];
	for (const [a, b] of week) {
		for (let d = Math.floor(a / DAY_MINUTES); d < 7 && d * DAY_MINUTES < b; d++) {
			const s = Math.max(a, d * DAY_MINUTES) - d * DAY_MINUTES;
			const e = Math.min(b, (d + 1) * DAY_MINUTES) - d * DAY_MINUTES;
			if (e > s) days[d].push([s, e]);
		}
	}
	return days;
}

/** The typical week, Monday first, for display; null when there are no valid horaires. */
export function weekTable(horaires: string | null | undefined): WeekTableRow[] | null {
	if (!horaires || !horaires.trim()) return null;
	const week = cachedWeek(horaires);
	if (!week) return null;
	return perDay(week).map((ranges, d) => ({
		day: DAY_NAMES[d],
		ranges: ranges.map(([a, b]) => `${hhmm(a)} – ${hhmm(b)}`),
		closed: ranges.length === 0
	}));
}

/** Per-weekday ranges of a value (typical week); null when there are no valid horaires. */
export function horairesToRanges(h: string | null | undefined): WeekRanges | null {
	if (!h || !h.trim()) return null;
	const week = cachedWeek(h);
	if (!week) return null;
	return perDay(week).map((ranges) => ranges.map(([a, b]) => ({ start: hhmm(a), end: hhmm(b) })));
}

const TIME = /^(\d{1,2})[:hH](\d{2})$/;

function parseTime(t: string, isEnd: boolean): number {
	const m = TIME.exec(String(t).trim());
	const h = m ? +m[1] : NaN;
	const mi = m ? +m[2] : NaN;
	if (!m || mi > 59 || h > 24 || (h === 24 && (mi !== 0 || !isEnd))) {
		throw new RangeError(`horaire invalide\u00a0: « ${t} » (format HH:MM attendu)`);
	}
	return h * 60 + mi;
}

/**
 * Builds a compact OSM value from per-weekday ranges (Monday first), e.g.
 * "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00". Overlapping or touching ranges of a day
 * are merged. Null when every day is closed. Throws a RangeError (French message) on an
 * invalid time or a range that does not end after it starts.
 */
export function rangesToHoraires(days: WeekRanges): string | null {
	if (!Array.isArray(days) || days.length !== 7) throw new RangeError('7 jours attendus (du lundi au dimanche)');
	const signatures = days.map((ranges, d) => {
		const iv: Interval[] = (ranges ?? []).map((r) => {
			const a = parseTime(r.start, false);
			const b = parseTime(r.end, true);
			if (b <= a) throw new RangeError(`${DAY_NAMES[d]}\u00a0: la plage ${r.start}–${r.end} doit finir après son début`);
			return [a, b];
		});
		return mergeIntervals(iv)
			.map(([a, b]) => `${hhmm(a)}-${hhmm(b)}`)
			.join(',');
	});
	const rules: string[] = [];
	const done = new Set<string>();
	for (let d = 0; d < 7; d++) {
		const sig = signatures[d];
		if (!sig || done.has(sig)) continue;
		done.add(sig);
		const same: number[] = [];
		for (let k = d; k < 7; k++) if (signatures[k] === sig) same.push(k);
		const parts: string[] = [];
		for (let i = 0; i < same.length;) {
			let j = i;
			while (j + 1 < same.length && same[j + 1] === same[j] + 1) j++;
			const len = j - i + 1;
			if (len >= 3) parts.push(`${OSM_DAYS[same[i]]}-${OSM_DAYS[same[j]]}`);
			else for (let k = i; k <= j; k++) parts.push(OSM_DAYS[same[k]]);
			i = j + 1;
		}
		rules.push(`${parts.join(',')} ${sig}`);
	}
	return rules.length ? rules.join('; ') : null;
}

// ——— exceptional closures (the place manager's form) ———

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOSURE_RULE =
	/^(\d{4}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{2})(?:-(\d{4}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{2}))? off$/;

export interface Closure {
	/** YYYY-MM-DD */
	from: string;
	/** YYYY-MM-DD, the same day or later */
	to: string;
}

function osmDate(iso: string): string {
	const m = ISO_DAY.exec(iso);
	if (!m || +m[2] < 1 || +m[2] > 12 || +m[3] < 1 || +m[3] > 31) throw new RangeError(`date invalide\u00a0: « ${iso} » (format attendu\u00a0: 2026-12-24)`);
	return `${m[1]} ${MONTHS[+m[2] - 1]} ${m[3]}`;
}

/** The weekly rules plus one "… off" rule per closure: "Mo-Fr 09:00-17:00; 2026 Dec 24-2026 Dec 26 off". */
export function withClosures(weekly: string | null, closures: Closure[]): string | null {
	const rules = weekly ? [weekly] : [];
	for (const c of closures) {
		const from = osmDate(c.from);
		const to = osmDate(c.to || c.from);
		if ((c.to || c.from) < c.from) throw new RangeError(`la fermeture du ${c.from} au ${c.to} doit finir après son début`);
		rules.push(from === to ? `${from} off` : `${from}-${to} off`);
	}
	return rules.length ? rules.join('; ') : null;
}

/** The reverse: the weekly part and the closures of a value written by withClosures (other values: all weekly). */
export function splitClosures(h: string | null | undefined): { weekly: string | null; closures: Closure[] } {
	if (!h?.trim()) return { weekly: null, closures: [] };
	const closures: Closure[] = [];
	const rest: string[] = [];
	for (const rule of h
		.split(';')
		.map((r) => r.trim())
		.filter(Boolean)) {
		const m = CLOSURE_RULE.exec(rule);
		if (!m) {
			rest.push(rule);
			continue;
		}
		const iso = (y: string, mon: string, d: string) => `${y}-${String(MONTHS.indexOf(mon as (typeof MONTHS)[number]) + 1).padStart(2, '0')}-${d}`;
		const from = iso(m[1], m[2], m[3]);
		closures.push({ from, to: m[4] ? iso(m[4], m[5], m[6]) : from });
	}
	return { weekly: rest.length ? rest.join('; ') : null, closures };
}
