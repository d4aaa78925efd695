/**
 * Issue 14, item 9: one earth radius and one e-mail rule for the whole product. The
 * deduplication measured distances with 6,371,000 m while the search used 6,378,168 m; the
 * places checked e-mail addresses with a regex of their own while the accounts used zod.
 */
import { describe, expect, it } from 'vitest';
import { chordToMetres, EARTH_RADIUS, earthPoint, greatCircleMetres } from '../src/lib/server/db/types.ts';
import { distanceMetres as dedupDistance } from '../src/lib/server/places/dedup.ts';
import { distanceMetres as placeDistance } from '../src/lib/server/places/place.ts';
import { normalizeEmail } from '../src/lib/server/places/values.ts';
import { emailSchema } from '../src/lib/server/accounts/model.ts';

const AGEN = { latitude: 44.2033, longitude: 0.6163 };
const BORDEAUX = { latitude: 44.8378, longitude: -0.5792 };

function chord(a: typeof AGEN, b: typeof AGEN): number {
	const [x1, y1, z1] = earthPoint(a.latitude, a.longitude).slice(1, -1).split(',').map(Number);
	const [x2, y2, z2] = earthPoint(b.latitude, b.longitude).slice(1, -1).split(',').map(Number);
	return Math.hypot(x1 - x2, y1 - y2, z1 - z2);
}

describe('one earth radius', () => {
	it('the deduplication, a place’s page and the search (stored positions) measure the same distance', () => {
		const byDedup = dedupDistance(AGEN.latitude, AGEN.longitude, BORDEAUX.latitude, BORDEAUX.longitude);
		const byPage = placeDistance(AGEN, BORDEAUX);
		const bySearch = chordToMetres(chord(AGEN, BORDEAUX));
		expect(byDedup).toBe(byPage);
		expect(Math.abs(byDedup - bySearch)).toBeLessThan(0.01);
		expect(greatCircleMetres(0, 0, 0, 180)).toBeCloseTo(Math.PI * EARTH_RADIUS, 3);
	});
});

describe('one e-mail rule', () => {
	const samples = [
		'contact@mediatheque-agen.fr',
		'prenom.nom@exemple.fr',
		'a+b@sous.domaine.gouv.fr',
		"o'brien@exemple.ie",
		'accueil@ccas-villeneuve',
		'pas une adresse',
		'@exemple.fr',
		'nom@',
		'nom..double@exemple.fr',
		'nom@exemple..fr',
		'nom@-exemple.fr',
		'nom@exemple.f',
		'#!$%@exemple.fr',
		'accents.é@exemple.fr'
	];
	it.each(samples)('places and accounts agree on « %s »', (s) => {
		expect(normalizeEmail(s) !== null).toBe(emailSchema.safeParse(s).success);
	});
});
