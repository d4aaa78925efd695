/**
 * The French formatters, one set for pages, e-mails, SMS and documents: dates, money, phone
 * numbers, distances, counts. Pure functions (no I/O, no server import: pages use them
 * too). Paris days and instants come from the one time module (../time.ts): every date is
 * read on a clock in Paris, whatever the process's time zone.
 *
 * - a day: formatDate ("7 décembre 2026", { weekday: true } "lundi 7 décembre 2026",
 *   { year: false } "7 décembre"), dayLabel for a 'YYYY-MM-DD' day; a month: monthLabel;
 * - a date and time: formatDateTime ("7 décembre 2026 à 14 h 30"), formatAppointment
 *   ("lundi 7 décembre à 14 h 30", e-mails, SMS, pages), formatShortDateTime
 *   ("07/12/2026 14:30", spreadsheets); times of day: formatTime, formatMinutes, formatRange;
 * - money: euros (cents); a duration: formatDuration; a phone: formatPhone, phoneHref;
 *   a distance: formatDistance.
 * PDFs pass the text through documents/pdf-text.ts winAnsi; SMS through sms toGsm7.
 */
import { parisWallClock } from '../time.ts';

const MONTH_NAMES = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const DAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];
const NBSP = '\u00a0';
const nf1 = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const nf0 = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });

/** 850 → "à 850 m", 1234 → "à 1,2 km", 23456 → "à 23 km". */
export function formatDistance(meters: number | null | undefined): string | null {
	if (meters == null || !Number.isFinite(meters)) return null;
	if (meters < 1000) return `à ${nf0.format(Math.max(10, Math.round(meters / 10) * 10))} m`;
	const km = meters / 1000;
	return `à ${km < 10 ? nf1.format(km) : nf0.format(km)} km`;
}

