/**
 * Steering (issue 16), the offer, pure: from a département's communes (centre, population)
 * and the places around it, per commune the straight-line distance to the nearest place (any,
 * one offering « Aide aux démarches administratives », one open at least N half-days a week
 * for every N), then per unit the counts the tables show. No I/O: the service (offer.ts) loads,
 * this computes, offer-tables.ts writes the tables.
 *
 * Nearest places are found through a grid of cells of about 11 km (0.1° of latitude): each
 * commune looks at the cells within SEARCH_METRES only, so a département of 900 communes and
 * 8,000 places nearby takes milliseconds (docs/decisions/0017-steering-offer.md).
 */
import { EARTH_RADIUS, greatCircleMetres } from '../db/types.ts';
import { knownUpdate } from '../../components/format.ts';

export const ADMIN_SERVICE = 'Aide aux démarches administratives';
/** the distances the page reports (km) */
export const REACH_KM = [5, 10, 15] as const;
/** a commune with no place within this distance is in a white zone */
export const WHITE_ZONE_KM = 15;
/** how far the nearest place is looked for: beyond, « plus de 30 km » */
export const SEARCH_METRES = 30_000;
/** the half-days of a week */
export const HALF_DAYS = 14;
/** the default minimum of half-days open a week */
export const DEFAULT_HALF_DAYS = 5;
/** a half-day counts when the place is open at least this long in it (minutes) */
export const HALF_DAY_MIN_OPEN = 60;
/** the morning ends, the afternoon begins (minutes after midnight) */
export const NOON = 13 * 60;

/** What the offer needs of a place (places' OfferPlace). */
export interface PlaceFact {
	id: string;
	latitude: number | null;
	longitude: number | null;
	codeInsee: string | null;
	departmentCode: string | null;
	services: readonly string[];
	openWeek: readonly (readonly [number, number])[] | null;
	dateMaj: string;
	createdOn: string;
	acceptsPass: boolean;
}

export interface CommuneCentre {
	inseeCode: string;
	latitude: number | null;
	longitude: number | null;
}

/** Per commune: metres to the nearest place of each kind; null when none within SEARCH_METRES (or the commune has no centre). */
export interface CommuneReach {
	any: number | null;
	admin: number | null;
	/** index N − 1: the nearest place open at least N half-days a week (N = 1…14) */
	open: (number | null)[];
}

/**
 * The half-days a week a place is open: each day's morning (before 13:00) and afternoon
 * (from 13:00) count when it is open at least an hour in them. Null when the hours are unknown.
 */
export function halfDaysOpen(week: readonly (readonly [number, number])[] | null): number | null {
	if (week == null) return null;
	const open = new Array<number>(HALF_DAYS).fill(0);
	for (const [a, b] of week) {
		// walk the interval across the half-days it spans
		for (let s = a; s < b;) {
			const day = Math.floor(s / 1440);
			const afternoon = s - day * 1440 >= NOON;
			const end = Math.min(b, day * 1440 + (afternoon ? 1440 : NOON));
			open[day * 2 + (afternoon ? 1 : 0)] += end - s;
			s = end;
		}
	}
	let n = 0;
	for (const minutes of open) if (minutes >= HALF_DAY_MIN_OPEN) n++;
	return n;
}

/** The first day the place is known to exist: its last update (when known) or its recording in maillage, the earlier. */
export function knownSince(p: Pick<PlaceFact, 'dateMaj' | 'createdOn'>): string {
	return knownUpdate(p.dateMaj) && p.dateMaj < p.createdOn ? p.dateMaj : p.createdOn;
}

/** The places that existed on the day before `end` (exclusive), as far as maillage knows. */
export function placesAt<P extends Pick<PlaceFact, 'dateMaj' | 'createdOn'>>(places: readonly P[], end: string): P[] {
	return places.filter((p) => knownSince(p) < end);
}

