/**
 * Helpers shared by the source adapters: text folding, lists, codes and numbers, dates,
 * identifiers, JSON rows (addresses are split in addresses.ts, communes resolved in
 * communes.ts). Every regular expression is compiled once, here, at module load (the
 * adapters run on ~100,000 rows).
 */
import { createHash } from 'node:crypto';
import type { MunicipalityLookup, Rejection, SourceRecord, StandardRecord } from '../types.ts';
import type { Fidelity } from './fidelity.ts';
import { textOf } from '../values.ts';

/** A SourceRecord with the source's own columns we keep beside the standard (e.g. Gironde's areas). */
export interface SourceRecordWithExtra extends SourceRecord {
	extra?: Record<string, string>;
}

export interface ParseContext {
	municipalities: MunicipalityLookup;
	/** YYYY-MM-DD, the default `date_maj` when a file carries no date */
	today?: string;
}

/** What every adapter receives. */
export interface AdapterContext {
	fileName: string;
	/** file name without folder and extension */
	baseName: string;
	municipalities: MunicipalityLookup;
	/** YYYY-MM-DD */
	today: string;
	/** YYYY-MM-DD read from the file name (…-20221201.csv, …-2024-02.csv), if any */
	fileDate: string | null;
	/** what happens to each value read (the import report's fidelity table) */
	fidelity: Fidelity;
}

export const PIVOT_UNKNOWN = '00000000000000';
export const WARN_NO_PIVOT = 'pivot (SIRET/RNA) absent : « 00000000000000 » utilisé';
export const WARN_CENTROID = 'placé au centre de la commune (pas de coordonnées précises dans la source)';

// ————————————————————————————————————————— text

