/**
 * Territory: types and pure rules (no I/O) about communes: postcodes, INSEE codes, names as
 * people type them; the fields' errors, the fragility index's types, TerritoryError. The "Où ?"
 * query, the areas and the instance settings have their own files (where-query.ts,
 * area-model.ts, settings-model.ts).
 */
import type { z } from 'zod';
import type { MunicipalityInfo, MunicipalityLookup, WherePoint } from '../places/index.ts';
import { DomainError } from '../errors.ts';

// ---------------------------------------------------------------------------
// Communes

/** A commune as the territory capability keeps it (a superset of MunicipalityInfo). */
export interface TerritoryMunicipality extends MunicipalityInfo {
	nameKey: string;
	population: number | null;
	epciCode: string | null;
	epciName: string | null;
	regionCode: string | null;
	/** for a Paris/Lyon/Marseille arrondissement: the commune it belongs to (75056, 69123, 13055) */
	parentInseeCode: string | null;
}

/** The in-memory lookup: MunicipalityLookup plus what the search and the areas need. */
export interface TerritoryLookup extends MunicipalityLookup {
	byInsee(code: string): TerritoryMunicipality | undefined;
	byPostcode(postcode: string): TerritoryMunicipality[];
	byName(name: string, opts?: { postcode?: string; departmentCode?: string }): TerritoryMunicipality | undefined;
	/** every commune matching the name (current names, then former names), best first; no filtering by hints */
	byNameAll(name: string): TerritoryMunicipality[];
	/** communes whose name starts with the text (current names, with and without article), unordered */
	byNamePrefix(prefix: string, max?: number): TerritoryMunicipality[];
	/** communes whose postcode starts with the digits, unordered */
	byPostcodePrefix(prefix: string, max?: number): TerritoryMunicipality[];
	/** the closest names by trigram similarity (as pg_trgm's), best first; in memory, < 1 ms */
	fuzzy(text: string, opts?: { limit?: number; minimum?: number }): { municipality: TerritoryMunicipality; score: number }[];
	/** the commune's keys: spelling (with article) and match (without) */
	keys(m: TerritoryMunicipality): { spelling: string; match: string };
	/** communes of a département, by name */
	inDepartment(departmentCode: string): TerritoryMunicipality[];
	/** every commune (and arrondissement) loaded */
	all: readonly TerritoryMunicipality[];
}

/** lower-case, unaccented, non-alphanumerics → single space, trimmed ("L'Haÿ-les-Roses" → "l hay les roses"). */
export function nameKey(text: string): string {
	return text
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/œ/g, 'oe')
		.replace(/æ/g, 'ae')
		.replace(/ß/g, 'ss')
		.replace(/[^a-z0-9]+/g, ' ')
		.trim();
}

const SAINT_TOKENS: Record<string, string> = { st: 'saint', ste: 'sainte', sts: 'saints', stes: 'saintes' };
const ARTICLES = new Set(['le', 'la', 'les', 'l']);
const ARRONDISSEMENT_RE = /^(.+?) (\d{1,2}) ?(?:er|e|eme|ieme|em|me)?(?: arrondissement| arrdt| arr)?$/;

/** nameKey with "s/" → "sur", CEDEX and what follows removed, ST/STE → saint/sainte. Keeps articles. */
export function spellingKey(text: string): string {
	return spellingFromNameKey(nameKey(text.replace(/(^|[\s-])s\s*\/\s*/gi, '$1sur ')));
}

/** spellingKey of a text whose nameKey is known (cheap: no Unicode normalisation). */
export function spellingFromNameKey(key: string): string {
	const k = key.replace(/(^| )cedex( .*)?$/, '').trim();
	if (!k) return '';
	return k
		.split(' ')
		.map((t) => SAINT_TOKENS[t] ?? t)
		.join(' ');
}

/**
 * The key names are matched on: spellingKey without a leading article ("Le Pian-Médoc" →
 * "pian medoc") and with arrondissements written one way ("Marseille 11e Arrondissement",
 * "marseille 11ème", "Marseille 11" → "marseille 11").
 */
export function matchKey(text: string): string {
	return matchFromSpelling(spellingKey(text));
}

/** matchKey of a text whose spellingKey is known. */
export function matchFromSpelling(spelling: string): string {
	let key = spelling;
	const space = key.indexOf(' ');
	if (space > 0 && ARTICLES.has(key.slice(0, space))) key = key.slice(space + 1);
	const arr = ARRONDISSEMENT_RE.exec(key);
	if (arr) key = `${arr[1]} ${Number(arr[2])}`;
	return key;
}