/** The same day `months` months earlier (the 31st → the month's last day). */
export function monthsBefore(day: string, months: number): string {
	const [y, m, d] = day.split('-').map(Number);
	const total = y * 12 + (m - 1) - months;
	const ny = Math.floor(total / 12);
	const nm = (total % 12) + 1;
	const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
	return `${ny}-${String(nm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

const CELL = 0.1;
const cellKey = (i: number, j: number) => i * 100_000 + j;

const RAD = Math.PI / 180;
/** metres per degree of latitude (the one earth radius) */
const METRES_PER_DEGREE = EARTH_RADIUS * RAD;
/** how far the flat-earth estimate may be from the great-circle distance within SEARCH_METRES (relative, generous) */
const SLACK = 0.01;

/**
 * Per commune (by INSEE code), the nearest place of each kind. Each commune looks at the grid's
 * cells within SEARCH_METRES; a flat-earth estimate (exact within 1 % at 30 km) discards the
 * places too far or no nearer than what is found already, and the great-circle distance is
 * computed for the others only.
 */
export function communeReach(communes: readonly CommuneCentre[], places: readonly PlaceFact[]): Map<string, CommuneReach> {
	const grid = new Map<number, { lat: number; lon: number; admin: boolean; halfDays: number | null }[]>();
	for (const p of places) {
		if (p.latitude == null || p.longitude == null) continue;
		const k = cellKey(Math.floor(p.latitude / CELL), Math.floor(p.longitude / CELL));
		const list = grid.get(k) ?? [];
		list.push({ lat: p.latitude, lon: p.longitude, admin: p.services.includes(ADMIN_SERVICE), halfDays: halfDaysOpen(p.openWeek) });
		grid.set(k, list);
	}
	const out = new Map<string, CommuneReach>();
	const latSpan = (SEARCH_METRES * (1 + SLACK)) / METRES_PER_DEGREE;
	const reach2 = (SEARCH_METRES * (1 + SLACK)) ** 2;
	for (const c of communes) {
		const reach: CommuneReach = { any: null, admin: null, open: new Array<number | null>(HALF_DAYS).fill(null) };
		out.set(c.inseeCode, reach);
		if (c.latitude == null || c.longitude == null) continue;
		const cos = Math.cos(c.latitude * RAD);
		const lonSpan = latSpan / Math.max(0.05, cos);
		const byHalfDays = new Array<number>(HALF_DAYS + 1).fill(Infinity);
		let any = Infinity;
		let admin = Infinity;
		for (let i = Math.floor((c.latitude - latSpan) / CELL); i <= Math.floor((c.latitude + latSpan) / CELL); i++)
			for (let j = Math.floor((c.longitude - lonSpan) / CELL); j <= Math.floor((c.longitude + lonSpan) / CELL); j++) {
				const cell = grid.get(cellKey(i, j));
				if (!cell) continue;
				for (const p of cell) {
					const dy = (p.lat - c.latitude) * METRES_PER_DEGREE;
					const dx = (p.lon - c.longitude) * METRES_PER_DEGREE * cos;
					const flat2 = dx * dx + dy * dy;
					if (flat2 > reach2) continue;
					// the worst of what this place could improve
					let worst = any;
					if (p.admin && admin > worst) worst = admin;
					if (p.halfDays != null && byHalfDays[p.halfDays] > worst) worst = byHalfDays[p.halfDays];
					if (worst !== Infinity && Math.sqrt(flat2) * (1 - SLACK) > worst) continue;
					const d = greatCircleMetres(c.latitude, c.longitude, p.lat, p.lon);
					if (d > SEARCH_METRES) continue;
					if (d < any) any = d;
					if (p.admin && d < admin) admin = d;
					if (p.halfDays != null && d < byHalfDays[p.halfDays]) byHalfDays[p.halfDays] = d;
				}
			}
		const fin = (d: number) => (Number.isFinite(d) ? d : null);
		reach.any = fin(any);
		reach.admin = fin(admin);
		// open at least N half-days: the nearest among those open N, N + 1, … 14
		let best = Infinity;
		for (let n = HALF_DAYS; n >= 1; n--) {
			best = Math.min(best, byHalfDays[n]);
			reach.open[n - 1] = fin(best);
		}
	}
	return out;
}

/** Within `km` of the nearest place (the reach's distance, null = beyond the search). */
export const within = (metres: number | null, km: number) => metres != null && metres <= km * 1000;
