/**
 * The public search of places (the HTML search and the JSON API): where (a commune, an
 * address, a point), filters, pages by cursor or by number; around a point, ranked by
 * distance band and completeness (search-sql.ts), with statements prepared once.
 */
import { and, asc, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { places } from './db.ts';
import { chordToMetres, earthPoint, EARTH_RADIUS } from '../db/types.ts';
import { KEY_TO_FIELD } from './vocabulary.ts';
import { parisDay } from '../../time.ts';
import { resolveWhere, municipalityLookup, departmentNames, type AddressApi } from '../territory/index.ts';
import { ACCEPTS_PASS, closedStatus, closureOf, openingStatusOf, toPublicPlace, type OpeningState, type PlaceRow, type PublicPlace } from './place.ts';
import {
	BAND_CHORDS,
	bandOfChord,
	bandSql,
	COMPLETENESS,
	DISTANCE_BANDS_METRES,
	filterConditions,
	filterPlaceholders,
	homeBand,
	metresToChord,
	NEARBY_COUNT_CAP,
	NEARBY_METRES,
	type Filters
} from './search-sql.ts';
import type { PlaceFilters, WhereResolution, WherePoint } from './types.ts';
import { DomainError } from '../errors.ts';
import { licencesOf } from './licences.ts';

export interface SearchItem {
	place: PublicPlace;
	distanceMeters: number | null;
	status: OpeningState | null;
	/** 0–3: exact position, known hours, a phone or an e-mail (see COMPLETENESS) */
	completeness: number;
	/** around a point: its distance band (0 … DISTANCE_BANDS_METRES.length; the commune searched is band 0, see homeBand) */
	band: number | null;
	/** accepts the Pass Numérique */
	acceptsPass: boolean;
	/** its licence's identifier when it is open data, else null (licences.ts); searches only */
	licence?: string | null;
}
export interface SearchResult {
	where: WhereResolution | null;
	items: SearchItem[];
	nextCursor: string | null;
	/**
	 * places matching the filters, counted on the first page only: within NEARBY_METRES of
	 * the point when there is one, else all of them
	 */
	total: number | null;
	/**
	 * true when the count around a point stopped at NEARBY_COUNT_CAP: there are more
	 * ("plus de 200 lieux"); counting all 5,000 places around Paris costs 20 ms for nothing
	 */
	totalCapped: boolean;
	/** the radius `total` counts in, when searching around a point */
	radiusMeters: number | null;
	/** there are results after this page */
	hasMore: boolean;
}
export interface SearchParams {
	where?: string;
	/** a point already resolved (API: lat/lng) */
	point?: WherePoint;
	filters: PlaceFilters;
	after?: string;
	/** numbered pages (the HTML search): skip this many results instead of a cursor; the count is then given on every page */
	offset?: number;
	/** around a point, only places within this distance (the HTML search: NEARBY_METRES, so that the count and the pages agree) */
	maxMetres?: number;
	limit?: number;
	now?: Date;
	/** compute opening status per item (HTML); the JSON API skips it */
	withStatus?: boolean;
	/** the instance's départements: preferred for ambiguous "Où ?" and used when there's no point */
	homeDepartments?: string[];
	addressApi?: AddressApi;
}

export class InvalidCursorError extends DomainError<'invalid_cursor'> {
	constructor() {
		super('invalid_cursor', 'Le curseur de pagination est invalide ou périmé.', { status: 400 });
	}
}

/** A search statement prepared once per database, kind of rows, cursor or not, and set of filters. */
type NearStatement = { execute(params: Record<string, unknown>): Promise<unknown[]> };
const nearStatements = new WeakMap<Database, Map<string, NearStatement>>();
let statementCounter = 0;

interface Cursor {
	/** around a point: the distance band of the last item, its completeness, its chord distance (cube units) */
	b: number | null;
	s: number | null;
	d: number | null;
	/** sort key of the last item when sorted by name */
	k: string | null;
	id: string;
}

export function encodeCursor(c: Cursor): string {
	return Buffer.from(JSON.stringify([c.b, c.s, c.d, c.k, c.id])).toString('base64url');
}

export function decodeCursor(s: string): Cursor {
	try {
		const a = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
		if (!Array.isArray(a) || a.length !== 5) throw new Error();
		const [b, sc, d, k, id] = a;
		const num = (x: unknown) => x === null || (typeof x === 'number' && Number.isFinite(x));
		if (!num(b) || !num(sc) || !num(d) || (k !== null && typeof k !== 'string') || typeof id !== 'string') throw new Error();
		if (b !== null && (!Number.isInteger(b) || b < 0 || b > DISTANCE_BANDS_METRES.length)) throw new Error();
		return { b, s: sc, d, k, id };
	} catch {
		throw new InvalidCursorError();
	}
}

/** What a search reads per row: always id and nameKey (for the cursor), then any columns. */
type RowShape = (chord: SQL<number> | null) => Record<string, unknown> & { id: unknown; nameKey: unknown };

interface RowsResult<R> {
	where: WhereResolution | null;
	rows: (R & { chord: number | null; score: number; band?: number })[];
	nextCursor: string | null;
	total: number | null;
	totalCapped: boolean;
	radiusMeters: number | null;
	hasMore: boolean;
}

export async function searchPlaces(database: Database, p: SearchParams): Promise<SearchResult> {
	const now = p.now ?? new Date();
	const r = await searchRows<PlaceRow & { acceptsPass: boolean }>(database, p, 'row', () => ({ ...getTableColumns(places), acceptsPass: ACCEPTS_PASS }));
	const licences = await licencesOf(
		database,
		r.rows.map((x) => x.id)
	);
	const items = r.rows.map(({ chord, score, band, acceptsPass, ...row }) => ({
		place: toPublicPlace(row),
		distanceMeters: chord == null ? null : Math.round(chordToMetres(Number(chord))),
		status: p.withStatus ? (closedStatus(closureOf(row, parisDay(now))) ?? (row.horaires ? openingStatusOf(row.horaires, now) : null)) : null,
		completeness: Number(score),
		band: chord == null ? null : Number(band ?? bandOfChord(Number(chord))),
		acceptsPass: !!acceptsPass,
		licence: licences.get(row.id) ?? null
	}));
	return { where: r.where, items, nextCursor: r.nextCursor, total: r.total, totalCapped: r.totalCapped, radiusMeters: r.radiusMeters, hasMore: r.hasMore };
}

/**
 * The same search for the JSON API, each place already serialised by PostgreSQL with the
 * standard's field names (as placeToJson does): no array parsing, row mapping or
 * re-serialising in Node, the cost that capped throughput.
 */
export async function searchPlacesJson(database: Database, p: SearchParams): Promise<Omit<SearchResult, 'items'> & { items: string[] }> {
	const r = await searchRows<{ id: string; json: string }>(database, p, 'json', (chord) => ({
		id: places.id,
		nameKey: places.nameKey,
		json: placeJsonSql(chord)
	}));
	const licences = await licencesOf(
		database,
		r.rows.map((x) => x.id)
	);
	return {
		where: r.where,
		// the licence last, spliced in: `{…}` → `{…,"licence":…}`
		items: r.rows.map((x) => `${x.json.slice(0, -1)},"licence":${JSON.stringify(licences.get(x.id) ?? null)}}`),
		nextCursor: r.nextCursor,
		total: r.total,
		totalCapped: r.totalCapped,
		radiusMeters: r.radiusMeters,
		hasMore: r.hasMore
	};
}

/** json_build_object of a place with the standard's names; `distance_m` when searching around a point. */
let placeJsonPairs: SQL[] | undefined;
function placeJsonSql(chord: SQL<number> | null): SQL<string> {
	placeJsonPairs ??= (() => {
		const cols = getTableColumns(places) as Record<string, unknown>;
		const base = Object.entries(KEY_TO_FIELD).map(([key, field]) => sql`${field}::text, ${cols[key]}`);
		base.push(sql`'position_approximative', ${places.locationPrecision} = 'municipality'`);
		return base;
	})();
	const pairs = [...placeJsonPairs];
	if (chord) pairs.push(sql`'distance_m', round(2 * ${EARTH_RADIUS}::float8 * asin(least(1, ${chord} / (2 * ${EARTH_RADIUS}::float8))))::int`);
	return sql<string>`json_build_object(${sql.join(pairs, sql`, `)})::text`;
}

async function searchRows<R>(database: Database, p: SearchParams, shapeKey: string, shape: RowShape): Promise<RowsResult<R>> {
	const now = p.now ?? new Date();
	const limit = Math.min(Math.max(p.limit ?? 20, 1), 200);
	const offset = p.offset != null ? Math.max(0, Math.floor(p.offset)) : null;
	let where: WhereResolution | null = null;
	let point: WherePoint | null = p.point ?? null;
	const none = { rows: [], nextCursor: null, total: 0, totalCapped: false, radiusMeters: null, hasMore: false };
	if (!point && p.where?.trim()) {
		where = await resolveWhere(database, p.where, { departmentCodes: p.homeDepartments, addressApi: p.addressApi });
		if (where.status !== 'found') return { where, ...none };
		point = where.point;
	} else if (point) {
		where = { status: 'found', point };
	}
	const filters = { ...p.filters };
	if (!point && !filters.departements.length && p.homeDepartments?.length) filters.departements = p.homeDepartments;
	const conds = filterConditions(filters, now);
	const cursor = offset == null && p.after ? decodeCursor(p.after) : null;
	const counted = offset != null || !cursor;

	type Row = R & { id: string; nameKey: string; chord: number | null; score: number; band?: number };
	let page: Row[];
	let more: boolean;
	let total: number | null = null;
	let totalCapped = false;
	if (point) {
		if (cursor && cursor.b == null) throw new InvalidCursorError();
		const origin = earthPoint(point.latitude, point.longitude);
		const f = filterPlaceholders(filters, now);
		const maxChord = p.maxMetres != null ? metresToChord(p.maxMetres) : null;
		const { rows, nearby } = await bandedRows<Row>(database, shapeKey, shape, f, origin, { cursor, offset, need: limit + 1, maxChord, home: homeBand(point) });
		more = rows.length > limit;
		page = rows.slice(0, limit);
		if (counted) {
			const n = nearby ?? (await countNear(database, f, origin));
			total = Math.min(n, NEARBY_COUNT_CAP);
			totalCapped = n > NEARBY_COUNT_CAP;
		}
	} else {
		if (cursor && cursor.b != null) throw new InvalidCursorError();
		const after = cursor ? [sql`(${places.nameKey}, ${places.id}) > (${cursor.k ?? ''}, ${cursor.id})`] : [];
		const rows = (await database.db
			.select({ ...shape(null), chord: sql<null>`NULL`.as('chord'), score: sql<number>`${COMPLETENESS}`.as('score') } as never)
			.from(places)
			.where(and(...conds, ...after))
			.orderBy(asc(places.nameKey), asc(places.id))
			.limit(limit + 1)
			.offset(offset ?? 0)) as Row[];
		more = rows.length > limit;
		page = rows.slice(0, limit);
		if (counted) {
			if (!more && !offset) total = page.length;
			else {
				const [{ n }] = await database.db
					.select({ n: sql<number>`count(*)::int` })
					.from(places)
					.where(and(...conds));
				total = Number(n);
			}
		}
	}
	const last = page[page.length - 1];
	let nextCursor: string | null = null;
	if (more && last) {
		if (point) {
			const chord = Number(last.chord);
			const b = last.band ?? bandOfChord(chord);
			nextCursor = encodeCursor({ b, s: b === BAND_CHORDS.length ? null : Number(last.score), d: chord, k: null, id: last.id });
		} else nextCursor = encodeCursor({ b: null, s: null, d: null, k: last.nameKey, id: last.id });
	}

	return { where, rows: page, nextCursor, total, totalCapped, radiusMeters: point ? NEARBY_METRES : null, hasMore: more };
}

/**
 * The rows of one page around a point, in the ranking's order (see DISTANCE_BANDS_METRES):
 * within the bands (30 km), one statement reads the ball with the GiST index and sorts it
 * by band, completeness, distance and id (a few hundred rows at most in a département;
 * the count within 30 km comes with it, as a window); beyond, nearest first by the index
 * walk. A cursor continues after its row in that order; an offset skips rows of the bands.
 */
async function bandedRows<Row extends { id: string; chord: number | null; score: number; band?: number }>(
	database: Database,
	shapeKey: string,
	shape: RowShape,
	f: Filters,
	origin: string,
	o: { cursor: Cursor | null; offset: number | null; need: number; maxChord: number | null; home: string }
): Promise<{ rows: Row[]; nearby: number | null }> {
	const out: Row[] = [];
	let nearby: number | null = null;
	const lastBand = BAND_CHORDS.length;
	const hi = o.maxChord != null ? Math.min(o.maxChord, BAND_CHORDS[lastBand - 1]) : BAND_CHORDS[lastBand - 1];
	if (!o.cursor || (o.cursor.b ?? 0) < lastBand) {
		const c = o.cursor;
		const params: Record<string, unknown> = { ...f.params, origin, hi, home: o.home, lim: o.need, skip: o.offset ?? 0 };
		if (c) Object.assign(params, { afterBand: c.b ?? 0, afterScore: c.s ?? 0, afterChord: c.d ?? 0, afterId: c.id });
		const rows = (await statementFor(database, 'band', shapeKey, shape, f, !!c).execute(params)) as (Row & { nearby?: number })[];
		if (!c && rows.length) nearby = Number(rows[0].nearby);
		if (!c && !rows.length && !o.offset) nearby = 0;
		for (const { nearby: _n, ...r } of rows) out.push({ ...(r as unknown as Row), chord: Number(r.chord), score: Number(r.score), band: Number(r.band) });
	}
	if (out.length >= o.need || (o.maxChord != null && o.maxChord <= BAND_CHORDS[lastBand - 1])) return { rows: out, nearby };
	// beyond the last band: nearest first (an offset this far is not asked for: numbered pages stop at maxMetres)
	const cursorHere = o.cursor && o.cursor.b === lastBand ? o.cursor : null;
	const statement = statementFor(database, 'tail', shapeKey, shape, f, true);
	const params: Record<string, unknown> = { ...f.params, origin, afterChord: cursorHere?.d ?? BAND_CHORDS[lastBand - 1], afterId: cursorHere?.id ?? '' };
	const want = o.need - out.length;
	// ORDER BY the distance alone so PostgreSQL walks the GiST index nearest first
	// (adding ", id" makes it sort every row). Stored points carry a sub-metre offset
	// per place (earthPoint's tieBreaker), so exact ties don't happen in practice; should
	// one straddle the page boundary, the window grows until it holds the tie group.
	let window = want + 2;
	let rows: Row[];
	for (;;) {
		rows = (await statement.execute({ ...params, window })) as Row[];
		for (const r of rows) r.chord = Number(r.chord);
		rows.sort((a, c) => Number(a.chord) - Number(c.chord) || (a.id < c.id ? -1 : a.id > c.id ? 1 : 0));
		const boundary = rows[Math.min(want, rows.length - 1)];
		if (rows.length < window || !boundary || Number(rows[rows.length - 1].chord) > Number(boundary.chord)) break;
		window *= 4;
	}
	for (const r of rows.slice(0, want)) out.push({ ...r, score: Number(r.score), band: lastBand });
	return { rows: out, nearby };
}

/** Places matching the filters within NEARBY_METRES, counted up to NEARBY_COUNT_CAP + 1. */
async function countNear(database: Database, f: Filters, origin: string): Promise<number> {
	const [{ n }] = (await statementFor(database, 'nearby', 'count', () => ({ id: places.id, nameKey: places.nameKey }), f, false).execute({
		...f.params,
		origin
	})) as { n: number }[];
	return Number(n);
}

/**
 * The statements of a search around a point, prepared once per database, kind, cursor or
 * not, and set of filters: built by Drizzle once and, without filters, planned by
 * PostgreSQL once per connection (named statement) instead of at every request: the SQL
 * building and planning cost more than the index walk itself.
 * - band: the places within the bands (hi: 30 km, or less), a GiST range scan, by band,
 *   completeness, distance and id, with their count (a window);
 * - tail: beyond the last band, nearest first (KNN walk of the GiST index);
 * - nearby: the count within NEARBY_METRES (up to NEARBY_COUNT_CAP + 1).
 */
function statementFor(database: Database, kind: 'band' | 'tail' | 'nearby', shapeKey: string, shape: RowShape, f: Filters, withCursor: boolean): NearStatement {
	let cache = nearStatements.get(database);
	if (!cache) nearStatements.set(database, (cache = new Map()));
	const key = `${kind}|${shapeKey}|${withCursor ? 'next' : 'first'}|${f.key}`;
	let statement = cache.get(key);
	if (statement) return statement;
	const origin = sql`${sql.placeholder('origin')}::cube`;
	const chord = sql<number>`(${places.pos} <-> ${origin})`;
	const hi = sql`${sql.placeholder('hi')}::float8`;
	const afterChord = sql`${sql.placeholder('afterChord')}::float8`;
	const afterId = sql`${sql.placeholder('afterId')}::text`;
	const afterScore = sql`${sql.placeholder('afterScore')}::int`;
	const columns = () => ({ ...shape(chord), chord: sql<number>`${chord}`.as('chord'), score: sql<number>`${COMPLETENESS}`.as('score') }) as never;
	// named (planned once per connection) only without filters: PostgreSQL's generic plan
	// for `services && $1` guesses the filter is selective and sorts thousands of rows
	// (137 ms instead of 1 ms); filtered searches keep a plan made for their values
	const name = (f.key ? undefined : `near_${++statementCounter}`) as string;
	let built: { prepare(name: string): unknown };
	if (kind === 'band') {
		const band = bandSql(chord, sql<string>`${sql.placeholder('home')}::text`);
		const after = withCursor
			? [sql`(${band}, -${COMPLETENESS}, ${chord}, ${places.id}) > (${sql.placeholder('afterBand')}::int, -${afterScore}, ${afterChord}, ${afterId})`]
			: [];
		built = database.db
			.select({ ...(columns() as object), band: sql<number>`${band}`.as('band'), nearby: sql<number>`count(*) over ()`.as('nearby') } as never)
			.from(places)
			.where(and(sql`${places.pos} <@ cube_enlarge(${origin}, ${hi}, 3)`, sql`${chord} < ${hi}`, ...f.conds, ...after))
			.orderBy(sql`${band}`, sql`${COMPLETENESS} DESC`, sql`${chord}`, asc(places.id))
			.limit(sql.placeholder('lim'))
			.offset(sql.placeholder('skip'));
	} else if (kind === 'tail') {
		built = database.db
			.select(columns())
			.from(places)
			.where(and(sql`${places.pos} IS NOT NULL`, ...f.conds, sql`(${chord} > ${afterChord} OR (${chord} = ${afterChord} AND ${places.id} > ${afterId}))`))
			.orderBy(sql`${chord}`)
			.limit(sql.placeholder('window'));
	} else {
		const radius = sql.raw(String(metresToChord(NEARBY_METRES)));
		built = database.db
			.select({ n: sql<number>`count(*)::int` })
			.from(
				sql`(select 1 from ${places} where ${and(sql`${places.pos} <@ cube_enlarge(${origin}, ${radius}::float8, 3)`, sql`${chord} < ${radius}::float8`, ...f.conds)} limit ${sql.raw(String(NEARBY_COUNT_CAP + 1))}) nearby`
			);
	}
	statement = built.prepare(name) as unknown as NearStatement;
	// a few dozen shapes in practice; bounded all the same
	if (cache.size >= 256) cache.clear();
	cache.set(key, statement);
	return statement;
}

/**
 * The area the site covers, in words ("Lot-et-Garonne (47)"), and whether a searched point
 * lies outside it (its commune in another département): the search then says which area
 * the site covers (issue 12, item 5).
 */
export async function coverage(database: Database, homeDepartments: string[], point?: WherePoint | null): Promise<{ label: string; outside: boolean }> {
	const rows = await departmentNames(database.db, homeDepartments);
	const label = rows.map((r) => `${r.name} (${r.code})`).join(', ');
	let outside = false;
	if (point?.inseeCode && homeDepartments.length) {
		const m = (await municipalityLookup(database)).byInsee(point.inseeCode);
		outside = !!m && !homeDepartments.includes(m.departmentCode);
	}
	return { label, outside };
}

/**
 * Whether some place of the instance's départements accepts the Pass Numérique: when none
 * does yet, the search filtered on the Pass says so instead of « Aucun lieu à moins de 30 km ».
 */
export async function anyPassPlace(database: Database, homeDepartments: string[]): Promise<boolean> {
	if (!homeDepartments.length) return false;
	const [row] = await database.db
		.select({ id: places.id })
		.from(places)
		.where(and(inArray(places.departmentCode, homeDepartments), ACCEPTS_PASS))
		.limit(1);
	return !!row;
}
