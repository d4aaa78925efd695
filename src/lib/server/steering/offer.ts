/**
 * Steering (issue 16), the offer and the fragility sections' use cases: who asks (the
 * département's coordinators and partners: neither section holds personal data, both read it
 * whole), what they asked for (département, period, level, half-days), the communes and the
 * places around them loaded in two queries, the figures computed (offer-tables.ts,
 * fragility-tables.ts). Nothing is stored: distances are computed with a grid, kept in memory a
 * few minutes (docs/decisions/0017-steering-offer.md).
 */
import type { Database } from '../db/client.ts';
import type { Actor } from '../accounts/index.ts';
import { lastPlaceChange, offerPassPlaces, offerPlaces, offerPlacesChanged, type OfferPlace } from '../places/index.ts';
import { steeringCommunes, type SteeringCommune } from '../territory/index.ts';
import { greatCircleMetres } from '../db/types.ts';
import { dayLabel } from '../../components/format.ts';
import { addDays, parisDay } from '../../time.ts';
import { openDataContext, steeringContext, type SteeringContext } from './context.ts';
import { defaultPeriod } from './model.ts';
import { ADMIN_SERVICE, communeReach, DEFAULT_HALF_DAYS, HALF_DAYS, placesAt, SEARCH_METRES, type CommuneReach } from './offer-model.ts';
import { offerFigures, type OfferFigures } from './offer-tables.ts';
import { fragilityFigures, type FragilityFigures } from './fragility-tables.ts';
import { count, dec, int, pct } from './blocks.ts';
import { byFrench, unitsOf } from './units.ts';

/** `?demi_journees=` → 1…14, else the default (5). */
export function parseHalfDays(raw: string | null | undefined): number {
	const n = Number((raw ?? '').trim());
	return Number.isInteger(n) && n >= 1 && n <= HALF_DAYS ? n : DEFAULT_HALF_DAYS;
}

interface Loaded {
	context: SteeringContext;
	department: { code: string; name: string };
	communes: SteeringCommune[];
	offer: OfferFigures;
	halfDays: number;
	/** « aujourd’hui », « au 31 décembre 2025 » */
	asOf: string;
}

/** The smallest circle (centre of the communes' box, radius) holding every commune's centre. */
function reachOf(communes: readonly SteeringCommune[]): { centre: { latitude: number; longitude: number }; radius: number } | null {
	const placed = communes.filter((c) => c.latitude != null && c.longitude != null);
	if (!placed.length) return null;
	const lats = placed.map((c) => c.latitude!);
	const lons = placed.map((c) => c.longitude!);
	const centre = { latitude: (Math.min(...lats) + Math.max(...lats)) / 2, longitude: (Math.min(...lons) + Math.max(...lons)) / 2 };
	const radius = Math.max(...placed.map((c) => greatCircleMetres(centre.latitude, centre.longitude, c.latitude!, c.longitude!)));
	return { centre, radius };
}

/**
 * How the places around a département and the communes' nearest places are kept in memory
 * (the issue allows figures 15 minutes old). A change of places (their last update) is
 * patched in at once: the places updated since are read again, and only the communes within
 * SEARCH_METRES of where they were or are now look for their nearest places again (an import
 * of many, or a deletion told by the count: all read again). Which places accept the Pass
 * Numérique owes to qualifications that do not touch a place's update: read again every
 * PASS_EVERY_MS (one probe of the Pass's indexes) and patched in; it changes no distance.
 * Everything is read again after KEEP_MS at most, a safety net (decision 0017, second
 * amendment). A steering committee's clicks through levels, periods and pages then read the
 * database once for the places, a place's change costs a few rows, and the first reader of
 * the hour reads the Pass only.
 */
const PASS_EVERY_MS = 5 * 60_000;
const KEEP_MS = 6 * 60 * 60_000;
const KEPT_PER_DATABASE = 32;
/** more places changed than this since the places were kept: read them all again */
const PATCH_AT_MOST = 200;
/** places updated this long before the last change seen are read again (a transaction that committed late) */
const PATCH_MARGIN_MS = 60_000;
interface Around {
	at: number;
	/** when the Pass was read */
	passAt: number;
	stamp: number;
	places: OfferPlace[];
	reach: Map<string, CommuneReach>;
}
/**
 * Kept per owner's database: a server's request pool and the owner's pool beside it share them
 * (places are public data), so that what the refresh job reads in advance (`warmOffer`) is what
 * the first reader finds.
 */
