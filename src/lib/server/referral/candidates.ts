/**
 * The candidate places for a referral (places/candidates.ts finds them), as the
 * prescriber reads them: a distance that means something, and each scored against the
 * person's assessment.
 */
import type { Database } from '../db/client.ts';
import { placesToReferTo, type Candidate, type CandidateQuery, type Receives, type PublicPlace } from '../places/index.ts';
import { placeHasTeam } from '../accounts/index.ts';
import { AXES, scorePlace, type Assessment } from '../assessment/index.ts';

/** The places a prescriber may refer a person to: those a team reads first (places/candidates.ts says the rest of the order). */
export function referralCandidates(database: Database, q: CandidateQuery) {
	return placesToReferTo(database, q, placeHasTeam);
}

/**
 * The distance shown on a candidate: "dans la commune" when the place is in the person's
 * commune and its position is only the commune's centre (a distance would mean nothing),
 * else "à 190 m" / "à 12 km" (format.ts formatDistance).
 */
export function distanceLabel(
	c: Pick<Candidate, 'codeInsee' | 'locationPrecision' | 'distanceMeters'>,
	inseeCode: string | null,
	format: (m: number | null | undefined) => string | null
): string | null {
	if (inseeCode && c.codeInsee === inseeCode && c.locationPrecision !== 'address') return 'dans la commune';
	return format(c.distanceMeters);
}

/** Without an assessment: only what every place lacks (hours, a contact) is said. */
const NEUTRAL: Assessment = {
	version: 1,
	profile: Object.fromEntries(Object.keys(AXES).map((k) => [k, null])) as Assessment['profile'],
	urgency: null,
	services: [],
	filters: { priseEnCharge: [], ouvertSamedi: false, gratuit: false, itinerant: false, accompagnement: [] }
};

/**
 * Each candidate with its reasons and what it lacks (assessment/recommend.ts scorePlace).
 * The query's order stands (receiving places first); with an assessment, within each of
 * those groups, the best score first, then the query's order.
 */
export function scoreCandidates(items: Candidate[], assessment: Assessment | null) {
	const tierOf = (r: Receives) => (r === 'team' ? 0 : r === 'email' ? 1 : 2);
	// a candidate carries every field scorePlace reads (Candidate's fields above)
	const scored = items.map((c, i) => ({
		c,
		i,
		s: scorePlace(
			{ place: c as unknown as PublicPlace, distanceMeters: c.distanceMeters, status: null, completeness: 0, band: null, acceptsPass: false },
			assessment ?? NEUTRAL
		)
	}));
	if (assessment) scored.sort((x, y) => tierOf(x.c.receives) - tierOf(y.c.receives) || y.s.score - x.s.score || x.i - y.i);
	return scored;
}
