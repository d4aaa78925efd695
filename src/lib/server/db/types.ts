import { customType } from 'drizzle-orm/pg-core';

/** PostgreSQL int4multirange, exchanged as its text form: "{[0,60),[120,180)}". */
export const int4multirange = customType<{ data: string; driverData: string }>({
	dataType() {
		return 'int4multirange';
	}
});

/** PostgreSQL cube (extension), exchanged as its text form "(x, y, z)". */
export const cube = customType<{ data: string; driverData: string }>({
	dataType() {
		return 'cube';
	}
});

/**
 * THE earth radius of maillage (metres): the earthdistance extension's, with which every
 * stored position (places.pos) was computed. Every distance, in SQL or in JavaScript, uses it.
 */
export const EARTH_RADIUS = 6378168;

/**
 * A position as a 3-D point on the earth's surface (metres), the text form of a cube.
 * With a `tieBreaker` (a place's id), the point moves by a fixed amount of at most
 * ±0.25 m per axis derived from it: places at the very same position (dozens of
 * structures placed at their commune's centroid) then come out nearest-first in a
 * stable order without sorting, and no distance shown to people changes.
 */
export function earthPoint(latitude: number, longitude: number, tieBreaker?: string): string {
	const la = (latitude * Math.PI) / 180;
	const lo = (longitude * Math.PI) / 180;
	let x = EARTH_RADIUS * Math.cos(la) * Math.cos(lo);
	let y = EARTH_RADIUS * Math.cos(la) * Math.sin(lo);
	let z = EARTH_RADIUS * Math.sin(la);
	if (tieBreaker) {
		let h = 0x811c9dc5; // FNV-1a
		for (let i = 0; i < tieBreaker.length; i++) h = Math.imul(h ^ tieBreaker.charCodeAt(i), 0x01000193) >>> 0;
		x += ((h & 0x3ff) / 0x3ff - 0.5) * 0.5;
		y += (((h >>> 10) & 0x3ff) / 0x3ff - 0.5) * 0.5;
		z += (((h >>> 20) & 0x3ff) / 0x3ff - 0.5) * 0.5;
	}
	return `(${x}, ${y}, ${z})`;
}

/** Great-circle distance (metres) from the straight-line (chord) distance between two earth points. */
export function chordToMetres(chord: number): number {
	return 2 * EARTH_RADIUS * Math.asin(Math.min(1, chord / (2 * EARTH_RADIUS)));
}

/** Great-circle distance (metres) between two positions given in degrees (haversine). */
export function greatCircleMetres(lat1: number, lon1: number, lat2: number, lon2: number): number {
	const r = Math.PI / 180;
	const dLat = (lat2 - lat1) * r;
	const dLon = (lon2 - lon1) * r;
	const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dLon / 2) ** 2;
	return 2 * EARTH_RADIUS * Math.asin(Math.min(1, Math.sqrt(h)));
}