const kept = new WeakMap<Database, Map<string, Around>>();
const keptOf = (database: Database) => database.privileged ?? database;
/** how the places were read (tests, benchmarks): all of them, or the changes patched into those kept */
export const placeReads = { full: 0, patched: 0, pass: 0 };

async function placesAround(database: Database, departmentCode: string, communes: SteeringCommune[], periodEnd: string): Promise<Around> {
	const stamp = (await lastPlaceChange(database)).getTime();
	const key = `${departmentCode}|${periodEnd}`;
	let byKey = kept.get(keptOf(database));
	if (!byKey) kept.set(keptOf(database), (byKey = new Map()));
	const hit = byKey.get(key);
	const fresh = hit && Date.now() - hit.at < KEEP_MS && communes.every((c) => hit.reach.has(c.inseeCode));
	const passFresh = hit && Date.now() - hit.passAt < PASS_EVERY_MS;
	if (hit && fresh && passFresh && hit.stamp === stamp) {
		// the most recently used last (the least recently used is dropped first)
		byKey.delete(key);
		byKey.set(key, hit);
		return hit;
	}
	const circle = reachOf(communes);
	const patched = hit && fresh && circle ? (hit.stamp === stamp ? hit : await patch(database, departmentCode, communes, periodEnd, hit, circle, stamp)) : null;
	const now = Date.now();
	const entry: Around = patched ?? {
		at: now,
		passAt: now,
		stamp,
		places: circle ? await offerPlaces(database.db, departmentCode, circle.centre, circle.radius + SEARCH_METRES + 1000, ADMIN_SERVICE) : [],
		reach: new Map()
	};
	if (!patched) entry.reach = communeReach(communes, placesAt(entry.places, periodEnd));
	if (patched !== hit) placeReads[patched ? 'patched' : 'full']++;
	if (patched && now - patched.passAt >= PASS_EVERY_MS) {
		// the Pass read again: a new list (a reader may hold the one kept), the same distances
		const pass = await offerPassPlaces(database.db, departmentCode);
		const places = patched.places.map((p) =>
			p.departmentCode === departmentCode && p.acceptsPass !== pass.has(p.id) ? { ...p, acceptsPass: !p.acceptsPass } : p
		);
		const renewed: Around = { ...patched, passAt: now, places };
		placeReads.pass++;
		return keep(byKey, key, renewed);
	}
	return keep(byKey, key, entry);
}

function keep(byKey: Map<string, Around>, key: string, entry: Around): Around {
	byKey.delete(key);
	byKey.set(key, entry);
	if (byKey.size > KEPT_PER_DATABASE) byKey.delete(byKey.keys().next().value!);
	return entry;
}

/** Makes the places kept for a database look `ms` older (tests, benchmarks: the Pass read again, or everything). */
export function ageKeptPlaces(database: Database, ms: number): void {
	for (const e of kept.get(keptOf(database))?.values() ?? []) {
		e.at -= ms;
		e.passAt -= ms;
	}
}

/** Forgets the places and nearest places kept for a database (tests: to compare with figures read afresh). */
export function forgetKeptPlaces(database: Database): void {
	kept.delete(keptOf(database));
}

/** départements whose places the job keeps read in advance (half of what is kept: room for the periods readers ask) */
export const WARM_OFFER_DEPARTMENTS = KEPT_PER_DATABASE / 2;

/**
 * The places around each département and its communes' nearest places, for the year under
 * way (the pages' default period), read in advance by the refresh job (every 10 minutes, and
 * at start): kept ones cost a probe, the Pass is read again past 5 minutes, everything past
 * 6 hours or in a new process — by the job rather than by the first reader. `database`: the
 * job's. At most WARM_OFFER_DEPARTMENTS départements.
 */
