/**
 * One value of a record, cleaned and checked against the national standard: text (keys,
 * one line or several, spreadsheet formulas), phones, e-mails, URLs, lists and
 * vocabularies, dates, numbers. Pure functions, every regular expression and lookup table
 * built once at module load (model.ts calls these ~100,000 times per import).
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { VOCABULARIES, VOCABULARY_ALIASES, type VocabularyField } from './vocabulary.ts';
import { parisDay } from '../../time.ts';
import { normalizeKey } from '../../text/keys.ts';
import { z } from 'zod';

// ——— keys and text ———

export { normalizeKey };

export const WS_RUN = /\s+/g;
// C0 controls except \t \n \r, DEL and C1 controls
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const CRLF = /\r\n?/g;

/**
 * Any value read from a file as text, never an exception: String() throws on an object
 * whose own `toString` and `valueOf` are not functions (`{"toString": "x"}` in a JSON file),
 * which stopped a whole import.
 */
export function textOf(v: unknown): string {
	if (typeof v === 'string') return v;
	if (v === null || typeof v !== 'object') return String(v);
	try {
		return String(v);
	} catch {
		return JSON.stringify(v) ?? '';
	}
}

export function rawString(v: unknown): string {
	if (v === null || v === undefined) return '';
	if (typeof v === 'string') return v;
	if (typeof v === 'number') return Number.isFinite(v) ? plainDecimal(v) : '';
	if (Array.isArray(v)) return v.map(rawString).join('|');
	return textOf(v);
}

/** One-line text: controls removed, whitespace runs → one space, trimmed. */
export function oneLine(v: unknown): string {
	const s = rawString(v);
	return s.replace(CONTROL_CHARS, '').replace(WS_RUN, ' ').trim();
}

/**
 * A text a spreadsheet would run as a formula that does something (issue 11, finding 12):
 * it starts with =, or with +, - or @ glued to what follows and calls a function or another
 * program (a parenthesis, | or !). Real names start with "@tout Clic", real addresses with
 * "- Avenue", real descriptions with "- " lists: those stay.
 */
export function formulaLike(s: string): boolean {
	const t = s.trimStart();
	return t.startsWith('=') || (/^[+\-@]\S/.test(t) && /[(|!]/.test(t));
}

export const FORMULA_REASON = 'ressemble à une formule de tableur (commence par =, ou par +, - ou @ suivis d’une fonction)\u00a0: un tableur l’exécuterait';

/** Multi-line text: controls removed, line ends → \n, trimmed. */
export function multiLine(v: unknown): string {
	return rawString(v).replace(CRLF, '\n').replace(CONTROL_CHARS, '').trim();
}

/** A number as a plain decimal string (no exponent), which parses back to the same number. */
export function plainDecimal(n: number): string {
	if (Object.is(n, -0)) return '0';
	const s = String(n);
	const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
	if (!m) return s;
	const digits = m[2] + (m[3] ?? '');
	const point = 1 + Number(m[4]);
	let out: string;
	if (point <= 0) out = '0.' + '0'.repeat(-point) + digits;
	else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
	else out = digits.slice(0, point) + '.' + digits.slice(point);
	return m[1] + out;
}

export const quote = (s: string) => `« ${s.length > 120 ? s.slice(0, 117) + '…' : s} »`;

// ——— phones ———

/** The schema's telephone pattern (one number). */
export const STANDARD_PHONE = /^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)\d{6,9}$/;

/** National prefixes (after the trunk 0) of the overseas départements → their calling code. */
const OVERSEAS_PREFIXES: Record<string, string> = {
	'590': '590',
	'690': '590',
	'691': '590', // Guadeloupe, Saint-Martin, Saint-Barthélemy
	'594': '594',
	'694': '594', // Guyane
	'596': '596',
	'696': '596',
	'697': '596', // Martinique
	'262': '262',
	'263': '262',
	'692': '262',
	'693': '262', // La Réunion
	'269': '262',
	'639': '262' // Mayotte
};
const PHONE_CHUNK = /\+?\d[\d\s.\-()]*\d/g;
const NON_DIGIT = /\D/g;
const TEN_DIGITS = /\d{10}/g;
const OVERSEAS_12 = /^(590|594|596|262|269)/;
const PACIFIC_9 = /^(687|508|681)/;

interface PhoneCandidate {
	number: string | null;
	/** valid but outside the standard's prefixes */
	foreign: string | null;
	legacyMayotte: boolean;
}