/** A file's size as a file manager shows it (multiples of 1,024): 850 → "850 octets", 41 230 → "40 Ko", 1 234 567 → "1,2 Mo". */
export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${nf0.format(bytes)}${NBSP}octet${bytes > 1 ? 's' : ''}`;
	const kb = bytes / 1024;
	if (kb < 1024) return `${kb < 10 ? nf1.format(kb) : nf0.format(kb)}${NBSP}Ko`;
	const mb = kb / 1024;
	return `${mb < 10 ? nf1.format(mb) : nf0.format(mb)}${NBSP}Mo`;
}

/**
 * A French number as it is written in France: "+33553123456", "0033 5 53 12 34 56" or
 * "05.53.12.34.56" → "05 53 12 34 56". Anything else (an international number) is
 * returned as it was typed, trimmed; null or empty → "".
 */
export function formatPhone(phone: string | null | undefined): string {
	if (!phone) return '';
	const digits = phone.replace(/[^\d+]/g, '');
	let national: string | null = null;
	if (/^\+33[1-9]\d{8}$/.test(digits)) national = '0' + digits.slice(3);
	else if (/^0033[1-9]\d{8}$/.test(digits)) national = '0' + digits.slice(4);
	else if (/^0\d{9}$/.test(digits)) national = digits;
	return national ? national.replace(/(\d{2})(?=\d)/g, '$1 ') : phone.trim();
}

/** A SIRET as it is printed, « 214 700 000 00018 »; anything else (an RNA number) as it is. */
export const spacedSiret = (s: string | null | undefined): string => (s ?? '').replace(/^(\d{3})(\d{3})(\d{3})(\d{5})$/, '$1 $2 $3 $4');

/** "05 53 12 34 56" → "tel:+33553123456". */
export function phoneHref(phone: string): string {
	const digits = phone.replace(/[^\d+]/g, '');
	if (/^0\d{9}$/.test(digits)) return 'tel:+33' + digits.slice(1);
	return 'tel:' + digits;
}

/** How much of a date is written: the weekday (« mardi ») and the year are optional. */
export interface DateWords {
	/** « mardi 24 novembre 2026 »; false by default */
	weekday?: boolean;
	/** « 24 novembre » without it; true by default */
	year?: boolean;
}

interface DayParts {
	year: number;
	month: number;
	day: number;
	/** 0 = Monday … 6 = Sunday */
	weekday: number;
	hour: number | null;
	minute: number | null;
}

const CALENDAR_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A calendar day ('YYYY-MM-DD') is that day, wherever the server is; an instant (a Date,
 * or a timestamp string) is read on a clock in Paris (the one time module, through Intl
 * with timeZone Europe/Paris). Null when it is not a date.
 */
function dayParts(value: string | Date): DayParts | null {
	if (typeof value === 'string' && CALENDAR_DAY.test(value)) {
		const d = new Date(value + 'T12:00:00Z');
		if (Number.isNaN(d.getTime())) return null;
		return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: (d.getUTCDay() + 6) % 7, hour: null, minute: null };
	}
	const d = typeof value === 'string' ? new Date(value) : value;
	if (Number.isNaN(d.getTime())) return null;
	const w = parisWallClock(d);
	return { year: w.year, month: w.month, day: w.day, weekday: w.weekday, hour: w.hour, minute: w.minute };
}

function dayWords(p: DayParts, words: DateWords): string {
	return [words.weekday ? DAYS[p.weekday] : null, p.day === 1 ? '1er' : String(p.day), MONTH_NAMES[p.month - 1], words.year === false ? null : String(p.year)]
		.filter(Boolean)
		.join(' ');
}

/**
 * A day: "2024-03-12" → "12 mars 2024" (1 → "1er"); { weekday: true } → "mardi 12 mars
 * 2024"; { year: false } → "12 mars". An instant (a Date, or a timestamp string) is the
 * day it is in Paris, whatever the server's time zone. Nothing: null; not a date: a
 * string is returned as it is, an invalid Date gives "".
 */
export function formatDate(value: Date, words?: DateWords): string;
export function formatDate(value: string | Date | null | undefined, words?: DateWords): string | null;
export function formatDate(value: string | Date | null | undefined, words: DateWords = {}): string | null {
	if (!value) return null;
	const p = dayParts(value);
	if (!p) return typeof value === 'string' ? value : '';
	return dayWords(p, words);
}

/**
 * Whether a place's date_maj is a real date: the sources write 1970-01-01 (or 1969-12-31) for
 * « unknown », and the import keeps it rather than invent a freshness (issue 14).
 */
export function knownUpdate(dateMaj: string | null | undefined): dateMaj is string {
	return !!dateMaj && dateMaj >= '2000-01-01';
}

/** A time of day with plain spaces: "14 h 30", "9 h", "9 h 05" (texts, SMS, PDFs). */
function clock(hour: number, minute: number): string {
	return minute ? `${hour} h ${String(minute).padStart(2, '0')}` : `${hour} h`;
}

/**
 * An instant in Paris time: "22 novembre 2026 à 10 h 35", with non-breaking spaces in the
 * time for pages ({ nbsp: false }: plain spaces, for texts, SMS and PDFs); { weekday:
 * true } → "dimanche 22 novembre 2026 à 10 h 35"; { year: false } → "22 novembre à 10 h
 * 35". A calendar day ('YYYY-MM-DD') has no time: the day alone.
 */
export function formatDateTime(value: string | Date | null | undefined, words: DateWords & { nbsp?: boolean } = {}): string | null {
	if (!value) return null;
	const p = dayParts(value);
	if (!p) return null;
	if (p.hour === null || p.minute === null) return dayWords(p, words);
	const time = clock(p.hour, p.minute);
	return `${dayWords(p, words)} à ${words.nbsp === false ? time : time.replace(/ /g, NBSP)}`;
}

const two = (n: number) => String(n).padStart(2, '0');

/**
 * An instant in figures, Paris time, as spreadsheets and tables read it: "29/03/2026 09:05"
 * ({ seconds: true } → "29/03/2026 09:05:09").
 */
export function formatShortDateTime(at: Date, opts: { seconds?: boolean } = {}): string {
	const w = parisWallClock(at);
	return `${two(w.day)}/${two(w.month)}/${w.year} ${two(w.hour)}:${two(w.minute)}${opts.seconds ? ':' + two(w.second) : ''}`;
}

/**
 * An appointment as the person and the professionals are told it, in e-mails, SMS and
 * pages: "mardi 24 novembre à 14 h 30" (the weekday, no year, plain spaces: SMS-ready).
 */
export function formatAppointment(at: Date): string {
	return formatDateTime(at, { weekday: true, year: false, nbsp: false }) ?? '';
}

/** A duration in minutes: 45 → "45 min", 60 → "1 h", 90 → "1 h 30", 600 → "10 h" (plain spaces). */
export function formatDuration(minutes: number): string {
	const m = Math.max(0, Math.round(minutes));
	if (m < 60) return `${m} min`;
	return clock(Math.floor(m / 60), m % 60);
}

const EUROS = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
const EUROS_ROUND = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });

/** Money in cents: 1000 → "10 €", 1050 → "10,50 €" (French spacing). */
export function euros(cents: number): string {
	return (cents % 100 === 0 ? EUROS_ROUND : EUROS).format(cents / 100);
}

/** A month (its first day): "2026-11-01" → "novembre 2026". */
export function monthLabel(month: string): string {
	const [y, m] = month.split('-').map(Number);
	return `${MONTH_NAMES[m - 1]} ${y}`;
}

/** A day: "2026-12-31" → "31 décembre 2026", "2026-11-01" → "1er novembre 2026" (formatDate for a day that is there). */
export function dayLabel(day: string): string {
	return formatDate(day) ?? day;
}

/** 1 → "1 lieu", 12 → "12 lieux". */
export function plural(n: number, one: string, many: string): string {
	return `${nf0.format(n)} ${n > 1 ? many : one}`;
}

/** "près d'Agen", "près de Bordeaux", "près du Havre", "près des Mureaux". */
export function near(label: string): string {
	return 'près ' + of(label);
}

/** "d’Agen", "de Bordeaux", "du Havre", "des Mureaux" ("à moins de 30 km d’Agen"). */
export function of(label: string): string {
	const l = label.trim();
	if (/^le\s/i.test(l)) return 'du ' + l.slice(3);
	if (/^les\s/i.test(l)) return 'des ' + l.slice(4);
	if (/^[aeiouyhàâäéèêëîïôöûüÿœæ]/i.test(l)) return 'd’' + l;
	return 'de ' + l;
}

/** A person's name after « de »: "d’Ahmed Benali", "de Marie Le Goff", "de Le Goff" (a name, never "du"). */
export function ofPerson(name: string): string {
	const n = name.trim();
	return /^[aeiouyhàâäéèêëîïôöûüÿœæ]/i.test(n) ? 'd’' + n : 'de ' + n;
}

/**
 * A value of the national standard as the pages show it: the standard spells its values
 * with a straight apostrophe (« Ce lieu n'accueille pas de public »), the pages with ’.
 * The value itself (stored, filtered, exported) stays as the standard has it.
 */
export function shown(value: string): string {
	return value.replace(/(\p{L})'(\p{L})/gu, '$1’$2');
}

/** The visible part of a URL: "https://www.example.fr/page/" → "www.example.fr/page". */
export function shortUrl(url: string): string {
	return url.replace(/^https?:\/\//i, '').replace(/\/$/, '');
}

/** Only http(s) and mailto links are rendered as links. */
export function safeHref(url: string | null | undefined): string | null {
	if (!url) return null;
	const u = url.trim();
	if (/^https?:\/\//i.test(u)) return u;
	if (/^www\./i.test(u)) return 'https://' + u;
	return null;
}

const SOURCE_LABELS: Record<string, string> = {
	'france-services': 'France Services (ANCT)',
	'conseillers-numeriques': 'Conseillers numériques (ANCT)',
	'conseiller-numerique': 'Conseillers numériques (ANCT)',
	cnfs: 'Conseillers numériques (ANCT)',
	'bus-france-services': 'France Services itinérants (ANCT)',
	fibre64: 'Pyrénées-Atlantiques (enquête Fibre 64)',
	'aidants-connect': 'Aidants Connect',
	'gironde-33': 'Département de la Gironde',
	'pyrenees-atlantiques-64': 'Pyrénées-Atlantiques (enquête Fibre 64)',
	'fibre-64': 'Pyrénées-Atlantiques (enquête Fibre 64)',
	'charente-16': 'Département de la Charente',
	'cartographie-nationale': 'Cartographie nationale des lieux d’inclusion numérique',
	'hub-numerique': 'Hub du numérique',
	manual: 'Saisie par l’équipe du Département',
	saisie: 'Saisie par l’équipe du Département'
};

/** A readable name for a data source id ("france-services" → "France Services (ANCT)"). */
export function sourceLabel(source: string): string {
	const key = source.trim().toLowerCase();
	if (SOURCE_LABELS[key]) return SOURCE_LABELS[key];
	const prefix = Object.keys(SOURCE_LABELS)
		.sort((a, b) => b.length - a.length)
		.find((k) => key.startsWith(k));
	if (prefix) return SOURCE_LABELS[prefix];
	const words = source.replace(/[-_]+/g, ' ').trim();
	return words.charAt(0).toUpperCase() + words.slice(1);
}

const DAY_CODES = ['mo', 'tu', 'we', 'th', 'fr', 'sa', 'su'];

/** The French name of a day given as "Lundi", "lundi", "Mo" or "monday". */
export function dayName(day: string): string {
	const d = day.trim().toLowerCase();
	const i = DAYS.includes(d) ? DAYS.indexOf(d) : DAY_CODES.indexOf(d.slice(0, 2));
	const name = i >= 0 ? DAYS[i] : d;
	return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Today's French day name in Paris time ("Lundi"). */
export function todayName(now: Date = new Date()): string {
	const name = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', timeZone: 'Europe/Paris' }).format(now);
	return name.charAt(0).toUpperCase() + name.slice(1);
}

const CLOCK = /^([01]?\d|2[0-4])\s*[:hH]\s*([0-5]\d)?$/;

/**
 * A time of day as French administrative style writes it: "09:00" → "9 h", "09:30" →
 * "9 h 30", "14h05" → "14 h 05", with non-breaking spaces (never "9" at a line's end and
 * "h" on the next). Anything else is returned as is. The stored and API format stays
 * "HH:MM" (OpenStreetMap opening_hours): this is for what a person reads.
 */
export function formatTime(time: string): string {
	const m = CLOCK.exec(time.trim());
	if (!m) return time;
	const h = Number(m[1]);
	return m[2] && m[2] !== '00' ? `${h}${NBSP}h${NBSP}${m[2]}` : `${h}${NBSP}h`;
}

/** Minutes since midnight → "9 h 30" (1440 → "24 h"). */
export function formatMinutes(minutes: number): string {
	const h = Math.floor(minutes / 60);
	const m = minutes % 60;
	return m ? `${h}${NBSP}h${NBSP}${m < 10 ? '0' : ''}${m}` : `${h}${NBSP}h`;
}

/**
 * An opening range: "09:00-12:00" or "09:00 – 12:00" → "9 h – 12 h", "14:00-17:30" →
 * "14 h – 17 h 30" (non-breaking space before the dash: the range breaks, if it must,
 * after it). The one formatter of hours for pages, e-mails and PDFs.
 */
export function formatRange(range: string): string {
	const parts = range.split(/\s*[-–]\s*/);
	if (parts.length !== 2) return formatTime(range);
	return `${formatTime(parts[0])}${NBSP}– ${formatTime(parts[1])}`;
}

/** A place's closure, as the pages show it. `until` is the day it reopens (YYYY-MM-DD). */
export interface ClosureView {
	kind: 'temporary' | 'permanent';
	until: string | null;
	reason?: string | null;
}

/** The day before a YYYY-MM-DD day. */
function dayBefore(iso: string): string {
	const t = Date.parse(iso + 'T00:00:00Z');
	return Number.isNaN(t) ? iso : new Date(t - 86_400_000).toISOString().slice(0, 10);
}

/**
 * « Fermé définitivement », « Fermé temporairement jusqu’au 14 janvier 2027 inclus » (the
 * last closed day: the place reopens on `until`), « Fermé temporairement ».
 */
export function closureLabel(c: ClosureView): string {
	if (c.kind === 'permanent') return 'Fermé définitivement';
	return c.until ? `Fermé temporairement jusqu’au ${formatDate(dayBefore(c.until))} inclus` : 'Fermé temporairement';
}

/** « rouvre le 15 janvier 2027 » for a temporary closure with a date; null otherwise. */
export function reopening(c: ClosureView): string | null {
	return c.kind === 'temporary' && c.until ? `rouvre le ${formatDate(c.until)}` : null;
}

/** An opening status in one phrase: « Fermé, ouvre mardi à 9 h », « Fermé temporairement, rouvre le 15 janvier 2027 ». */
export function statusText(s: { label: string; detail: string | null } | null | undefined): string | null {
	if (!s) return null;
	return s.detail ? `${s.label}, ${s.detail}` : s.label;
}
