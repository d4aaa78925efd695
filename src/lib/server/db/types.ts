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

/** Earth radius used by the earthdistance extension (metres). */
export const EARTH_RADIUS = 6378168;

/** A position as a 3-D point on the earth's surface (metres), the text form of a cube. */
export function earthPoint(latitude: number, longitude: number): string {
	const la = (latitude * Math.PI) / 180;
	const lo = (longitude * Math.PI) / 180;
	const x = EARTH_RADIUS * Math.cos(la) * Math.cos(lo);
	const y = EARTH_RADIUS * Math.cos(la) * Math.sin(lo);
	const z = EARTH_RADIUS * Math.sin(la);
	return `(${x}, ${y}, ${z})`;
}

/** Great-circle distance (metres) from the straight-line (chord) distance between two earth points. */
export function chordToMetres(chord: number): number {
	return 2 * EARTH_RADIUS * Math.asin(Math.min(1, chord / (2 * EARTH_RADIUS)));
}
