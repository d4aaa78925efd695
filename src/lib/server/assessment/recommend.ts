/**
 * A ranked recommendation of places for an assessment: the places near the person, scored
 * on what the assessment asks (services for the needs, distance, Saturday opening,
 * adapted reception, fees, the way of being helped, a travelling service), each with the
 * reasons in plain French, and what it lacks. The prescriber chooses; the ranking only
 * proposes.
 */
import type { Database } from '../db/client.ts';
import { emptyFilters, weeklyOpenIntervals, searchPlaces, type SearchItem } from '../places/index.ts';
import type { Assessment } from './model.ts';
import { formatDistance } from '../../components/format.ts';

const SATURDAY: [number, number] = [5 * 1440, 6 * 1440];
const CANDIDATES = 60;

export interface Recommendation {
	item: SearchItem;
	score: number;
	reasons: string[];
	missing: string[];
	/** the person said when they are free (« Je ne suis libre que le samedi ») and the place is open then: it comes first */
	openWhenFree?: boolean;
}

/** « à 780 m » → « À 780 m »: a reason starts its line. */
const capital = (s: string | null) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : null);

/**
 * The distance as the public search shows it (issue 12, item 4), with the same rounding
 * (formatDistance: « À 780 m », « À 6,3 km », as /lieux says it of the same place): a place
 * set at its commune's centre is "dans la commune" when that is the commune searched, else
 * "à environ" (a kilometre at least, as the search's ResultItem).
 */
export function distanceLabel(item: SearchItem, searchedInsee?: string | null): string | null {
	const m = item.distanceMeters;
	if (m == null) return null;
	if (item.place.locationPrecision !== 'municipality') return capital(formatDistance(m));
	if (searchedInsee && item.place.codeInsee === searchedInsee) return 'Dans la commune';
	return capital(formatDistance(Math.max(m, 1000))?.replace(/^à /, 'à environ ') ?? null);
}

/**
 * The score of one place for one assessment (0 to about 100), with its reasons. Pure.
 * What is known of the place counts too (issue 12, item 4): 5 points each for an exact
 * position, known opening hours and a phone or an e-mail, so that a complete place comes
 * before an incomplete one nearby.
 */
export function scorePlace(item: SearchItem, a: Assessment, searchedInsee?: string | null): Recommendation {
	const p = item.place;
	const reasons: string[] = [];
	const missing: string[] = [];
	let score = 0;

	const offered = a.services.filter((s) => p.services.includes(s));
	if (a.services.length) {
		score += 40 * (offered.length / a.services.length);
		if (offered.length) reasons.push(`Propose\u00a0: ${offered.join(', ')}`);
		const lacking = a.services.filter((s) => !p.services.includes(s));
		if (lacking.length) missing.push(`Ne propose pas\u00a0: ${lacking.join(', ')}`);
	} else score += 20;

	if (item.distanceMeters != null) {
		score += 30 * Math.exp(-item.distanceMeters / 10_000);
		reasons.push(distanceLabel(item, searchedInsee)!);
	}
	score += 5 * (item.completeness ?? 0);
	if (!p.telephone && !p.courriels.length) missing.push('Ni téléphone ni e-mail connus');

	const iv = p.horaires ? weeklyOpenIntervals(p.horaires) : null;
	const saturday = !!iv?.some(([s, e]) => s < SATURDAY[1] && e > SATURDAY[0]);
	if (a.filters.ouvertSamedi) {
		if (saturday) {
			score += 10;
			reasons.push('Ouvert le samedi');
		} else missing.push(iv ? 'Fermé le samedi' : 'Horaires inconnus');
	} else if (!iv) missing.push('Horaires inconnus');

	const adapted = a.filters.priseEnCharge.filter((x) => p.priseEnChargeSpecifique.includes(x));
	if (adapted.length) {
		score += Math.min(20, 10 * adapted.length);
		reasons.push(`Accueil adapté\u00a0: ${adapted.join(', ')}`);
	} else if (a.filters.priseEnCharge.length) missing.push('Pas d’accueil adapté signalé');

	if (a.filters.gratuit) {
		if (p.fraisACharge.includes('Gratuit')) {
			score += 10;
			reasons.push('Gratuit');
		} else if (p.fraisACharge.includes('Gratuit sous condition')) {
			score += 5;
			reasons.push('Gratuit sous condition');
		} else if (p.fraisACharge.includes('Payant')) {
			score -= 20;
			missing.push('Payant');
		}
	}

	const how = a.filters.accompagnement.filter((x) => p.modalitesAccompagnement.includes(x));
	if (how.length) {
		score += 5;
		reasons.push(how.join(', '));
	}
	if (a.filters.itinerant && p.itinerance.includes('Itinérant')) {
		score += 5;
		reasons.push('Se déplace (itinérant)');
	}
	return { item, score: Math.round(score * 10) / 10, reasons, missing, openWhenFree: a.filters.ouvertSamedi ? saturday : undefined };
}

const notWhenFree = (r: Recommendation) => (r.openWhenFree === false ? 1 : 0);
const closedForAWhile = (r: { item: { status: { label: string } | null } }) => (r.item.status?.label === 'Fermé temporairement' ? 1 : 0);

export async function recommendPlaces(
	database: Database,
	a: Assessment,
	where: { where?: string; point?: { latitude: number; longitude: number; label: string; kind: 'municipality' } },
	opts: { limit?: number; homeDepartments?: string[]; now?: Date } = {}
) {
	const r = await searchPlaces(database, {
		...where,
		filters: emptyFilters(),
		limit: CANDIDATES,
		homeDepartments: opts.homeDepartments,
		now: opts.now,
		withStatus: true
	});
	const searchedInsee = r.where?.status === 'found' ? (r.where.point.inseeCode ?? null) : null;
	const ranked = r.items
		.map((i) => scorePlace(i, a, searchedInsee))
		// a place closed for a while comes after the open ones (its line says when it reopens); when the
		// person said when they are free, the places open then come before those closed then, however near
		.sort(
			(x, y) =>
				closedForAWhile(x) - closedForAWhile(y) ||
				notWhenFree(x) - notWhenFree(y) ||
				y.score - x.score ||
				(x.item.distanceMeters ?? Infinity) - (y.item.distanceMeters ?? Infinity)
		);
	return { where: r.where, recommendations: ranked.slice(0, opts.limit ?? 10) };
}
