/**
 * Opening hours (`horaires`, OpenStreetMap opening_hours syntax), evaluated server-side:
 * parsing, the weekly intervals, the opening status. The typical week per day (display,
 * the manager's form, closures) is in hours-week.ts; Paris time in src/lib/time.ts.
 *
 * Every time here is Europe/Paris wall-clock time, whatever the server's TZ: the
 * opening_hours library reads a Date's *local* fields, so we hand it "fake local" dates
 * whose local fields equal Paris wall-clock time, and convert its answers back to instants.
 *
 * The library is slow to parse (≈ 0.4 ms a value), so:
 * - values in the plain weekly subset of the syntax (what YoHours and most files write:
 *   `Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00; We off`) are parsed by a small exact
 *   parser of our own (tests check it agrees with the library on random and real values);
 * - everything else goes through the library;
 * - results are kept in bounded LRU caches: 4,000 parsed values (keyed by the raw string) and
 *   256 library objects (≈ 30 kB each).
 */
import opening_hours from 'opening_hours';
import { formatMinutes, statusText } from '../../components/format.ts';
import { parisInstant, parisWallClock } from '../../time.ts';

/** Minutes in a week: weekly ranges are minutes from Monday 00:00, in [0, 10080]. */
export const WEEK_MINUTES = 10080;
export const DAY_MINUTES = 1440;
const DAY_MS = 86_400_000;

export const DAY_NAMES = ['Lundi', 'Mardi', 'Mercredi', 'Jeudi', 'Vendredi', 'Samedi', 'Dimanche'] as const;
export const OSM_DAYS = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'] as const;
/** A Date whose *local* fields are the Paris wall-clock time of the instant (what opening_hours reads). */
function toFakeLocal(instant: Date): Date {
	const w = parisWallClock(instant);
	return new Date(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, instant.getTime() % 1000);
}

/** The instant whose Paris wall-clock time a fake local Date's fields hold (toFakeLocal's reverse). */
function fromFakeLocal(fake: Date): Date {
	return parisInstant(fake.getFullYear(), fake.getMonth(), fake.getDate(), fake.getHours(), fake.getMinutes(), fake.getSeconds(), fake.getMilliseconds());
}

const MONTH_NAMES = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

export type HorairesValidation =
	{ ok: true; value: string; /** true when `value` differs from the input beyond spacing */ corrected: boolean } | { ok: false; error: string };

export interface OpeningStatus {
	open: boolean;
	/** "Ouvert maintenant" | "Fermé" | "Fermé aujourd’hui" (closed now, not open earlier today, opening on a later day) */
	label: string;
	/** "ferme à 12 h", "ouvre demain à 9 h", "ouvre lundi à 9 h 30"… (times in French administrative style) */
	detail: string | null;
	nextChange: Date | null;
}

export type Interval = [number, number];

// ——— library configuration ———

/** Mainland France (Nouvelle-Aquitaine) for public and school holidays. */
const NOMINATIM = { lat: 44.84, lon: -0.58, address: { country_code: 'fr', state: 'Nouvelle-Aquitaine' } };
const OH_CONF = { mode: 0, tag_key: 'opening_hours', map_value: false, warnings_severity: 4, locale: 'fr' } as never;

/**
 * Reference fortnight for "a typical week": Monday 17 November 2025 → Monday 1 December 2025,
 * ISO weeks 47 (odd) and 48 (even), no public or school holiday in France, far from DST
 * changes. A weekly range is open when the place is open at that time in either week (so
 * `week 1-53/2 Mo 09:00-12:00`, every other Monday, counts as open on Mondays).
 */
const REF_YEAR = 2025;
const REF_MONTH = 10;
const REF_DAY = 17;
const REF_UTC = Date.UTC(REF_YEAR, REF_MONTH, REF_DAY);

// ——— cache ———

interface Entry {
	value: string | null;
	error: string | null;
	corrected: boolean;
	/** weekly open intervals (merged, sorted), when known */
	week: Interval[] | null;
}

/** Parsed values (small: strings and intervals). */
const CACHE_MAX = 4000;
const cache = new Map<string, Entry>();
/** Library objects, keyed by value (≈ 30 kB each: far fewer). */
const OH_CACHE_MAX = 256;
const ohCache = new Map<string, opening_hours>();

function lruGet<V>(m: Map<string, V>, k: string): V | undefined {
	const v = m.get(k);
	if (v !== undefined) {
		m.delete(k);
		m.set(k, v);
	}
	return v;
}
function lruSet<V>(m: Map<string, V>, k: string, v: V, max: number): void {
	if (m.size >= max) m.delete(m.keys().next().value as string);
	m.set(k, v);
}

function entryFor(raw: string): Entry {
	let e = lruGet(cache, raw);
	if (e === undefined) {
		e = analyse(raw);
		lruSet(cache, raw, e, CACHE_MAX);
	}
	return e;
}