const DIACRITICS_RE = /\p{M}+/gu;
const APOSTROPHES_RE = /[’‘`´ʼ]/g;
const SPACES_RE = /\s+/g;
export const CRLF_RE = /\r\n?/g;
export const NBSP_RE = /\u00a0/g;

const OE_RE = /œ/g;
const AE_RE = /æ/g;
const NON_ASCII_RE = /[^\x00-\x7f]/;
const FOLD_CACHE = new Map<string, string>();
const FOLD_CACHE_MAX = 20_000;

/** Lower case, no accents, typographic apostrophes → ', œ → oe, spaces collapsed. */
export function fold(s: string): string {
	// vocabulary values and town names repeat on every row: remember short strings
	const short = s.length <= 120;
	if (short) {
		const hit = FOLD_CACHE.get(s);
		if (hit !== undefined) return hit;
	}
	let t = NON_ASCII_RE.test(s) ? s.normalize('NFD').replace(DIACRITICS_RE, '') : s;
	t = t.toLowerCase();
	if (NON_ASCII_RE.test(t)) t = t.replace(APOSTROPHES_RE, "'").replace(OE_RE, 'oe').replace(AE_RE, 'ae');
	t = t.replace(SPACES_RE, ' ').trim();
	if (short) {
		if (FOLD_CACHE.size >= FOLD_CACHE_MAX) FOLD_CACHE.clear();
		FOLD_CACHE.set(s, t);
	}
	return t;
}

const KEY_PUNCT_RE = /[^a-z0-9]+/g;
const KEY_CACHE = new Map<string, string>();
/** A comparison key: folded, every run of non-alphanumerics → one space. */
export function foldKey(s: string): string {
	const short = s.length <= 120;
	if (short) {
		const hit = KEY_CACHE.get(s);
		if (hit !== undefined) return hit;
	}
	const k = fold(s).replace(KEY_PUNCT_RE, ' ').trim();
	if (short) {
		if (KEY_CACHE.size >= FOLD_CACHE_MAX) KEY_CACHE.clear();
		KEY_CACHE.set(s, k);
	}
	return k;
}

const DOUBLE_SPACE_OR_CONTROL_RE = /\s\s|[\t\n\r\f\v\u00a0]/;
/** Trims, collapses inner whitespace; undefined when empty. */
export function clean(v: unknown): string | undefined {
	if (v == null) return undefined;
	let s = textOf(v);
	if (DOUBLE_SPACE_OR_CONTROL_RE.test(s)) s = s.replace(SPACES_RE, ' ');
	s = s.trim();
	return s === '' ? undefined : s;
}

/** Like `clean` but keeps line breaks (descriptions). */
const LINE_SPACES_RE = /[ \t\u00a0]+/g;
const MANY_BREAKS_RE = /\n{3,}/g;
const NEEDS_TEXT_CLEANING_RE = /[ \t\u00a0]{2}|[\t\r\u00a0]|[ \t]\n|\n[ \t]|\n{3}/;
export function cleanText(v: unknown): string | undefined {
	if (v == null) return undefined;
	let s = textOf(v);
	if (NEEDS_TEXT_CLEANING_RE.test(s))
		s = s
			.replace(CRLF_RE, '\n')
			.split('\n')
			.map((l) => l.replace(LINE_SPACES_RE, ' ').trim())
			.join('\n')
			.replace(MANY_BREAKS_RE, '\n\n');
	s = s.trim();
	return s === '' ? undefined : s;
}

/** Splits a multi-value cell on `|`, or on `;` when allowed and no `|` is present. */
export function splitList(v: unknown, allowSemicolon = true): string[] {
	const s = clean(v);
	if (!s) return [];
	const parts = s.includes('|') ? s.split('|') : allowSemicolon && s.includes(';') ? s.split(';') : [s];
	// a Set: a cell of 100,000 values took minutes with a look-up in the list
	const out = new Set<string>();
	for (const p of parts) {
		const t = p.trim();
		if (t) out.add(t);
	}
	return [...out];
}

const HELD = new WeakMap<string[], Set<string>>();

/** Adds values to a list without duplicates. */
export function addAll(list: string[], values: Iterable<string>): string[] {
	// what the list holds, kept beside it: called once per value, a look-up in the list made
	// a cell of 100,000 values take minutes (rebuilt when the list changed otherwise)
	let held = HELD.get(list);
	if (!held || held.size !== list.length) HELD.set(list, (held = new Set(list)));
	for (const v of values) {
		if (held.has(v)) continue;
		held.add(v);
		list.push(v);
	}
	return list;
}

/** `|`-joined list, or undefined when empty. */
export function joinList(values: string[]): string | undefined {
	return values.length ? values.join('|') : undefined;
}

/** Drops undefined / null / '' entries (records only carry what the source says). */
export function compact(r: Record<string, string | number | boolean | null | undefined>): StandardRecord {
	const out: StandardRecord = {};
	for (const k in r) {
		const v = r[k];
		if (v !== undefined && v !== null && v !== '') out[k] = v;
	}
	return out;
}

// ————————————————————————————————————————— codes and numbers

const DIGITS_RE = /^\d+$/;
const DOT_ZEROS_RE = /\.0+$/;
const ANY_SPACE_RE = /\s/g;
const ZEROS_RE = /^0+$/;
const SPACE_RE = / /g;
const TRAILING_DASHES_RE = /-+$/;
/** "1500" or 1500 → "01500" (leading zeros lost by spreadsheets); other values unchanged. */
export function padCode(v: unknown, len = 5): string | undefined {
	const s = clean(v);
	if (!s) return undefined;
	const t = s.replace(DOT_ZEROS_RE, '');
	if (DIGITS_RE.test(t) && t.length < len && t.length >= len - 2) return t.padStart(len, '0');
	return t;
}

const INSEE_RE = /^(\d{5}|2[AB]\d{3})$/;
/** An INSEE code padded and upper-cased ("8105" → "08105", "2a004" → "2A004"); undefined if not one. */
export function inseeCode(v: unknown): string | undefined {
	const s = padCode(v)?.toUpperCase();
	return s && INSEE_RE.test(s) ? s : undefined;
}

const POSTCODE_RE = /^\d{5}$/;
export function postcode(v: unknown): string | undefined {
	const s = padCode(v);
	return s && POSTCODE_RE.test(s) ? s : undefined;
}

const FLOAT_DOT_ZERO_RE = /^(\d+)\.0+$/;
const SCIENTIFIC_RE = /^\d(\.\d+)?e\+?\d+$/i;
/** A SIRET as exported by spreadsheets ("13002603200016.0", "1.3002603200016E13") → digits; "0" → undefined. */
export function siret(v: unknown): string | undefined {
	let s = clean(v)?.replace(ANY_SPACE_RE, '');
	if (!s) return undefined;
	const m = FLOAT_DOT_ZERO_RE.exec(s);
	if (m) s = m[1];
	else if (SCIENTIFIC_RE.test(s)) s = BigInt(Math.round(Number(s))).toString();
	if (ZEROS_RE.test(s)) return undefined;
	return s;
}

const DECIMAL_COMMA_RE = /^-?\d+,\d+$/;
/** A coordinate as a number when it reads as one ("44,83" too); the raw text otherwise; undefined if empty. */
export function coordinate(v: unknown): number | string | undefined {
	if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
	const s = clean(v);
	if (!s) return undefined;
	const n = Number(DECIMAL_COMMA_RE.test(s) ? s.replace(',', '.') : s);
	return Number.isFinite(n) ? n : s;
}

// ————————————————————————————————————————— dates

const FR_DATE_RE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
const ISO_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/;
/** "07/12/2021" → "2021-12-07"; "2023-02-22T10:00:00Z" → "2023-02-22"; anything else unchanged. */
export function isoDate(v: unknown): string | undefined {
	const s = clean(v);
	if (!s) return undefined;
	let m = ISO_DATE_RE.exec(s);
	if (m) return `${m[1]}-${m[2]}-${m[3]}`;
	m = FR_DATE_RE.exec(s);
	if (m) return `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}`;
	return s;
}

const FILE_DATE_RE = /(?:^|[^\d])(20\d{2})-?(0[1-9]|1[0-2])(?:-?(0[1-9]|[12]\d|3[01]))?(?:[^\d]|$)/;
/** The date a file name carries: "…-20221201" → 2022-12-01, "…-2024-02" → 2024-02-01. */
export function dateFromFileName(baseName: string): string | null {
	const m = FILE_DATE_RE.exec(baseName);
	return m ? `${m[1]}-${m[2]}-${m[3] ?? '01'}` : null;
}

// ————————————————————————————————————————— identifiers

export function shortHash(s: string, len = 10): string {
	return createHash('sha1').update(s).digest('hex').slice(0, len);
}

/** "Médiathèque d'Anglet" → "mediatheque-d-anglet" (at most 40 characters). */
export function slug(s: string): string {
	return foldKey(s).replace(SPACE_RE, '-').slice(0, 40).replace(TRAILING_DASHES_RE, '');
}

/** A stable id for sources that have none: slug of the name + hash of name and address. */
export function stableId(name: string, ...address: (string | undefined)[]): string {
	const key = [name, ...address].map((p) => foldKey(p ?? '')).join('|');
	return `${slug(name) || 'lieu'}-${shortHash(key, 8)}`;
}

/**
 * The rows of a JSON source that are objects; any other row is rejected as unreadable.
 */
export function* jsonObjectRows(rows: Iterable<{ row: number; raw: unknown }>, rejected: Rejection[]): Generator<{ row: number; r: Record<string, unknown> }> {
	for (const { row, raw } of rows) {
		if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
			rejected.push({ row, reasons: ['ligne illisible : ce n’est pas un objet JSON'] });
			continue;
		}
		yield { row, r: raw as Record<string, unknown> };
	}
}

/** A JSON array's items with their 1-based row numbers. */
export function numbered(items: unknown[]): { row: number; raw: unknown }[] {
	return items.map((raw, i) => ({ row: i + 1, raw }));
}