function normalizeOnePhone(chunk: string): PhoneCandidate {
	const none: PhoneCandidate = { number: null, foreign: null, legacyMayotte: false };
	let intl = chunk.startsWith('+');
	let d = chunk.replace(NON_DIGIT, '');
	let legacyMayotte = false;
	if (!intl && d.startsWith('00')) {
		d = d.slice(2);
		intl = true;
	}
	if (!intl) {
		if (d.length === 9 && d[0] !== '0') d = '0' + d; // trunk zero lost by a spreadsheet
		if (d.length === 10 && d[0] === '0') {
			const cc = OVERSEAS_PREFIXES[d.slice(1, 4)];
			if (cc) {
				d = cc + d.slice(1);
				intl = true;
			}
		} else if (d.length === 11 && d.startsWith('33')) intl = true;
		else if (d.length === 12 && OVERSEAS_12.test(d)) intl = true;
		else if ((d.length === 9 && PACIFIC_9.test(d)) || (d.length === 11 && d.startsWith('689'))) intl = true;
		else return none;
	}
	if (intl) {
		if (d.length === 12 && d.startsWith('330')) d = '33' + d.slice(3); // +33 (0)5…
		if (d.length === 11 && d.startsWith('33')) {
			const cc = OVERSEAS_PREFIXES[d.slice(2, 5)];
			if (cc) d = cc + d.slice(2);
		}
		if (d.length === 12 && (d.startsWith('269269') || d.startsWith('269639'))) {
			d = '262' + d.slice(3); // Mayotte's calling code until 2007
			legacyMayotte = true;
		}
	}
	const p = parsePhoneNumberFromString(intl ? '+' + d : d, 'FR');
	if (!p || !p.isValid()) return none;
	const e164 = p.number as string;
	if (!STANDARD_PHONE.test(e164)) return { number: null, foreign: e164, legacyMayotte };
	return { number: e164, foreign: null, legacyMayotte };
}

export interface ExtractedPhones {
	/** valid numbers, E.164 (+33…, overseas prefixes of the standard), in order, deduplicated */
	numbers: string[];
	/** valid numbers outside the standard's prefixes (foreign) */
	foreign: string[];
	/** pieces that look like phone numbers but are not valid ones */
	invalid: string[];
	/** a number was written with Mayotte's former calling code +269 (rewritten +262) */
	legacyMayotte: boolean;
}

/**
 * Every phone number found in a raw value: "05 57 65 75 39", "0557657539", "+33 5 57…",
 * "33557657539", "0033…", "+33 (0)5…", overseas "0590…"/"+590…", several numbers separated
 * by "/", ";", "ou", " - "…
 */
export function extractPhones(raw: string | number | null | undefined): ExtractedPhones {
	const out: ExtractedPhones = { numbers: [], foreign: [], invalid: [], legacyMayotte: false };
	const s = rawString(raw);
	if (!s) return out;
	const chunks = s.match(PHONE_CHUNK);
	if (!chunks) return out;
	for (const chunk of chunks) {
		const digits = chunk.replace(NON_DIGIT, '');
		let pieces = [chunk];
		// several national numbers written back to back ("05 57 65 75 39 - 06 12 34 56 78")
		if (!chunk.startsWith('+') && digits.length >= 20 && digits.length % 10 === 0) {
			const blocks = digits.match(TEN_DIGITS) as string[];
			if (blocks.every((b) => b[0] === '0')) pieces = blocks;
		}
		for (const piece of pieces) {
			const c = normalizeOnePhone(piece);
			if (c.number) {
				if (!out.numbers.includes(c.number)) out.numbers.push(c.number);
				if (c.legacyMayotte) out.legacyMayotte = true;
			} else if (c.foreign) out.foreign.push(c.foreign);
			else if (piece.replace(NON_DIGIT, '').length >= 6) out.invalid.push(piece.trim());
		}
	}
	return out;
}

/** The first valid phone number of a raw value, as +33XXXXXXXXX (or an overseas prefix); null if none. */
export function normalizePhone(raw: string | number | null | undefined): string | null {
	return extractPhones(raw).numbers[0] ?? null;
}

// ——— e-mails and URLs ———