/** For tests: empties the caches. */
export function clearHoursCache(): void {
	cache.clear();
	ohCache.clear();
}

/** For tests: number of cached values and library objects (both bounded). */
export function hoursCacheSize(): number {
	return Math.max(cache.size, ohCache.size);
}

export const HOURS_CACHE_MAX = CACHE_MAX;

const WS = /\s+/g;
const HAS_ZERO_RANGE = /(\d{2}:\d{2})-\1(?![\d:])/;
const ZERO_RANGE_BEFORE_COMMA = /(?<![\d:])(\d{2}:\d{2})-\1,/g;
const ZERO_RANGE_AFTER_COMMA = /,(\d{2}:\d{2})-\1(?![\d:])/g;
const ZERO_RANGE_ALONE = /(?<![\d:,])(\d{2}:\d{2})-\1(?![\d:,])/g;
const FRENCH_H = /(?<![\d:])([01]?\d|2[0-4]) ?[hH] ?([0-5]\d)?(?![\d:])/g;

function analyse(raw: string): Entry {
	const s = raw.replace(WS, ' ').trim();
	if (s === '') return { value: null, error: 'valeur vide', corrected: false, week: null };
	let v = s;
	// French "10h00" / "9h30" / "17h" → "10:00" / "09:30" / "17:00" (the library rejects "10h00")
	if (v.includes('h') || v.includes('H')) {
		v = v.replace(FRENCH_H, (_m, h: string, mi: string | undefined) => `${h.padStart(2, '0')}:${mi ?? '00'}`);
	}
	// "09:00-09:00" would mean "24 hours from 09:00" to the library: in real files it is a
	// slip for "no opening"; drop such ranges (not 00:00-00:00, which may mean 24 h).
	if (HAS_ZERO_RANGE.test(v)) {
		const keep = (m: string, t: string, repl: string) => (t === '00:00' ? m : repl);
		v = v
			.replace(ZERO_RANGE_BEFORE_COMMA, (m, t) => keep(m, t, ''))
			.replace(ZERO_RANGE_AFTER_COMMA, (m, t) => keep(m, t, ''))
			.replace(ZERO_RANGE_ALONE, (m, t) => keep(m, t, 'off'));
	}
	const week = fastWeek(v);
	if (week) return { value: v, error: null, corrected: v !== s, week };
	try {
		const oh = new opening_hours(v, NOMINATIM, OH_CONF);
		// the library's own spelling when it had to guess ("mo-fr", "Lundi", "9:00"…); the
		// value as written when it differs only by spacing or zero-padding ("week 1-53/2")
		const pretty = oh.prettifyValue();
		const value = oh.getWarnings().length > 0 || canonical(pretty) !== canonical(v) ? pretty : v;
		// the library may "correct" a stray word (e.g. "H") into nothing: that is no hours at all
		if (value.trim() === '') return { value: null, error: 'aucun horaire reconnu dans la valeur', corrected: false, week: null };
		if (value === v) lruSet(ohCache, value, oh, OH_CACHE_MAX);
		return { value, error: null, corrected: canonical(value) !== canonical(s), week: null };
	} catch (e) {
		return { value: null, error: libraryMessage(e), corrected: false, week: null };
	}
}

const LEADING_ZEROS = /(^|\D)0+(\d)/g;
function canonical(x: string): string {
	return x.replace(WS, '').replace(LEADING_ZEROS, '$1$2');
}

function libraryMessage(e: unknown): string {
	const m = String(e instanceof Error ? e.message : e)
		.replace(WS, ' ')
		.trim();
	const i = m.indexOf('<--- (');
	if (i < 0) return m;
	// the reason, up to its matching parenthesis
	let depth = 1;
	let j = i + 6;
	for (; j < m.length && depth > 0; j++) {
		if (m[j] === '(') depth++;
		else if (m[j] === ')') depth--;
	}
	return m.slice(i + 6, depth === 0 ? j - 1 : undefined).trim() || m;
}

function ohOf(e: Entry): opening_hours | null {
	if (e.value === null) return null;
	let oh = lruGet(ohCache, e.value);
	if (oh === undefined) {
		try {
			oh = new opening_hours(e.value, NOMINATIM, OH_CONF);
		} catch {
			return null;
		}
		lruSet(ohCache, e.value, oh, OH_CACHE_MAX);
	}
	return oh;
}

// ——— fast exact parser for the plain weekly subset ———

