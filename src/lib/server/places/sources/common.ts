/**
 * Helpers shared by the source adapters: text folding, lists, dates, identifiers, and the
 * resolution of a commune from an INSEE code, a postcode and a name. Every regular
 * expression is compiled once, here, at module load (the adapters run on ~100,000 rows).
 */
import { createHash } from 'node:crypto';
import type { MunicipalityInfo, MunicipalityLookup, Rejection, SourceRecord, StandardRecord } from '../types.ts';

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
}

export const PIVOT_UNKNOWN = '00000000000000';
export const WARN_NO_PIVOT = 'pivot (SIRET/RNA) absent : « 00000000000000 » utilisé';
export const WARN_CENTROID = 'placé au centre de la commune (pas de coordonnées précises dans la source)';

// ————————————————————————————————————————— text

const DIACRITICS_RE = /\p{M}+/gu;
const APOSTROPHES_RE = /[’‘`´ʼ]/g;
const SPACES_RE = /\s+/g;
const CRLF_RE = /\r\n?/g;
const NBSP_RE = /\u00a0/g;

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
	let s = typeof v === 'string' ? v : String(v);
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
	let s = typeof v === 'string' ? v : String(v);
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
	const out: string[] = [];
	for (const p of parts) {
		const t = p.trim();
		if (t && !out.includes(t)) out.push(t);
	}
	return out;
}

/** Adds values to a list without duplicates. */
export function addAll(list: string[], values: Iterable<string>): string[] {
	for (const v of values) if (!list.includes(v)) list.push(v);
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

// ————————————————————————————————————————— addresses

/** Words that name a way (rue, avenue…), then words that name a place along it (résidence, zone…). */
const WAY_WORDS =
	'rue|r|avenue|av|ave|bd|boulevard|bld|place|pl|chemin|che|ch|route|rte|allee|allees|all|impasse|imp|quai|cours|crs|square|sq|rond point|passage|voie|sentier|parvis|esplanade|promenade|faubourg|fg|mail|clos|carrefour|traverse|montee|cote|chaussee|grand rue|grande rue|venelle|ruelle|cheminement';
const PLACE_WORDS = 'lieu dit|lieudit|ld|le bourg|bourg|residence|res|cite|hameau|lotissement|zone|za|zi|zac|plateau|centre commercial|quartier';
const STREET_WORDS_RE = new RegExp(`\\b(?:${WAY_WORDS}|${PLACE_WORDS})\\b`);
const WAY_START_RE = new RegExp(`^(?:${WAY_WORDS})\\b`);
const STARTS_WITH_NUMBER_RE = /^\d+/;
/** The part of an address that names the street (a number first, or a street word). */
export function looksLikeStreet(s: string): boolean {
	return STARTS_WITH_NUMBER_RE.test(s) || STREET_WORDS_RE.test(foldKey(s));
}

/** 3: "12 rue …"; 2: "Rue …"; 1: a number or a place word somewhere; 0: no street. */
function streetScore(s: string): number {
	const k = foldKey(s);
	const number = STARTS_WITH_NUMBER_RE.test(k);
	const rest = number ? k.replace(NUMBER_PREFIX_RE, '') : k;
	if (WAY_START_RE.test(rest)) return number ? 3 : 2;
	return number || STREET_WORDS_RE.test(k) ? 1 : 0;
}

// the LAST 5-digit number followed only by a town name (with an optional arrondissement
// number and CEDEX) up to the end: "… BP 40273 33697 Mérignac Cedex" → 33697, "Mérignac"
const POSTCODE_CITY_RE = /(?:^|[^\d])(\d{5})(?!\d)[\s,;:.\-–—]*([^\d\n,;]*?(?:\s\d{1,2}\s*(?:er|e|eme|ème)?)?)[\s.]*(?:cedex(?:\s*\d{1,2})?)?[\s.]*$/i;
const TRAILING_SEPARATORS_RE = /[\s,;:\-–—/.]+$/;
const LEADING_SEPARATORS_RE = /^[\s,;:\-–—/.]+/;
const SEGMENT_SPLIT_RE = /\s+[-–—]\s+|\s*\n\s*|\s*;\s*/;
const COMMA_SPLIT_RE = /\s*,\s*/;
const NUMBER_ONLY_RE = /^\d+(?:\s*[-/]\s*\d+)?\s*(?:bis|ter|quater|[a-d])?$/i;
const TRAILING_NUMBER_RE = /\s(\d+(?:\s*[-/]\s*\d+)?\s*(?:bis|ter|quater)?)$/i;
const POSTAL_BOX_RE = /\b(?:B\.?P\.?|CS|TSA)\s*(?:n°\s*)?\d{1,5}(?: \d{3})?\b|\bcedex(?:\s*\d{1,2})?\b/gi;
const STREET_START_RE = WAY_START_RE;
/** on a foldKey'd text: "12 ", "4bis ", "10 12 " (from "10-12") */
const NUMBER_PREFIX_RE = /^\d+(?: \d+)?\s*(?:bis|ter|quater|[a-d])?\s+/;
const OTHER_ADDRESS_RE = /\n\s*autre adresse\b[\s\S]*$/i;
const CEDEX_RE = /\bcedex\b/i;
const POSTAL_BOX_ONLY_RE = /\b(?:B\.?P\.?|CS|TSA)\s*(?:n°\s*)?\d{1,5}(?: \d{3})?\b/i;
const MULTI_SPACES_RE = /[ \t]{2,}/g;
const ENDS_WITH_SEPARATOR_RE = /[\s,\-–]$/;

export interface SplitAddress {
	street?: string;
	complement?: string;
	postcode?: string;
	city?: string;
	/** the text held a CEDEX postcode */
	cedex?: boolean;
	/** the text held a second address ("Autre adresse : …"), dropped */
	droppedOther?: boolean;
	/** the postal box found in the text ("BP 20"), removed from the address */
	postalBox?: string;
}

/**
 * Splits a free-text postal address into street, complement, postcode and town:
 * "8 rue de la Boétie - 33000 Bordeaux", "Hôtel de ville\nRue Amédée Dufourg\nBP 303\n64603 Anglet Cedex",
 * "20 Avenue de Ségur, 75007 Paris", "102 RUE AMELOT 75011 PARIS 11".
 */
export function splitAddress(text: string, knownCity?: string): SplitAddress {
	const out: SplitAddress = {};
	let t = text.replace(CRLF_RE, '\n').replace(NBSP_RE, ' ');
	if (OTHER_ADDRESS_RE.test(t)) {
		t = t.replace(OTHER_ADDRESS_RE, '');
		out.droppedOther = true;
	}
	t = t.trim();
	if (CEDEX_RE.test(t)) out.cedex = true;
	// postal boxes and CEDEX say nothing of where the place is: "BP 40273", "CS 81016", "Cedex 9"
	const box = POSTAL_BOX_ONLY_RE.exec(t);
	if (box) out.postalBox = box[0].trim();
	t = t.replace(POSTAL_BOX_RE, ' ').replace(MULTI_SPACES_RE, ' ');
	const m = POSTCODE_CITY_RE.exec(t);
	if (m) {
		out.postcode = m[1];
		const city = clean(m[2]);
		if (city) out.city = city;
		// the match starts with the postcode, or with the one non-digit character before it
		t = t.slice(0, m.index + (STARTS_WITH_NUMBER_RE.test(m[0]) ? 0 : 1));
	}
	t = t.replace(TRAILING_SEPARATORS_RE, '').replace(LEADING_SEPARATORS_RE, '');
	// a town name written at the end without a postcode: "1 chemin des Iris, Lormont"
	if (knownCity && !m) {
		const kc = foldKey(knownCity);
		const segs = t.split(COMMA_SPLIT_RE);
		const last = segs[segs.length - 1];
		if (segs.length > 1 && foldKey(last) === kc) t = segs.slice(0, -1).join(', ');
		else {
			const f = foldKey(t);
			if (f.endsWith(' ' + kc) && ENDS_WITH_SEPARATOR_RE.test(t.slice(0, t.length - knownCity.length)))
				t = t.slice(0, t.length - knownCity.length).replace(TRAILING_SEPARATORS_RE, '');
		}
	}
	// segments: lines, " - ", ";" and commas (a comma after a lone house number does not split)
	const segments: string[] = [];
	for (const part of t.split(SEGMENT_SPLIT_RE)) {
		const pieces = part.split(COMMA_SPLIT_RE);
		for (let i = 0; i < pieces.length; i++) {
			let p = pieces[i].trim();
			while (NUMBER_ONLY_RE.test(p) && i + 1 < pieces.length) p = `${p} ${pieces[++i].trim()}`;
			// "Maison des Associations 11, rue du 8 Mai 1945": the number belongs to the street after the comma
			const next = pieces[i + 1]?.trim();
			const n = next ? TRAILING_NUMBER_RE.exec(p) : null;
			if (n && !STARTS_WITH_NUMBER_RE.test(next!) && STREET_START_RE.test(foldKey(next!))) {
				pieces[i + 1] = `${n[1]} ${next}`;
				p = p.slice(0, n.index).trim();
			}
			if (p) segments.push(p);
		}
	}
	for (let i = segments.length - 1; i >= 0; i--) {
		segments[i] = segments[i].replace(TRAILING_SEPARATORS_RE, '').replace(LEADING_SEPARATORS_RE, '');
		if (!segments[i]) segments.splice(i, 1);
	}
	if (!segments.length) return out;
	if (segments.length === 1) {
		out.street = segments[0];
		return out;
	}
	let streetIndex = -1;
	let best = 0;
	for (let i = 0; i < segments.length; i++) {
		const score = streetScore(segments[i]);
		if (score > best) {
			best = score;
			streetIndex = i;
		}
	}
	if (streetIndex < 0) {
		out.street = segments.join(', ');
		return out;
	}
	out.street = segments[streetIndex];
	const rest = segments.filter((_, i) => i !== streetIndex);
	if (rest.length) out.complement = rest.join(', ');
	return out;
}

// ————————————————————————————————————————— communes

const ARRONDISSEMENT_PARENT: [number, number, string][] = [
	[75101, 75120, '75056'],
	[69381, 69389, '69123'],
	[13201, 13216, '13055']
];

/** Département(s) a postcode belongs to: "33000" → ["33"], "20167" → ["2A","2B"], "97150" → ["971","977","978"]. */
export function departmentsOfPostcode(pc: string): string[] {
	if (pc.startsWith('20')) return ['2A', '2B'];
	if (pc.startsWith('97')) {
		const d = pc.slice(0, 3);
		return d === '971' ? ['971', '977', '978'] : [d];
	}
	if (pc.startsWith('98')) return [pc.slice(0, 3)];
	return [pc.slice(0, 2)];
}

function compatible(m: MunicipalityInfo, pc: string | undefined): boolean {
	if (!pc) return true;
	return m.postcodes.includes(pc) || departmentsOfPostcode(pc).includes(m.departmentCode);
}

const ARR_NAME_RE = /^(paris|lyon|marseille)\s*(\d{1,2})\s*(?:er|e|eme|ème)?(?:\s*arrondissement)?$/i;

export interface ResolveInput {
	insee?: string;
	postcode?: string;
	name?: string;
}

export interface Resolved {
	municipality?: MunicipalityInfo;
	warnings: string[];
	/** why no commune was found (French), when none */
	failure?: string;
}

function byInseeOrParent(lookup: MunicipalityLookup, code: string): MunicipalityInfo | undefined {
	const m = lookup.byInsee(code);
	if (m) return m;
	const n = Number(code);
	for (const [from, to, parent] of ARRONDISSEMENT_PARENT) if (n >= from && n <= to) return lookup.byInsee(parent);
	return undefined;
}

const TRAILING_PARENS_RE = /\s*\([^)]*\)\s*$/;
const LOOSE_WORDS: Record<string, string> = { st: 'saint', ste: 'sainte' };

function looseTokens(name: string): string[] {
	const out: string[] = [];
	for (const t of foldKey(name).split(' ')) if (t) out.push(LOOSE_WORDS[t] ?? t);
	return out;
}

function isSubset(a: string[], b: string[]): boolean {
	return a.length > 0 && a.some((t) => t.length >= 4) && a.every((t) => b.includes(t));
}

/**
 * The one commune of a postcode whose name is a shortened or longer form of the given name
 * ("BARBEZIEUX" → Barbezieux-Saint-Hilaire, "Neuvic-sur-l'Isle" → Neuvic, "Quimerc'h" → Quimerch).
 */
function looseMatch(candidates: MunicipalityInfo[], name: string): MunicipalityInfo | undefined {
	const a = looseTokens(name);
	const joined = a.join('');
	let best: MunicipalityInfo | undefined;
	let bestScore = 0;
	let tie = false;
	for (const c of candidates) {
		const b = looseTokens(c.name);
		// 3: same letters; 2: one name starts the other ("Barbezieux" / "Barbezieux-Saint-Hilaire"); 1: words included
		const score = b.join('') === joined ? 3 : isPrefix(a, b) || isPrefix(b, a) ? 2 : isSubset(a, b) || isSubset(b, a) ? 1 : 0;
		if (score === 0 || score < bestScore) continue;
		if (score > bestScore) {
			best = c;
			bestScore = score;
			tie = false;
		} else if (c !== best) tie = true;
	}
	return tie ? undefined : best;
}

function isPrefix(a: string[], b: string[]): boolean {
	if (!a.length || a.length > b.length || !a.some((t) => t.length >= 4)) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}

const PLM_NAME_RE = /^(paris|lyon|marseille)$/;
/** "Paris" + 75019 → 75119 (the arrondissement: a better centroid than the city's). */
function plmArrondissement(name: string, pc: string): string | undefined {
	const k = PLM_NAME_RE.exec(foldKey(name));
	if (!k) return undefined;
	const n = Number(pc.slice(3));
	if (k[1] === 'paris' && pc.startsWith('75')) return pc === '75116' ? '75116' : n >= 1 && n <= 20 && pc.startsWith('750') ? String(75100 + n) : undefined;
	if (k[1] === 'lyon' && pc.startsWith('6900') && n >= 1 && n <= 9) return String(69380 + n);
	if (k[1] === 'marseille' && pc.startsWith('130') && n >= 1 && n <= 16) return String(13200 + n);
	return undefined;
}

interface NameMatch {
	municipality: MunicipalityInfo;
	/** exact name, name matched loosely, or the only commune of the postcode (name ignored) */
	how: 'name' | 'loose' | 'postcode';
}

function byNameAndPostcode(lookup: MunicipalityLookup, rawName: string | undefined, pc: string | undefined): NameMatch | undefined {
	const name = rawName?.replace(TRAILING_PARENS_RE, '').trim() || undefined;
	if (name) {
		const arr = ARR_NAME_RE.exec(name);
		if (arr) {
			const city = arr[1].toLowerCase();
			const n = Number(arr[2]);
			const code = city === 'paris' ? 75100 + n : city === 'lyon' ? 69380 + n : 13200 + n;
			const m = byInseeOrParent(lookup, String(code));
			if (m) return { municipality: m, how: 'name' };
		}
		if (pc) {
			const arrondissement = plmArrondissement(name, pc);
			if (arrondissement) {
				const m = lookup.byInsee(arrondissement);
				if (m) return { municipality: m, how: 'name' };
			}
			const m = lookup.byName(name, { postcode: pc });
			if (m) return { municipality: m, how: 'name' };
			for (const d of departmentsOfPostcode(pc)) {
				const md = lookup.byName(name, { departmentCode: d });
				if (md) return { municipality: md, how: 'name' };
			}
		}
	}
	if (pc) {
		const list = lookup.byPostcode(pc);
		if (name) {
			const m = looseMatch(list, name);
			if (m) return { municipality: m, how: 'loose' };
		}
		if (list.length === 1) return { municipality: list[0], how: name ? 'postcode' : 'name' };
	}
	if (name && !pc) {
		const m = lookup.byName(name);
		if (m) return { municipality: m, how: 'name' };
	}
	return undefined;
}

function describe(match: NameMatch, name: string | undefined, pc: string | undefined): string | undefined {
	const m = match.municipality;
	if (match.how === 'loose') return `commune « ${name} » rapprochée de ${m.name} (${m.inseeCode})`;
	if (match.how === 'postcode')
		return `commune « ${name} » inconnue au code postal ${pc} : ${m.name} (${m.inseeCode}), seule commune de ce code postal, retenue`;
	return undefined;
}

/**
 * Finds a commune from an INSEE code, a postcode and a name, in that order of trust, but
 * checks the INSEE code against the postcode: a code from another département (a default
 * value, a typo) is overridden by the postcode and name when they designate a commune.
 */
export function resolveMunicipality(lookup: MunicipalityLookup, input: ResolveInput): Resolved {
	const warnings: string[] = [];
	const { insee, postcode: pc, name } = input;
	const accept = (match: NameMatch): Resolved => {
		const note = describe(match, name, pc);
		if (note) warnings.push(note);
		return { municipality: match.municipality, warnings };
	};
	if (insee) {
		const m = byInseeOrParent(lookup, insee);
		if (m && compatible(m, pc)) return { municipality: m, warnings };
		const alt = byNameAndPostcode(lookup, name, pc);
		if (m) {
			if (alt) {
				warnings.push(
					`code INSEE ${insee} (${m.name}) incohérent avec le code postal ${pc} : commune ${alt.municipality.name} (${alt.municipality.inseeCode}) retenue`
				);
				return accept(alt);
			}
			return { warnings, failure: `commune incohérente : code INSEE ${insee} (${m.name}) et code postal ${pc}${name ? ` (« ${name} »)` : ''}` };
		}
		if (alt) {
			warnings.push(
				`code INSEE ${insee} inconnu : commune ${alt.municipality.name} (${alt.municipality.inseeCode}) retenue d’après ${name ? 'le nom et ' : ''}le code postal`
			);
			return accept(alt);
		}
		return { warnings, failure: `commune introuvable (code INSEE ${insee}${pc ? `, code postal ${pc}` : ''}${name ? `, « ${name} »` : ''})` };
	}
	if (!pc && !name) return { warnings, failure: 'commune absente' };
	const match = byNameAndPostcode(lookup, name, pc);
	if (match) return accept(match);
	return { warnings, failure: `commune introuvable (${[pc && `code postal ${pc}`, name && `« ${name} »`].filter(Boolean).join(', ')})` };
}

/**
 * The commune of a postcode whose whole name appears in a text, e.g. the structure's name
 * "France Services Barcelonnette" with postcode 04400 → Barcelonnette (the longest name wins).
 */
export function municipalityNamedIn(lookup: MunicipalityLookup, pc: string, text: string): MunicipalityInfo | undefined {
	const haystack = ` ${looseTokens(text).join(' ')} `;
	let best: MunicipalityInfo | undefined;
	let bestLength = 0;
	for (const c of lookup.byPostcode(pc)) {
		const key = looseTokens(c.name).join(' ');
		if (key.length >= 4 && key.length > bestLength && haystack.includes(` ${key} `)) {
			best = c;
			bestLength = key.length;
		}
	}
	return best;
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