export async function warmOffer(database: Database, departments: string[], today = parisDay()): Promise<number> {
	const end = defaultPeriod(today).end;
	let n = 0;
	for (const code of departments.slice(0, WARM_OFFER_DEPARTMENTS)) {
		const communes = await steeringCommunes(database.db, code);
		await placesAround(database, code, communes, end);
		n++;
		await new Promise<void>((resolve) => setImmediate(resolve));
	}
	return n;
}

/**
 * The kept places with those changed since patched in, and the nearest places found again
 * for the communes they may be the nearest of (within SEARCH_METRES of where they were or
 * are); null when it is simpler, or necessary, to read them all again.
 */
async function patch(
	database: Database,
	departmentCode: string,
	communes: SteeringCommune[],
	periodEnd: string,
	hit: Around,
	circle: NonNullable<ReturnType<typeof reachOf>>,
	stamp: number
): Promise<Around | null> {
	const { changed, count } = await offerPlacesChanged(
		database.db,
		departmentCode,
		circle.centre,
		circle.radius + SEARCH_METRES + 1000,
		ADMIN_SERVICE,
		new Date(hit.stamp - PATCH_MARGIN_MS)
	);
	if (changed.length > PATCH_AT_MOST) return null;
	const byId = new Map(hit.places.map((p) => [p.id, p]));
	const moved: { latitude: number; longitude: number }[] = [];
	for (const p of changed) {
		const before = byId.get(p.id);
		for (const at of [before, p.inScope ? p : undefined])
			if (at && at.latitude != null && at.longitude != null) moved.push({ latitude: at.latitude, longitude: at.longitude });
		byId.delete(p.id);
		if (p.inScope) {
			const { inScope: _, ...place } = p;
			byId.set(p.id, place);
		}
	}
	// a place deleted (merged into another) is in no list of changes: the count tells
	if (byId.size !== count) return null;
	const places = [...byId.values()];
	const near = communes.filter(
		(c) =>
			c.latitude != null &&
			c.longitude != null &&
			moved.some((m) => greatCircleMetres(c.latitude!, c.longitude!, m.latitude, m.longitude) <= SEARCH_METRES * 1.01 + 1000)
	);
	const reach = new Map(hit.reach);
	if (near.length) for (const [code, r] of communeReach(near, placesAt(places, periodEnd))) reach.set(code, r);
	return { at: hit.at, passAt: hit.passAt, stamp, places, reach };
}

async function load(database: Database, actor: Actor | null, params: URLSearchParams, today: string): Promise<Loaded> {
	// throws 403 unless a coordinator or a partner of the département (can 'steering.read'); null: the open data (no person in these figures)
	const context = actor ? await steeringContext(database, actor, params, today) : await openDataContext(database, params, today);
	const { departmentCode, period, level } = context.query;
	const department = { code: departmentCode, name: context.departments.find((d) => d.code === departmentCode)?.name ?? departmentCode };
	const communes = await steeringCommunes(database.db, departmentCode);
	const { places, reach } = await placesAround(database, departmentCode, communes, period.end);
	const halfDays = parseHalfDays(params.get('demi_journees'));
	const offer = offerFigures({ department, level, period, today, halfDays, communes, places, reach });
	const asOf = period.ongoing ? 'aujourd’hui' : `au ${dayLabel(addDays(period.end, -1))}`;
	return { context, department, communes, offer, halfDays, asOf };
}

export interface OfferSection {
	context: SteeringContext;
	halfDays: number;
	offer: OfferFigures;
}

/** The offer page (`/pilotage/offre`): its tables. */
export async function offerSection(database: Database, actor: Actor, params: URLSearchParams, today = parisDay()): Promise<OfferSection> {
	const l = await load(database, actor, params, today);
	return { context: l.context, halfDays: l.halfDays, offer: l.offer };
}

export interface FragilitySection {
	context: SteeringContext;
	fragility: FragilityFigures;
}

function fragilityOf(l: Loaded): FragilityFigures {
	return fragilityFigures({ department: l.department, level: l.context.query.level, communes: l.communes, reach: l.offer.reach, asOf: l.asOf });
}