const DAY_INDEX: Record<string, number> = { Mo: 0, Tu: 1, We: 2, Th: 3, Fr: 4, Sa: 5, Su: 6 };
const DAY_SPEC = /^(Mo|Tu|We|Th|Fr|Sa|Su)(?:-(Mo|Tu|We|Th|Fr|Sa|Su))?$/;
const TIME_RANGE = /^([01]\d|2[0-3]):([0-5]\d)-(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;

/**
 * Weekly intervals of a value written in the plain subset: rules `DAYS TIMES` or `DAYS off`
 * separated by `;`, DAYS a comma list of days or increasing day ranges, TIMES a comma list of
 * `HH:MM-HH:MM` with start < end, and `PH off`. A later rule replaces earlier ones for its
 * days (OSM semantics). Anything else → null (left to the library).
 */
function fastWeek(v: string): Interval[] | null {
	const days: Interval[][] = [[], [], [], [], [], [], []];
	const rules = v.split(';');
	for (let r of rules) {
		r = r.trim();
		// public holidays: none in the reference fortnight (the library still handles them for openingStatus)
		if (r === 'PH off' || r === 'PH closed') continue;
		const sp = r.indexOf(' ');
		if (sp <= 0) return null;
		const sel = r.slice(0, sp);
		const rest = r.slice(sp + 1);
		const selected: number[] = [];
		for (const part of sel.split(',')) {
			const m = DAY_SPEC.exec(part);
			if (!m) return null;
			const a = DAY_INDEX[m[1]];
			const b = m[2] === undefined ? a : DAY_INDEX[m[2]];
			if (b < a) return null;
			for (let d = a; d <= b; d++) selected.push(d);
		}
		let ranges: Interval[];
		if (rest === 'off' || rest === 'closed') ranges = [];
		else {
			ranges = [];
			for (const t of rest.split(',')) {
				const m = TIME_RANGE.exec(t);
				if (!m) return null;
				const start = +m[1] * 60 + +m[2];
				const end = m[5] ? DAY_MINUTES : +m[3] * 60 + +m[4];
				if (end <= start) return null;
				ranges.push([start, end]);
			}
		}
		for (const d of selected) days[d] = ranges;
	}
	const out: Interval[] = [];
	for (let d = 0; d < 7; d++) for (const [a, b] of days[d]) out.push([d * DAY_MINUTES + a, d * DAY_MINUTES + b]);
	return mergeIntervals(out);
}

export function mergeIntervals(iv: Interval[]): Interval[] {
	if (iv.length < 2) return iv.map(([a, b]) => [a, b]);
	const sorted = iv.slice().sort((x, y) => x[0] - y[0] || x[1] - y[1]);
	const out: Interval[] = [[sorted[0][0], sorted[0][1]]];
	for (let i = 1; i < sorted.length; i++) {
		const last = out[out.length - 1];
		const [a, b] = sorted[i];
		if (a <= last[1]) {
			if (b > last[1]) last[1] = b;
		} else out.push([a, b]);
	}
	return out;
}

/** Weekly intervals of an entry: the fast parser's, or the library's over the reference fortnight. */
function weekOf(e: Entry): Interval[] | null {
	if (e.week) return e.week;
	const oh = ohOf(e);
	if (!oh) return null;
	e.week = libraryWeek(oh);
	return e.week;
}

/** The weekly intervals of a value, as cached (not to be changed); null when there are no valid horaires. For hours-week.ts. */
export function cachedWeek(horaires: string): Interval[] | null {
	return weekOf(entryFor(horaires));
}

function libraryWeek(oh: opening_hours): Interval[] {
	const from = new Date(REF_YEAR, REF_MONTH, REF_DAY);
	const to = new Date(REF_YEAR, REF_MONTH, REF_DAY + 14);
	let found: [Date, Date, boolean, string | undefined][];
	try {
		found = oh.getOpenIntervals(from, to);
	} catch {
		found = [];
	}
	const raw: Interval[] = [];
	for (const [a, b] of found) {
		let s = fakeMinutesSinceRef(a);
		const t = fakeMinutesSinceRef(b);
		while (s < t) {
			const ws = s % WEEK_MINUTES;
			const segEnd = Math.min(t, s - ws + WEEK_MINUTES);
			raw.push([ws, ws + (segEnd - s)]);
			s = segEnd;
		}
	}
	return mergeIntervals(raw);
}

/**
 * Reference evaluation of the weekly intervals by the opening_hours library alone (no fast
 * parser, no correction, no cache). Slow: for tests and diagnostics.
 */
export function weeklyOpenIntervalsByLibrary(h: string): [number, number][] | null {
	try {
		return libraryWeek(new opening_hours(h, NOMINATIM, OH_CONF));
	} catch {
		return null;
	}
}

function fakeMinutesSinceRef(d: Date): number {
	const day = Math.round((Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) - REF_UTC) / DAY_MS);
	return day * DAY_MINUTES + d.getHours() * 60 + d.getMinutes();
}

// ——— public API ———

