/**
 * The feed of the national map (GET /api/v1/cartographie-nationale.json): every place of
 * the export (the national CSV's: not closed for good, under Licence Ouverte) the map can
 * show, as one JSON array streamed page by page, and the account of those it cannot show
 * (how many, why, which).
 */
import type { Database } from '../db/client.ts';
import { exportState, weakTag, type PlaceValidators } from './freshness.ts';
import { reuseDepartements } from './downloads.ts';
import { places } from './db.ts';
import { ACCEPTS_PASS, allPlaces } from './place.ts';
import {
	EXCLUSION_REASONS,
	nationalMapRefusal,
	toNationalMapRecord,
	type ExclusionCode,
	type NationalMapConversion,
	type NationalMapPlace
} from './national-map.ts';

export interface NationalMapOptions {
	departements?: string[];
	/** rows read per query */
	batch?: number;
}

export interface NationalMapSummary {
	/** places of the export (the same as the national CSV's) */
	published: number;
	/** in the feed */
	included: number;
	/** left out: published = included + excluded */
	excluded: number;
	/** per reason, most frequent first (a place may have several) */
	reasons: { code: ExclusionCode; label: string; count: number }[];
	/** the places left out, in id order, with their reasons */
	places: { id: string; nom: string; reasons: string[] }[];
	/** values the map has no word for, left out of records that are in the feed */
	omitted: { field: string; value: string | null; count: number }[];
}

/** The places that accept the Pass Numérique (a few per département: one query, then a set). */
async function passPlaces(database: Database): Promise<Set<string>> {
	const rows = await database.db.select({ id: places.id }).from(places).where(ACCEPTS_PASS);
	return new Set(rows.map((r) => r.id));
}

/** Every place of the export, converted (the feed and its summary read the same). */
async function* conversions(database: Database, opts: NationalMapOptions): AsyncGenerator<[NationalMapPlace, NationalMapConversion][]> {
	const pass = await passPlaces(database);
	for await (const page of allPlaces(database, { ...opts, openOnly: true })) {
		yield page.map((p) => {
			const place: NationalMapPlace = { ...p, acceptsPass: pass.has(p.id) };
			const c = toNationalMapRecord(place);
			// the component's own checks, once more: a slip in the conversion leaves one place out, not the whole map empty
			const refusal = c.ok ? nationalMapRefusal(c.record) : null;
			return [place, refusal ? { ok: false, exclusions: [{ code: 'conversion' as const, detail: `${refusal}\u00a0: valeur refusée par la carte` }] } : c];
		});
	}
}

/**
 * Validators of the feed and of its summary: the export's rows (count, ids, update stamps)
 * and the places accepting the Pass Numérique, which the records say and which change with
 * qualifications that have no date: an ETag only, no Last-Modified.
 */
export async function nationalMapValidators(database: Database, kind: 'feed' | 'summary', departements: string[] = []): Promise<PlaceValidators> {
	const [state, pass] = await Promise.all([exportState(database, `national-map-${kind}`, departements), passPlaces(database)]);
	return { etag: weakTag('national-map', kind, state.etag, [...pass].sort().join(',')), lastModified: null };
}

/** The feed, in pieces: « [ », the records separated by commas, « ] ». */
export async function* nationalMapFeed(database: Database, opts: NationalMapOptions = {}): AsyncGenerator<string> {
	let first = true;
	yield '[';
	for await (const page of conversions(database, opts)) {
		let chunk = '';
		for (const [, c] of page) {
			if (!c.ok) continue;
			chunk += (first ? '\n' : ',\n') + JSON.stringify(c.record);
			first = false;
		}
		if (chunk) yield chunk;
	}
	yield '\n]\n';
}

/** How many places the feed holds and leaves out, and why. */
export async function nationalMapSummary(database: Database, opts: NationalMapOptions = {}): Promise<NationalMapSummary> {
	const reasons = new Map<string, number>();
	const omitted = new Map<string, { field: string; value: string | null; count: number }>();
	const left: NationalMapSummary['places'] = [];
	let included = 0;
	for await (const page of conversions(database, opts)) {
		for (const [place, c] of page) {
			if (c.ok) {
				included++;
				for (const o of c.omitted) {
					const key = `${o.field}\u0000${o.value ?? ''}`;
					const e = omitted.get(key) ?? { field: o.field, value: o.value ?? null, count: 0 };
					e.count++;
					omitted.set(key, e);
				}
			} else {
				for (const x of c.exclusions) reasons.set(x.code, (reasons.get(x.code) ?? 0) + 1);
				left.push({ id: place.id, nom: place.nom, reasons: c.exclusions.map((x) => x.detail) });
			}
		}
	}
	return {
		published: included + left.length,
		included,
		excluded: left.length,
		reasons: [...reasons]
			.map(([code, count]) => ({ code: code as ExclusionCode, label: EXCLUSION_REASONS[code as ExclusionCode], count }))
			.sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
		places: left,
		omitted: [...omitted.values()].sort((a, b) => b.count - a.count || a.field.localeCompare(b.field) || (a.value ?? '').localeCompare(b.value ?? ''))
	};
}

const recent = new WeakMap<Database, { at: number; summary: Promise<NationalMapSummary> }>();

/** The summary of the feed's places (the instance's territory), computed at most once per `maxAgeMs` (the public page « Données ouvertes » shows its counts). */
export function recentNationalMapSummary(database: Database, maxAgeMs = 300_000, now = Date.now()): Promise<NationalMapSummary> {
	const hit = recent.get(database);
	if (hit && now - hit.at < maxAgeMs) return hit.summary;
	// the feed's default: the instance's territory
	const summary = reuseDepartements(database).then((departements) => nationalMapSummary(database, { departements }));
	recent.set(database, { at: now, summary });
	summary.catch(() => recent.delete(database));
	return summary;
}

/** the component these records are made for (npm), said in the summary */
export const NATIONAL_MAP_COMPONENT = '@gouvfr-anct/cartographie-nationale 5.22.0';

/** Headers of the feed and its summary: public data any site may read (the component runs on the reuser's page), cached like the CSV. */
export const NATIONAL_MAP_HEADERS = {
	'content-type': 'application/json; charset=utf-8',
	'cache-control': 'public, max-age=300, must-revalidate',
	vary: 'Accept-Encoding',
	'access-control-allow-origin': '*',
	'access-control-expose-headers': 'X-Lieux-Inclus, X-Lieux-Exclus'
} as const;

/** The summary as the API publishes it (French field names, like the rest of the API). */
export function nationalMapSummaryJson(s: NationalMapSummary) {
	return {
		composant: NATIONAL_MAP_COMPONENT,
		lieux_publies: s.published,
		lieux_inclus: s.included,
		lieux_exclus: s.excluded,
		motifs: s.reasons.map((r) => ({ code: r.code, motif: r.label, lieux: r.count })),
		exclus: s.places.map((p) => ({ id: p.id, nom: p.nom, motifs: p.reasons })),
		valeurs_omises: s.omitted.map((o) => ({ champ: o.field, valeur: o.value, lieux: o.count }))
	};
}
