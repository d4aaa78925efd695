/**
 * The places a prescriber may refer a person to (issue 12): any place, found by its name,
 * its commune, its postcode or its address; the places that receive referrals first (their
 * team on the platform, then those reached by a link at their e-mail), then the nearest to
 * the person. Without words typed, the places within NEARBY_METRES of the point; with
 * words, any place that matches them, however far. A place that receives nothing online is
 * listed too: the prescriber may choose it and tell the place themselves.
 *
 * Kept apart from the public search (search.ts): a different order, and every place,
 * whatever its data. Referral scores them against the person's assessment
 * (referral/candidates.ts scoreCandidates).
 */
import { and, asc, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { places } from './db.ts';
import { parisDay } from '../../time.ts';
import { normalizeKey } from './values.ts';
import { NEARBY_METRES } from './search-sql.ts';
import { chordToMetres, earthPoint } from '../db/types.ts';

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

/**
 * `hasTeam`: whether a team on the platform reads the place's referrals, as an SQL condition
 * on the place's id (accounts' `placeHasTeam`, passed by referral: places does not read
 * accounts' tables).
 */
export async function placesToReferTo(
	database: Database,
	q: CandidateQuery,
	hasTeam: (placeId: SQL) => SQL<boolean>
): Promise<{ items: Candidate[]; more: boolean; total: number }> {
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
	const team = hasTeam(sql`"places"."id"`);
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
	const today = parisDay();
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
