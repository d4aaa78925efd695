/**
 * Opening hours written per weekday as free text ("09:00 - 12:00 / 13:30 - 17:00", "9h-12h",
 * "08:30-12:00,13:30-17:30", "Fermé", "-", "") → an OpenStreetMap opening_hours string that
 * groups identical days: "Mo-Th 09:00-12:00,13:30-17:00; Fr 09:00-12:00,13:30-16:00".
 * A day whose text cannot be read is left out (so: closed in the result) and reported.
 */

export const OSM_DAYS = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'] as const;
export const FRENCH_DAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'] as const;

/** [start, end] in minutes from midnight; end may be 1440 (24:00). */
export type Interval = [number, number];

export type DayParse =
	{ ok: true; intervals: Interval[]; notes: string[]; /** intervals as OSM, "" when closed */ osm: string } | { ok: false; reason: string };

const CLOSED_RE = /^(?:[-–—/.x]+|ferm[ée]e?s?|closed|non|aucune?|n\/a|sans objet)$/;
const TIME_RE = /(?<!\d)(\d{1,2})(?!\d)\s*(?:(?::|h)\s*(?:(\d{2})(?!\d))?)?/g;
const FILLER_WORDS_RE = /(?<=^|[\s\-/,;])(?:et|à|a|de|puis)(?=$|[\s\-/,;])/g;
const ONLY_SEPARATORS_RE = /^[\s\-/,;:+&.]*$/;
const WHITESPACE_RE = /[\s\u00a0]+/g;
const DASHES_RE = /[–—]/g;

export function formatTime(min: number): string {
	const h = Math.floor(min / 60);
	const m = min % 60;
	return `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}`;
}

export function formatIntervals(intervals: Interval[]): string {
	return intervals.map(([s, e]) => `${formatTime(s)}-${formatTime(e)}`).join(',');
}

const DAY_CACHE = new Map<string, DayParse>();
const DAY_CACHE_MAX = 10_000;

/** Reads one day's text (results are shared: do not mutate them). */
export function parseDayText(text: string | undefined | null): DayParse {
	const key = text ?? '';
	let r = DAY_CACHE.get(key);
	if (!r) {
		if (DAY_CACHE.size >= DAY_CACHE_MAX) DAY_CACHE.clear();
		DAY_CACHE.set(key, (r = readDayText(key)));
	}
	return r;
}

function readDayText(text: string): DayParse {
	const t = text.toLowerCase().replace(WHITESPACE_RE, ' ').replace(DASHES_RE, '-').trim();
	if (t === '' || CLOSED_RE.test(t)) return { ok: true, intervals: [], notes: [], osm: '' };

	const times: number[] = [];
	TIME_RE.lastIndex = 0;
	let m: RegExpExecArray | null;
	while ((m = TIME_RE.exec(t))) {
		const h = Number(m[1]);
		const min = m[2] ? Number(m[2]) : 0;
		if (h > 24 || min > 59 || (h === 24 && min > 0)) return { ok: false, reason: `heure impossible « ${m[0].trim()} »` };
		times.push(h * 60 + min);
	}
	const residue = t.replace(TIME_RE, ' ').replace(FILLER_WORDS_RE, ' ');
	if (!ONLY_SEPARATORS_RE.test(residue)) return { ok: false, reason: 'texte non reconnu' };
	if (times.length === 0 || times.length % 2 !== 0) return { ok: false, reason: 'nombre d’heures impair' };

	const notes: string[] = [];
	const pairs: Interval[] = [];
	for (let i = 0; i < times.length; i += 2) {
		const s = times[i];
		let e = times[i + 1];
		if (e === 0 && s > 0) e = 1440; // "20:00-00:00"
		if (e === s) {
			notes.push(`plage vide ${formatTime(s)}-${formatTime(e)} ignorée`);
			continue;
		}
		if (e < s) return { ok: false, reason: `plage à l’envers ${formatTime(s)}-${formatTime(e)}` };
		pairs.push([s, e]);
	}
	if (!pairs.length) return { ok: true, intervals: [], notes, osm: '' };

	let inOrder = true;
	for (let i = 1; i < pairs.length; i++) if (pairs[i][0] < pairs[i - 1][0]) inOrder = false;
	const sorted = inOrder ? pairs : [...pairs].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	const merged: Interval[] = [];
	let overlapped = false;
	for (const [s, e] of sorted) {
		const last = merged[merged.length - 1];
		if (last && s <= last[1]) {
			const identical = s === last[0] && e === last[1];
			if (s < last[1] && !identical) overlapped = true;
			if (e > last[1]) last[1] = e;
		} else merged.push([s, e]);
	}
	// out of order AND overlapping: most likely a typo ("09:00-13:00-/3:00-16:00"), do not guess
	if (overlapped && !inOrder) return { ok: false, reason: 'plages dans le désordre et qui se chevauchent' };
	if (overlapped) notes.push(`plages qui se chevauchent fusionnées (${formatIntervals(merged)})`);
	return { ok: true, intervals: merged, notes, osm: formatIntervals(merged) };
}

export interface WeekResult {
	/** OSM opening_hours, undefined when no day is open */
	horaires?: string;
	/** French, one per day left out or corrected */
	warnings: string[];
}

/**
 * A week from seven day texts (Monday first; missing days = closed) → OSM opening_hours.
 * Identical days are grouped: runs of 3+ days as "Mo-Th", shorter ones with commas.
 */
export function weekToOsm(dayTexts: (string | undefined | null)[]): WeekResult {
	const warnings: string[] = [];
	const schedules: string[] = ['', '', '', '', '', '', ''];
	for (let d = 0; d < 7; d++) {
		const text = dayTexts[d];
		const p = parseDayText(text);
		if (!p.ok) {
			warnings.push(`horaires du ${FRENCH_DAYS[d]} illisibles (« ${(text ?? '').replace(WHITESPACE_RE, ' ').trim()} » : ${p.reason}) : jour non repris`);
			continue;
		}
		for (let i = 0; i < p.notes.length; i++) warnings.push(`horaires du ${FRENCH_DAYS[d]} : ${p.notes[i]}`);
		schedules[d] = p.osm;
	}
	// group identical days, in the order of their first day
	let horaires: string | undefined;
	const done = [false, false, false, false, false, false, false];
	for (let d = 0; d < 7; d++) {
		const s = schedules[d];
		if (!s || done[d]) continue;
		const days = [d];
		for (let e = d + 1; e < 7; e++)
			if (schedules[e] === s) {
				days.push(e);
				done[e] = true;
			}
		const rule = `${dayList(days)} ${s}`;
		horaires = horaires === undefined ? rule : `${horaires}; ${rule}`;
	}
	return horaires === undefined ? { warnings } : { horaires, warnings };
}

/** [0,1,2,3,5] → "Mo-Th,Sa"; [0,2] → "Mo,We"; [0,1] → "Mo,Tu". */
export function dayList(days: number[]): string {
	const parts: string[] = [];
	let i = 0;
	while (i < days.length) {
		let j = i;
		while (j + 1 < days.length && days[j + 1] === days[j] + 1) j++;
		const len = j - i + 1;
		if (len >= 3) parts.push(`${OSM_DAYS[days[i]]}-${OSM_DAYS[days[j]]}`);
		else for (let k = i; k <= j; k++) parts.push(OSM_DAYS[days[k]]);
		i = j + 1;
	}
	return parts.join(',');
}
