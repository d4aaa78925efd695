/**
 * The places a prescriber may refer a person to (issue 12): any place, found by its name,
 * its commune, its postcode or its address; the places that receive referrals first (their
 * team on the platform, then those reached by a link at their e-mail), then the nearest to
 * the person. Without words typed, the places within NEARBY_METRES of the point; with
 * words, any place that matches them, however far. A place that receives nothing online is
 * listed too: the prescriber may choose it and tell the place themselves.
 *
 * Kept apart from the public search (places/search.ts): a different order, and every
 * place, whatever its data.
 */
import { and, asc, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { places } from '../places/db.ts';
import { parisToday, normalizeKey, NEARBY_METRES } from '../places/index.ts';
import { chordToMetres, earthPoint } from '../db/types.ts';
import type { PublicPlace } from '../places/index.ts';
import { AXES, scorePlace, type Assessment } from '../assessment/index.ts';

export type Receives = 'team' | 'email' | null;

export interface Candidate {
	id: string;
	nom: string;
	adresse: string;
	codePostal: string;
	commune: string;
	codeInsee: string | null;
	telephone: string | null;
	courriels: string[];
	horaires: string | null;
	/** 'address' or 'municipality' (placed at its commune's centre) */
	locationPrecision: string;
	distanceMeters: number | null;
	receives: Receives;
	/** closed for a while today (until the day it reopens), else null */
	closure: { kind: 'temporary' | 'permanent'; until: string | null } | null;
	/** for scoring against an assessment (assessment/recommend.ts scorePlace) */
	services: string[];
	priseEnChargeSpecifique: string[];
	fraisACharge: string[];
	modalitesAccompagnement: string[];
	itinerance: string[];
}

export interface CandidateQuery {
	/** the point distances are measured from (the person's commune, or the one typed) */
	point: { latitude: number; longitude: number } | null;
	/** words of the place's name, commune, postcode or address */
	text?: string | null;
	/** how many to return */
	limit: number;
	/** without a point nor words: the instance's départements */
	departmentCodes?: string[];
}

/** Lower case without accents, as normalizeKey does, in SQL. */
const folded = (e: SQL) => sql`translate(lower(${e}), 'àâäáãåçéèêëíìîïñóòôöõúùûüýÿœæ''’-', 'aaaaaaceeeeiiiinooooouuuuyyoa   ')`;

/** Words typed, each to be found in the name, the commune, the postcode or the address. */
export function candidateWords(text: string | null | undefined): string[] {
	return normalizeKey(text ?? '')
		.split(/\s+/)
		.filter((w) => w.length >= 2 || /^\d$/.test(w))
		.slice(0, 8);
}

export async function referralCandidates(database: Database, q: CandidateQuery): Promise<{ items: Candidate[]; more: boolean; total: number }> {
	const words = candidateWords(q.text);
	const origin = q.point ? sql`${earthPoint(q.point.latitude, q.point.longitude)}::cube` : null;
	const chord = origin ? sql<number | null>`(${places.pos} <-> ${origin})` : sql<null>`NULL::float8`;
	// a place closed for good is not offered (the service refuses it too)
	const conds: SQL[] = [sql`${places.closure} is distinct from 'permanent'`];
	const haystack = sql`(${places.nameKey} || ' ' || ${folded(sql`${places.commune} || ' ' || ${places.codePostal} || ' ' || ${places.adresse}`)})`;
	for (const w of words) conds.push(sql`${haystack} like ${'%' + w.replace(/[%_\\]/g, '') + '%'}`);
	if (!words.length) {
		if (origin)
			conds.push(
				sql`${places.pos} <@ cube_enlarge(${origin}, ${sql.raw(String(NEARBY_METRES))}::float8, 3)`,
				sql`${chord} <= ${sql.raw(String(NEARBY_METRES))}::float8`
			);
		else if (q.departmentCodes?.length)
			conds.push(
				sql`${places.departmentCode} in (${sql.join(
					q.departmentCodes.map((d) => sql`${d}`),
					sql`, `
				)})`
			);
	}
	// a team that can read referrals: an active structure with an active mediator or place manager (as the service decides)
	const team = sql<boolean>`exists (select 1 from organisation_places op join organisations o on o.id = op.organisation_id join memberships m on m.organisation_id = o.id and m.role in ('mediator', 'place_manager') join users u on u.id = m.user_id and u.active where op.place_id = "places"."id" and o.active)`;
	const tier = sql<number>`case when ${team} then 0 when coalesce(cardinality(${places.courriels}), 0) > 0 then 1 else 2 end`;
	const limit = Math.min(Math.max(1, q.limit), 200);
	const [rows, [{ n }]] = await Promise.all([
		database.db
			.select({
				id: places.id,
				nom: places.nom,
				adresse: places.adresse,
				codePostal: places.codePostal,
				commune: places.commune,
				codeInsee: places.codeInsee,
				telephone: places.telephone,
				courriels: places.courriels,
				horaires: places.horaires,
				locationPrecision: places.locationPrecision,
				services: places.services,
				priseEnChargeSpecifique: places.priseEnChargeSpecifique,
				fraisACharge: places.fraisACharge,
				modalitesAccompagnement: places.modalitesAccompagnement,
				itinerance: places.itinerance,
				closure: places.closure,
				closedUntil: places.closedUntil,
				tier: tier.as('tier'),
				chord: chord.as('chord')
			})
			.from(places)
			.where(and(...conds))
			.orderBy(sql`tier`, sql`chord asc nulls last`, asc(places.nameKey), asc(places.id))
			.limit(limit + 1),
		database.db
			.select({ n: sql<number>`count(*)::int` })
			.from(places)
			.where(and(...conds))
	]);
	const today = parisToday();
	const items = rows.slice(0, limit).map(({ tier: t, chord: c, closure: k, closedUntil: u, ...r }) => ({
		...r,
		closure: k === 'temporary' && u && u > today ? { kind: 'temporary' as const, until: u } : null,
		courriels: r.courriels ?? [],
		services: r.services ?? [],
		priseEnChargeSpecifique: r.priseEnChargeSpecifique ?? [],
		fraisACharge: r.fraisACharge ?? [],
		modalitesAccompagnement: r.modalitesAccompagnement ?? [],
		itinerance: r.itinerance ?? [],
		distanceMeters: c == null ? null : Math.round(chordToMetres(Number(c))),
		receives: (Number(t) === 0 ? 'team' : Number(t) === 1 ? 'email' : null) as Receives
	}));
	return { items, more: rows.length > limit, total: Number(n) };
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
