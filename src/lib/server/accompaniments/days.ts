/**
 * Days of accompaniments: Paris wall-clock days as 'YYYY-MM-DD', read from a date field
 * (or typed « 21/11/2026 »), and said in French; durations in French.
 */
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