/** pg_trgm's trigrams of a key: each word padded with two spaces before and one after. */
export function trigrams(key: string): Set<string> {
	const set = new Set<string>();
	for (const word of key.split(' ')) {
		if (!word) continue;
		const w = `  ${word} `;
		for (let i = 0; i + 3 <= w.length; i++) set.add(w.slice(i, i + 3));
	}
	return set;
}

/** A 5-digit postcode from "47000", "47916 CEDEX 9", "1000" (leading zero lost by a spreadsheet); else null. */
export function normalizePostcode(text: string | number | null | undefined): string | null {
	if (text == null) return null;
	const s = String(text)
		.replace(/cedex.*$/i, '')
		.replace(/\s+/g, '');
	if (/^\d{5}$/.test(s)) return s;
	if (/^\d{4}$/.test(s)) return `0${s}`;
	return null;
}

/** INSEE commune code shape: 2 digits (or 2A/2B) + 3 digits. */
export function isInseeCode(text: string): boolean {
	return /^(\d{2}|2[AB])\d{3}$/.test(text);
}

export function isDepartmentCode(text: string): boolean {
	return /^(0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-8]|98[4-9])$/.test(text);
}

/** The département(s) a postcode most probably belongs to (a hint only: some postcodes cross a border). */
export function departmentsOfPostcode(postcode: string): string[] {
	if (postcode.startsWith('97') || postcode.startsWith('98')) return [postcode.slice(0, 3)];
	if (postcode.startsWith('20')) return Number(postcode) < 20200 ? ['2A', '2B'] : ['2B', '2A'];
	return [postcode.slice(0, 2)];
}

/** Paris, Lyon and Marseille arrondissements municipaux → the commune's INSEE code; else null. */
export function parentOfArrondissement(inseeCode: string): string | null {
	if (/^751(0[1-9]|1\d|20)$/.test(inseeCode)) return '75056';
	if (/^6938[1-9]$/.test(inseeCode)) return '69123';
	if (/^132(0[1-9]|1[0-6])$/.test(inseeCode)) return '13055';
	return null;
}

/** "Castelnau-sur-Gupie (47)": how a commune is shown where homonyms may exist. */
export function municipalityLabel(m: Pick<MunicipalityInfo, 'name' | 'departmentCode'>): string {
	return `${m.name} (${m.departmentCode})`;
}

export function municipalityPoint(m: TerritoryMunicipality, kind: WherePoint['kind'] = 'municipality', label = municipalityLabel(m)): WherePoint | undefined {
	if (m.latitude == null || m.longitude == null) return undefined;
	return { label, latitude: m.latitude, longitude: m.longitude, kind, inseeCode: m.inseeCode };
}

/** Similarity of two keys, 0..1, as pg_trgm's similarity(): shared trigrams / all trigrams. */
export function trigramSimilarity(a: string, b: string): number {
	if (a === b) return 1;
	const ga = trigrams(a);
	const gb = trigrams(b);
	if (!ga.size || !gb.size) return 0;
	let common = 0;
	for (const g of ga) if (gb.has(g)) common++;
	return common / (ga.size + gb.size - common);
}

/** The small words between the words of a name ("Villeneuve-sur-Lot", "CA du Grand Villeneuvois"). */
export const CONNECTORS = new Set(['de', 'du', 'des', 'd', 'la', 'le', 'les', 'l', 'a', 'au', 'aux', 'et', 'en', 'sur']);

// ---------------------------------------------------------------------------
// Fields

export interface FieldError {
	/** the field's name ("colorPrimary"…), or "" for the whole form */
	field: string;
	/** French */
	message: string;
}

export function zodFieldErrors(error: z.ZodError): FieldError[] {
	return error.issues.map((i) => ({ field: String(i.path[0] ?? ''), message: i.message }));
}

// ---------------------------------------------------------------------------
// Fragility (IFN)

export interface FragilityScores {
	inseeCode: string;
	noThdCoverage: number;
	no4gCoverage: number;
	poverty: number;
	older65: number;
	lowDiploma: number;
	total: number;
}

export interface MunicipalityFragility extends FragilityScores {
	name: string;
	population: number | null;
}

/** Thrown by the territory services; `message` is French, for the user. */
export class TerritoryError extends DomainError<'invalid' | 'not_found' | 'conflict' | 'forbidden'> {
	declare readonly details: string[];
	constructor(code: TerritoryError['code'], message: string, details: string[] = []) {
		super(code, message, { details });
	}
}