/**
 * Checks an opening_hours value. Spacing is normalised; values the library can only read
 * with warnings are replaced by its prettified form; "09:00-09:00" ranges and French
 * "9h30" are corrected (`corrected: true`).
 */
export function validateHoraires(s: string): HorairesValidation {
	if (typeof s !== 'string' || s.trim() === '') return { ok: false, error: 'valeur vide' };
	const e = entryFor(s);
	if (e.value === null) return { ok: false, error: e.error ?? 'valeur invalide' };
	return { ok: true, value: e.value, corrected: e.corrected };
}

/**
 * The PostgreSQL int4multirange text of the minutes (from Monday 00:00, Paris time) when the
 * place is open in a typical week, e.g. "{[540,720),[840,1110)}"; "{}" when never open;
 * null when there are no (valid) horaires. Public/school holidays are ignored; rules by week
 * number count as open if they apply to odd or even weeks.
 */
export function weeklyOpenRanges(horaires: string | null | undefined): string | null {
	if (!horaires || !horaires.trim()) return null;
	const week = weekOf(entryFor(horaires));
	if (!week) return null;
	let out = '{';
	for (let i = 0; i < week.length; i++) out += (i ? ',' : '') + '[' + week[i][0] + ',' + week[i][1] + ')';
	return out + '}';
}

/** Weekly open intervals as [start, end) minute pairs (same meaning as weeklyOpenRanges). */
export function weeklyOpenIntervals(horaires: string | null | undefined): [number, number][] | null {
	if (!horaires || !horaires.trim()) return null;
	const week = weekOf(entryFor(horaires));
	return week ? week.map(([a, b]) => [a, b]) : null;
}

/**
 * Whether the place is open at `now`, and when that changes. "Unknown" periods (rules with
 * only a comment, e.g. `Mo 09:00-12:00 "sur rendez-vous"`) count as open. Null when there
 * are no valid horaires or the library cannot evaluate them at that date (e.g. school
 * holidays of a year it has no data for).
 */
export function openingStatus(horaires: string | null | undefined, now: Date): OpeningStatus | null {
	if (!horaires || !horaires.trim()) return null;
	const oh = ohOf(entryFor(horaires));
	if (!oh) return null;
	const fakeNow = toFakeLocal(now);
	let open: boolean;
	let fakeNext: Date | null = null;
	let openedToday = false;
	try {
		const it = oh.getIterator(fakeNow);
		open = it.getState() || it.getUnknown();
		const limit = new Date(fakeNow.getTime() + 400 * DAY_MS);
		for (let i = 0; i < 64; i++) {
			if (!it.advance(limit)) break;
			if ((it.getState() || it.getUnknown()) !== open) {
				fakeNext = it.getDate();
				break;
			}
		}
		// closed now: was it open earlier today? (else « Fermé aujourd’hui »)
		if (!open) {
			const midnight = new Date(fakeNow.getFullYear(), fakeNow.getMonth(), fakeNow.getDate());
			openedToday = fakeNow > midnight && oh.getOpenIntervals(midnight, fakeNow).length > 0;
		}
	} catch {
		return null;
	}
	if (!fakeNext) return { open, label: open ? 'Ouvert maintenant' : 'Fermé', detail: null, nextChange: null };
	const verb = open ? 'ferme' : 'ouvre';
	const dayDiff = Math.round(
		(Date.UTC(fakeNext.getFullYear(), fakeNext.getMonth(), fakeNext.getDate()) - Date.UTC(fakeNow.getFullYear(), fakeNow.getMonth(), fakeNow.getDate())) /
			DAY_MS
	);
	const minutes = fakeNext.getHours() * 60 + fakeNext.getMinutes();
	const time = formatMinutes(minutes);
	let detail: string;
	if (dayDiff <= 0) detail = `${verb} à ${time}`;
	else if (dayDiff === 1 && open && minutes === 0) detail = `${verb} à minuit`;
	else if (dayDiff === 1) detail = `${verb} demain à ${time}`;
	else if (dayDiff < 7) detail = `${verb} ${DAY_NAMES[(fakeNext.getDay() + 6) % 7].toLowerCase()} à ${time}`;
	else detail = `${verb} le ${fakeNext.getDate() === 1 ? '1er' : fakeNext.getDate()} ${MONTH_NAMES[fakeNext.getMonth()]} à ${time}`;
	// closed, opening on a later day, not open earlier today: « Fermé aujourd’hui, ouvre demain à 14 h »
	const label = open ? 'Ouvert maintenant' : dayDiff >= 1 && !openedToday ? 'Fermé aujourd’hui' : 'Fermé';
	return { open, label, detail, nextChange: fromFakeLocal(fakeNext) };
}

/** The status in one phrase: « Fermé, ouvre mardi à 9 h », « Ouvert maintenant, ferme à 12 h ». */
export const statusSentence = statusText;