/** the one e-mail rule of maillage: zod's, as the accounts' forms use it (accounts/model.ts emailSchema) */
const EMAIL = z.email();
export const EMAIL_SPLIT = /[|;,\s]+/;
const MAILTO = /^mailto:/i;
const EMAIL_TRIM = /^[<("'[]+|[>)"'\].]+$/g;

/** An e-mail address, cleaned (mailto:, brackets, trailing dot removed; domain lower-cased), or null. */
export function normalizeEmail(raw: string): string | null {
	const s = raw.trim().replace(MAILTO, '').replace(EMAIL_TRIM, '');
	if (s.length > 254 || !EMAIL.safeParse(s).success) return null;
	const at = s.lastIndexOf('@');
	return s.slice(0, at) + '@' + s.slice(at + 1).toLowerCase();
}

const HTTP_SCHEME = /^https?:\/\//i;
const OTHER_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const URI_SCHEME_NO_SLASH = /^(?:mailto|tel|javascript|data|file|ftp|sms):/i;
const HOSTNAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const HAS_WS = /\s/;

/**
 * A web address: `https://` added when the scheme is missing; only http(s) with a real
 * domain name. The address is otherwise kept as written. Null when invalid.
 */
export function normalizeUrl(raw: string | null | undefined): string | null {
	if (!raw) return null;
	let s = String(raw).trim();
	if (!s || HAS_WS.test(s) || s.includes('|')) return null;
	if (!HTTP_SCHEME.test(s)) {
		if (s.startsWith('//')) s = 'https:' + s;
		else if (OTHER_SCHEME.test(s) || URI_SCHEME_NO_SLASH.test(s)) return null;
		else s = 'https://' + s;
	}
	let u: URL;
	try {
		u = new URL(s);
	} catch {
		return null;
	}
	if ((u.protocol !== 'https:' && u.protocol !== 'http:') || !HOSTNAME.test(u.hostname)) return null;
	return s;
}

export const URL_SPLIT = /[|\s]+|[;,](?=\s*(?:https?:\/\/|www\.))/i;

// ——— lists and vocabularies ———

const LIST_SPLIT = /[|;]/;

export function splitList(v: unknown): string[] {
	const s = rawString(v);
	if (!s) return [];
	// a Set: a cell of 100,000 values took minutes with a look-up in the list
	const out = new Set<string>();
	for (const part of s.split(LIST_SPLIT)) {
		const t = part.replace(CONTROL_CHARS, '').replace(WS_RUN, ' ').trim();
		if (t) out.add(t);
	}
	return [...out];
}

const VOCABULARY_INDEX = Object.fromEntries(
	Object.entries(VOCABULARIES).map(([field, values]) => {
		const m = new Map<string, string>();
		for (const v of values) m.set(normalizeKey(v), v);
		for (const [alias, v] of Object.entries(VOCABULARY_ALIASES[field as VocabularyField] ?? {})) m.set(normalizeKey(alias), v);
		return [field, m];
	})
) as Record<VocabularyField, Map<string, string>>;

/** The exact vocabulary string for a value (case, accents and punctuation ignored), or null. */
export function matchVocabulary(field: VocabularyField, value: string): string | null {
	return VOCABULARY_INDEX[field].get(normalizeKey(value)) ?? null;
}

/**
 * The same few list values repeat across a file's rows (a network's services, its
 * publics): each distinct raw value is split and matched once.
 */
const VOCABULARY_MEMO = new Map<string, { values: string[]; unknown: string[]; warning: string | null }>();
const VOCABULARY_MEMO_MAX = 20_000;

export function vocabularyList(
	field: VocabularyField,
	v: unknown,
	warnings: string[],
	/** told of each value outside the vocabulary */
	dropped?: (field: string, value: string, reason: string) => void
): string[] {
	const raw = rawString(v);
	if (!raw) return [];
	const memoKey = field + '\u0000' + raw;
	let hit = VOCABULARY_MEMO.get(memoKey);
	if (!hit) {
		const values: string[] = [];
		const unknown: string[] = [];
		for (const part of splitList(raw)) {
			const exact = VOCABULARY_INDEX[field].get(normalizeKey(part));
			if (exact) {
				if (!values.includes(exact)) values.push(exact);
			} else unknown.push(part);
		}
		const warning =
			unknown.length === 1
				? `${field}\u00a0: valeur hors vocabulaire ignorée\u00a0: ${quote(unknown[0])}`
				: unknown.length > 1
					? `${field}\u00a0: valeurs hors vocabulaire ignorées\u00a0: ${unknown.map(quote).join(', ')}`
					: null;
		if (VOCABULARY_MEMO.size >= VOCABULARY_MEMO_MAX) VOCABULARY_MEMO.clear();
		VOCABULARY_MEMO.set(memoKey, (hit = { values, unknown, warning }));
	}
	if (hit.warning) warnings.push(hit.warning);
	if (dropped) for (const u of hit.unknown) dropped(field, u, 'hors du vocabulaire du standard');
	return hit.values.slice();
}

// ——— dates ———

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const FR_DATE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
function isoOf(y: number, m: number, d: number): string | null {
	if (m < 1 || m > 12 || d < 1 || y < 1000 || y > 9999) return null;
	const dim = new Date(Date.UTC(y, m, 0)).getUTCDate();
	if (d > dim) return null;
	return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** A date as YYYY-MM-DD from "YYYY-MM-DD", "dd/mm/yyyy" or an ISO date-time (a zoned one is read in Paris time); null if invalid. */
export function normalizeDate(raw: string): string | null {
	const s = raw.trim();
	let m = ISO_DATE.exec(s);
	if (m) return isoOf(+m[1], +m[2], +m[3]);
	m = FR_DATE.exec(s);
	if (m) return isoOf(+m[3], +m[2], +m[1]);
	m = ISO_DATETIME.exec(s);
	if (m) {
		const date = isoOf(+m[1], +m[2], +m[3]);
		if (!date || !m[7]) return date;
		const zone = m[7].length === 5 ? m[7].slice(0, 3) + ':' + m[7].slice(3) : m[7].length === 3 ? m[7] + ':00' : m[7];
		const t = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${zone.toUpperCase()}`);
		return Number.isFinite(t) ? parisDay(new Date(t)) : null;
	}
	return null;
}

// ——— numbers ———

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseCoordinate(v: unknown): number | null | undefined {
	if (v === null || v === undefined) return null;
	if (typeof v === 'number') return Number.isFinite(v) ? v + 0 : undefined;
	let s = rawString(v).trim();
	if (!s) return null;
	if (s.includes(',') && !s.includes('.')) s = s.replace(',', '.');
	if (!DECIMAL.test(s)) return undefined;
	const n = Number(s);
	return Number.isFinite(n) ? n + 0 : undefined;
}
