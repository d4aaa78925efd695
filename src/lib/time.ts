/**
 * The one time module: Europe/Paris days, months and instants, whatever the server's time
 * zone (TZ) and across the two daylight-saving changes of the year.
 *
 * Vocabulary:
 * - an instant is a `Date` (a point in time, UTC inside);
 * - a day is a Paris calendar day written 'YYYY-MM-DD';
 * - a month is written as its first day, 'YYYY-MM-01';
 * - a wall-clock time is what a clock in Paris shows.
 *
 * Rules at the changes of time (last Sunday of March and of October):
 * - 02:00–02:59 does not exist on the spring day: a wall-clock time in that gap is the
 *   instant just after the gap (02:30 → 03:30 summer time), the way a person would read it;
 * - 02:00–02:59 happens twice on the autumn day: the first one (summer time) is taken.
 *
 * Pure functions, no I/O: safe in the browser and in the server.
 */

export const PARIS_TIME_ZONE = 'Europe/Paris';

const DAY_MS = 86_400_000;

const PARTS = new Intl.DateTimeFormat('en-US', {
	timeZone: PARIS_TIME_ZONE,
	hourCycle: 'h23',
	year: 'numeric',
	month: 'numeric',
	day: 'numeric',
	hour: 'numeric',
	minute: 'numeric',
	second: 'numeric',
	weekday: 'short'
});
const WEEKDAY_MON0: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

export interface WallClock {
	year: number;
	/** 1–12 */
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
	/** 0 = Monday … 6 = Sunday */
	weekday: number;
}

/** What a clock in Paris shows at an instant. */
export function parisWallClock(instant: Date | number): WallClock {
	const w: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, weekday: 0 };
	for (const p of PARTS.formatToParts(instant)) {
		if (p.type === 'weekday') w.weekday = WEEKDAY_MON0[p.value] ?? 0;
		else if (p.type in w) w[p.type as Exclude<keyof WallClock, 'weekday'>] = Number(p.value);
	}
	return w;
}

/** Paris's offset from UTC at an instant, in ms (3,600,000 in winter, 7,200,000 in summer). */
export function parisOffset(instant: Date | number): number {
	const t = typeof instant === 'number' ? instant : instant.getTime();
	const w = parisWallClock(t);
	return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(t / 1000) * 1000;
}

/**
 * The instant at which a clock in Paris shows these fields (month0: 0–11). In the spring
 * gap, the instant after it; in the autumn repeat, the first occurrence.
 */
export function parisInstant(year: number, month0: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): Date {
	const asUtc = Date.UTC(year, month0, day, hour, minute, second, ms);
	// the offset one day before and after brackets any change of time; the larger one
	// (summer) first gives the earlier instant of an autumn repeat
	const candidates = [...new Set([parisOffset(asUtc - DAY_MS), parisOffset(asUtc + DAY_MS)])].sort((a, b) => b - a);
	for (const off of candidates) {
		const t = asUtc - off;
		if (parisOffset(t) === off) return new Date(t);
	}
	// in the spring gap: no offset fits; read the fields with the offset before the change
	return new Date(asUtc - Math.min(...candidates));
}

const DAY_FORMAT = new Intl.DateTimeFormat('en-CA', { timeZone: PARIS_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The Paris day of an instant ('YYYY-MM-DD'); today by default. */
export function parisDay(at: Date | number = new Date()): string {
	return DAY_FORMAT.format(at);
}

/** The first instant of a Paris day. */
export function parisMidnight(day: string): Date {
	const [y, m, d] = day.split('-').map(Number);
	return parisInstant(y, m - 1, d);
}

/** The instants a span of Paris days covers: [start of `from`, start of the day after `to`). */
export function dayBounds(from: string, to: string = from): { start: Date; end: Date } {
	return { start: parisMidnight(from), end: parisMidnight(addDays(to, 1)) };
}

/** The instants a Paris month covers: [its first midnight, the next month's). */
export function monthBounds(month: string): { start: Date; end: Date } {
	return { start: parisMidnight(monthOf(month)), end: parisMidnight(nextMonth(month)) };
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/**
 * A wall-clock time typed in a form (`<input type="datetime-local">`: '2027-03-28T09:30')
 * as an instant; null if it is not a time of the calendar (31 April, 25 h: refused, not
 * rolled over).
 */
export function parseParisLocal(s: string): Date | null {
	const m = LOCAL.exec(s.trim());
	if (!m) return null;
	const [y, mo, d, h, mi] = m.slice(1).map(Number);
	if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59) return null;
	return parisInstant(y, mo - 1, d, h, mi);
}

/** An instant as the value of a `datetime-local` field, in Paris time ('2027-03-28T09:30'). */
export function toParisLocal(instant: Date): string {
	const w = parisWallClock(instant);
	return `${parisDay(instant)}T${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
}

/** Minutes since Monday 00:00, Paris time (0 … 10,079). */
export function minuteOfWeek(instant: Date): number {
	const w = parisWallClock(instant);
	return w.weekday * 1440 + w.hour * 60 + w.minute;
}

// ——— calendar days ('YYYY-MM-DD'): no time zone involved ———

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const FR_DAY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

function daysInMonth(year: number, month: number): number {
	return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** '2026-11-21' or '21/11/2026' (a browser without a date picker) → '2026-11-21'; null if it is not a day of the calendar. */
export function parseDay(raw: string): string | null {
	const s = raw.trim();
	const iso = ISO_DAY.exec(s);
	const fr = FR_DAY.exec(s);
	let y: number, m: number, d: number;
	if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
	else if (fr) [y, m, d] = [Number(fr[3]), Number(fr[2]), Number(fr[1])];
	else return null;
	if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
	return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function addDays(day: string, n: number): string {
	return new Date(Date.parse(`${day}T12:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from one day to another (negative if `to` is before). */
export function daysBetween(from: string, to: string): number {
	return Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / DAY_MS);
}

/** The same day one year earlier (29 February → 28 February). */
export function oneYearBefore(day: string): string {
	const [y, m, d] = day.split('-').map(Number);
	return `${String(y - 1).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, daysInMonth(y - 1, m))).padStart(2, '0')}`;
}

/** The month of a day, as its first day: '2026-11-22' → '2026-11-01'. */
export function monthOf(day: string): string {
	return `${day.slice(0, 7)}-01`;
}

export function previousMonth(month: string): string {
	const [y, m] = month.split('-').map(Number);
	return m === 1 ? `${y - 1}-12-01` : `${y}-${String(m - 1).padStart(2, '0')}-01`;
}

export function nextMonth(month: string): string {
	const [y, m] = month.split('-').map(Number);
	return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** 0 = Monday … 6 = Sunday, of a calendar day. */
export function weekdayOf(day: string): number {
	return (new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7;
}