/** The fragility page (`/pilotage/fragilite`): its tables. */
export async function fragilitySection(database: Database, actor: Actor, params: URLSearchParams, today = parisDay()): Promise<FragilitySection> {
	const l = await load(database, actor, params, today);
	return { context: l.context, fragility: fragilityOf(l) };
}

export interface KeyFigure {
	label: string;
	value: string;
}

export interface SteeringOverview {
	context: SteeringContext;
	asOf: string;
	offer: KeyFigure[];
	fragility: KeyFigure[];
	/** the home page's text summary */
	summary: string;
	/** the units of the level asked for, by name (the report of one of them); none at the département's level */
	units: string[];
}

const orNone = <T>(x: T | null, f: (x: T) => string) => (x == null ? 'non disponible' : f(x));

/** The home page (`/pilotage`): the key figures of the offer and the fragility, and what they say in two sentences. */
export async function steeringOverview(database: Database, actor: Actor, params: URLSearchParams, today = parisDay()): Promise<SteeringOverview> {
	const l = await load(database, actor, params, today);
	const o = l.offer.key;
	const f = fragilityOf(l).key;
	const summary =
		`${l.department.name} compte ${count(o.places, 'lieu', 'lieux')} de médiation numérique ${l.asOf}, ${orNone(o.placesPer10k, dec)} pour 10\u00a0000 habitants\u00a0; ` +
		`${orNone(o.adminWithin10km, pct)} des habitants vivent à moins de 10 km d’un lieu d’aide aux démarches administratives et ` +
		(o.whiteZoneCommunes
			? `${count(o.whiteZoneCommunes, 'commune', 'communes')} (${int(o.whiteZonePopulation)} habitants) ${o.whiteZoneCommunes > 1 ? 'n’ont' : 'n’a'} aucun lieu à moins de 15 km. `
			: 'chaque commune a un lieu à moins de 15 km. ') +
		(f.index == null
			? 'L’indice de fragilité numérique ne couvre aucune commune du département.'
			: `L’indice de fragilité numérique moyen est de ${dec(f.index)} sur 10\u00a0; ${int(f.fragilePopulation)} habitants vivent dans une commune fragile, dont ${int(f.fragileBeyond15km)} à plus de 15 km de tout lieu.`);
	return {
		context: l.context,
		asOf: l.asOf,
		summary,
		units:
			l.context.query.level.kind === 'departement'
				? []
				: unitsOf(l.communes, l.context.query.level, l.department)
						.map((u) => u.name)
						.sort(byFrench),
		offer: [
			{ label: `Lieux de médiation numérique ${l.asOf}`, value: int(o.places) },
			{ label: 'Lieux pour 10\u00a0000 habitants', value: orNone(o.placesPer10k, dec) },
			{ label: 'Habitants à moins de 10 km d’un lieu d’aide aux démarches administratives', value: orNone(o.adminWithin10km, pct) },
			{ label: 'Communes sans aucun lieu à moins de 15 km (zones blanches)', value: `${int(o.whiteZoneCommunes)} (${int(o.whiteZonePopulation)} habitants)` },
			{ label: 'Lieux mis à jour depuis moins de 12 mois', value: orNone(o.fresh12, pct) },
			{ label: 'Lieux acceptant le Pass Numérique', value: int(o.passPlaces) }
		],
		fragility: [
			{ label: 'Indice de fragilité numérique moyen (0 à 10, pondéré par la population)', value: orNone(f.index, dec) },
			{ label: 'Habitants de communes fragiles (indice 7 ou plus)', value: `${int(f.fragilePopulation)} (${orNone(f.fragileShare, pct)})` },
			{ label: 'Dont à plus de 15 km de tout lieu', value: int(f.fragileBeyond15km) }
		]
	};
}

/**
 * The offer and the fragility as open data (`/donnees/pilotage/…`): the same tables, for
 * anyone, since they hold no person (places, population, the fragility index); the figures
 * about people (demand, outcomes) are never published here.
 */
export async function openOfferTables(database: Database, params: URLSearchParams, today = parisDay()) {
	const l = await load(database, null, params, today);
	return { context: l.context, blocks: [...l.offer.blocks, ...fragilityOf(l).blocks] };
}
