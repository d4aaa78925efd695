/**
 * Validation and normalisation of a place against the national standard v1.0.2, and the
 * way back (PlaceFields → a row of the standard). Pure functions: no I/O, no database.
 *
 * Messages (errors and warnings) are French sentences starting with the standard's field
 * name, for the import reports: « pivot : le SIRET 12345678901234 a une clé de contrôle invalide ».
 *
 * Hot path: the importer calls parseStandardRecord ~100,000 times per run, so every regular
 * expression and lookup table is built once, at module load.
 */
import { createHash } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { PlaceFields, StandardRecord } from './types.ts';
import { FIELD_TO_KEY, STANDARD_FIELDS, VOCABULARIES, VOCABULARY_ALIASES, type VocabularyField } from './vocabulary.ts';
import { validateHoraires, PARIS_TIME_ZONE } from './hours.ts';

export type ParsedPlace = Omit<PlaceFields, 'id'> & { id: string };

export type ParseResult = { ok: true; place: ParsedPlace; warnings: string[] } | { ok: false; errors: string[] };

export interface ParseOptions {
	/** today's date (YYYY-MM-DD, Paris): replaces a date_maj before 2000 or in the future. Default: today in Paris. */
	today?: string;
}

/** Maximum length of presentation_resume (characters), per the schema. */
export const RESUME_MAX_LENGTH = 280;
/** The national convention for "SIRET unknown". */
export const UNKNOWN_SIRET = '00000000000000';

// ——— keys and text ———

const COMBINING_MARKS = /[\u0300-\u036f]/g;
const NON_ALNUM = /[^a-z0-9]+/g;
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Key for matching names: lower-case, accents removed (œ → oe, æ → ae), every run of
 * non-alphanumerics → one space, trimmed. "Saint-Médard-en-Jalles " → "saint medard en jalles".
 */
export function normalizeKey(s: string | null | undefined): string {
	if (!s) return '';
	let t = String(s);
	if (NON_ASCII.test(t)) {
		t = t.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase();
		if (NON_ASCII.test(t)) t = t.replace(/œ/g, 'oe').replace(/æ/g, 'ae').replace(/ß/g, 'ss');
	} else t = t.toLowerCase();
	return t.replace(NON_ALNUM, ' ').trim();
}

const WS_RUN = /\s+/g;
// C0 controls except \t \n \r, DEL and C1 controls
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const CRLF = /\r\n?/g;

function rawString(v: unknown): string {
	if (v === null || v === undefined) return '';
	if (typeof v === 'string') return v;
	if (typeof v === 'number') return Number.isFinite(v) ? plainDecimal(v) : '';
	if (Array.isArray(v)) return v.map(rawString).join('|');
	return String(v);
}

/** One-line text: controls removed, whitespace runs → one space, trimmed. */
function oneLine(v: unknown): string {
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

const FORMULA_REASON = 'ressemble à une formule de tableur (commence par =, ou par +, - ou @ suivis d’une fonction)\u00a0: un tableur l’exécuterait';

/** Multi-line text: controls removed, line ends → \n, trimmed. */
function multiLine(v: unknown): string {
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

const quote = (s: string) => `« ${s.length > 120 ? s.slice(0, 117) + '…' : s} »`;

// ——— identifiers ———

const PIVOT_STRIP = /[\s.\-\u00a0\u202f]/g;
const DIGITS_14 = /^\d{14}$/;
const DIGITS_13 = /^\d{13}$/;
const DIGITS_9 = /^\d{9}$/;
const RNA = /^W[0-9A-Z]{9}$/;

function luhnOk(s: string): boolean {
	let sum = 0;
	// 14 digits: from the right, every second digit is doubled → even indexes from the left
	for (let i = 0; i < s.length; i++) {
		let d = s.charCodeAt(i) - 48;
		if ((s.length - i) % 2 === 0) {
			d *= 2;
			if (d > 9) d -= 9;
		}
		sum += d;
	}
	return sum % 10 === 0;
}

function digitSum(s: string): number {
	let sum = 0;
	for (let i = 0; i < s.length; i++) sum += s.charCodeAt(i) - 48;
	return sum;
}

/**
 * A SIRET (14 digits, spaces allowed) whose key is valid: Luhn, or for La Poste's
 * establishments (SIREN 356000000) the sum of the digits is a multiple of 5.
 * The "unknown" convention 00000000000000 is not a valid SIRET.
 */
export function isValidSiret(s: string | null | undefined): boolean {
	if (!s) return false;
	const t = String(s).replace(PIVOT_STRIP, '');
	if (!DIGITS_14.test(t) || t === UNKNOWN_SIRET) return false;
	if (luhnOk(t)) return true;
	return t.startsWith('356000000') && digitSum(t) % 5 === 0;
}

/** An RNA number: W followed by 9 letters or digits (spaces allowed, case-insensitive). */
export function isValidRna(s: string | null | undefined): boolean {
	if (!s) return false;
	return RNA.test(String(s).replace(PIVOT_STRIP, '').toUpperCase());
}

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

const EMAIL = /^[A-Za-z0-9!#$%&'*+/=?^_`{}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const EMAIL_SPLIT = /[|;,\s]+/;
const MAILTO = /^mailto:/i;
const EMAIL_TRIM = /^[<("'[]+|[>)"'\].]+$/g;

/** An e-mail address, cleaned (mailto:, brackets, trailing dot removed; domain lower-cased), or null. */
export function normalizeEmail(raw: string): string | null {
	const s = raw.trim().replace(MAILTO, '').replace(EMAIL_TRIM, '');
	if (!EMAIL.test(s)) return null;
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

const URL_SPLIT = /[|\s]+|[;,](?=\s*(?:https?:\/\/|www\.))/i;

// ——— lists and vocabularies ———

const LIST_SPLIT = /[|;]/;

function splitList(v: unknown): string[] {
	const s = rawString(v);
	if (!s) return [];
	const out: string[] = [];
	for (const part of s.split(LIST_SPLIT)) {
		const t = part.replace(CONTROL_CHARS, '').replace(WS_RUN, ' ').trim();
		if (t && !out.includes(t)) out.push(t);
	}
	return out;
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
const VOCABULARY_MEMO = new Map<string, { values: string[]; warning: string | null }>();
const VOCABULARY_MEMO_MAX = 20_000;

function vocabularyList(field: VocabularyField, v: unknown, warnings: string[]): string[] {
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
		VOCABULARY_MEMO.set(memoKey, (hit = { values, warning }));
	}
	if (hit.warning) warnings.push(hit.warning);
	return hit.values.slice();
}

// ——— dates ———

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const FR_DATE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const PARIS_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: PARIS_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's date in Paris, YYYY-MM-DD. */
export function parisToday(now: Date = new Date()): string {
	return PARIS_DAY.format(now);
}

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
		return Number.isFinite(t) ? parisToday(new Date(t)) : null;
	}
	return null;
}

// ——— numbers ———

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseCoordinate(v: unknown): number | null | undefined {
	if (v === null || v === undefined) return null;
	if (typeof v === 'number') return Number.isFinite(v) ? v + 0 : undefined;
	let s = rawString(v).trim();
	if (!s) return null;
	if (s.includes(',') && !s.includes('.')) s = s.replace(',', '.');
	if (!DECIMAL.test(s)) return undefined;
	const n = Number(s);
	return Number.isFinite(n) ? n + 0 : undefined;
}

// ——— the record ———

const POSTCODE = /^\d{5}$/;
const POSTCODE_4 = /^\d{4}$/;
const INSEE = /^([013-9]\d|2[AB1-9])\d{3}$/;
const INSEE_4 = /^\d{4}$/;
const TRAILING_PUNCT = /[\s,;:.\-–—(]+$/;
const LAST_WORD = /\s\S*$/;

function truncateResume(s: string): string {
	const chars = Array.from(s);
	if (chars.length <= RESUME_MAX_LENGTH) return s;
	let cut = chars.slice(0, RESUME_MAX_LENGTH - 1).join('');
	const lastSpace = cut.search(LAST_WORD);
	if (lastSpace >= RESUME_MAX_LENGTH * 0.6) cut = cut.slice(0, lastSpace);
	return cut.replace(TRAILING_PUNCT, '') + '…';
}

/**
 * Validates and normalises one record shaped like the standard (snake_case names, raw
 * values). Rejects (ok: false) only when a required field is missing or unusable; every
 * other problem drops or corrects the value and adds a warning.
 */
export function parseStandardRecord(rec: StandardRecord, opts: ParseOptions = {}): ParseResult {
	const errors: string[] = [];
	const warnings: string[] = [];

	// — required text fields —
	const id = oneLine(rec.id);
	if (!id) errors.push('id\u00a0: champ obligatoire manquant');
	const nom = oneLine(rec.nom);
	if (!nom) errors.push('nom\u00a0: champ obligatoire manquant');
	const commune = oneLine(rec.commune);
	if (!commune) errors.push('commune\u00a0: champ obligatoire manquant');
	const adresse = oneLine(rec.adresse);
	if (!adresse) errors.push('adresse\u00a0: champ obligatoire manquant');
	for (const [name, value] of [
		['id', id],
		['nom', nom],
		['commune', commune],
		['adresse', adresse]
	] as const)
		if (value && formulaLike(value)) errors.push(`${name}\u00a0: ${quote(value)} ${FORMULA_REASON}`);

	// — pivot —
	let pivot = '';
	const pivotRaw = oneLine(rec.pivot);
	if (!pivotRaw) errors.push('pivot\u00a0: champ obligatoire manquant (SIRET ou RNA)');
	else {
		let p = pivotRaw.replace(PIVOT_STRIP, '').toUpperCase();
		if (typeof rec.pivot === 'number' && DIGITS_13.test(p)) {
			p = '0' + p;
			warnings.push(`pivot\u00a0: ${pivotRaw} lu comme un nombre, zéro initial rétabli (${p})`);
		}
		if (p === UNKNOWN_SIRET) {
			pivot = p;
			warnings.push('pivot\u00a0: SIRET inconnu (00000000000000, convention nationale)');
		} else if (DIGITS_14.test(p)) {
			if (isValidSiret(p)) pivot = p;
			else errors.push(`pivot\u00a0: le SIRET ${p} a une clé de contrôle invalide`);
		} else if (RNA.test(p)) pivot = p;
		else if (DIGITS_9.test(p))
			errors.push(`pivot\u00a0: ${p} est un SIREN (9 chiffres)\u00a0; le SIRET de l’établissement (14 chiffres) ou un numéro RNA est attendu`);
		else errors.push(`pivot\u00a0: ${quote(pivotRaw)} n’est ni un SIRET (14 chiffres) ni un numéro RNA (W suivi de 9 caractères)`);
	}

	// — code_postal —
	let codePostal = '';
	const cpRaw = oneLine(rec.code_postal).replace(WS_RUN, '');
	if (!cpRaw) errors.push('code_postal\u00a0: champ obligatoire manquant');
	else if (POSTCODE.test(cpRaw)) codePostal = cpRaw;
	else if (POSTCODE_4.test(cpRaw)) {
		codePostal = '0' + cpRaw;
		warnings.push(`code_postal\u00a0: ${cpRaw} complété en ${codePostal} (zéro initial perdu)`);
	} else errors.push(`code_postal\u00a0: ${quote(cpRaw)} n’est pas un code postal (5 chiffres)`);

	// — date_maj —
	let dateMaj = '';
	const dateRaw = oneLine(rec.date_maj);
	if (!dateRaw) errors.push('date_maj\u00a0: champ obligatoire manquant');
	else {
		const d = normalizeDate(dateRaw);
		if (!d) errors.push(`date_maj\u00a0: ${quote(dateRaw)} n’est pas une date (AAAA-MM-JJ attendu)`);
		else {
			const today = opts.today ?? parisToday();
			if (d < '2000-01-01') {
				dateMaj = today;
				warnings.push(`date_maj\u00a0: la date ${d} est antérieure à 2000\u00a0; remplacée par la date du jour (${today})`);
			} else if (d > today) {
				dateMaj = today;
				warnings.push(`date_maj\u00a0: la date ${d} est dans le futur\u00a0; remplacée par la date du jour (${today})`);
			} else dateMaj = d;
		}
	}

	if (errors.length) return { ok: false, errors };

	// — optional fields —
	let codeInsee: string | null = null;
	const inseeRaw = oneLine(rec.code_insee).replace(WS_RUN, '').toUpperCase();
	if (inseeRaw) {
		if (INSEE.test(inseeRaw)) codeInsee = inseeRaw;
		else if (INSEE_4.test(inseeRaw) && INSEE.test('0' + inseeRaw)) {
			codeInsee = '0' + inseeRaw;
			warnings.push(`code_insee\u00a0: ${inseeRaw} complété en ${codeInsee} (zéro initial perdu)`);
		} else warnings.push(`code_insee\u00a0: ${quote(inseeRaw)} n’est pas un code INSEE de commune\u00a0; valeur ignorée`);
	}

	let latitude: number | null = null;
	let longitude: number | null = null;
	const lat = parseCoordinate(rec.latitude);
	const lon = parseCoordinate(rec.longitude);
	if (lat === undefined || lon === undefined) {
		warnings.push(`latitude/longitude\u00a0: coordonnées illisibles (${quote(rawString(rec.latitude))}, ${quote(rawString(rec.longitude))})\u00a0; ignorées`);
	} else if ((lat === null) !== (lon === null)) {
		warnings.push(`latitude/longitude\u00a0: ${lat === null ? 'latitude' : 'longitude'} absente\u00a0; coordonnées ignorées`);
	} else if (lat !== null && lon !== null) {
		if (lat < -90 || lat > 90 || lon < -180 || lon > 180) {
			warnings.push(`latitude/longitude\u00a0: coordonnées hors limites (${lat}, ${lon})\u00a0; ignorées`);
		} else if (lat === 0 && lon === 0) {
			warnings.push('latitude/longitude\u00a0: coordonnées (0, 0)\u00a0; ignorées');
		} else {
			latitude = lat;
			longitude = lon;
		}
	}

	// telephone
	let telephone: string | null = null;
	const telRaw = oneLine(rec.telephone);
	if (telRaw) {
		const ph = extractPhones(telRaw);
		telephone = ph.numbers[0] ?? null;
		if (ph.numbers.length > 1) {
			warnings.push(`telephone\u00a0: plusieurs numéros (${ph.numbers.join(', ')})\u00a0; seul le premier est gardé`);
		}
		if (ph.legacyMayotte && telephone) warnings.push(`telephone\u00a0: ancien indicatif de Mayotte +269 remplacé par +262`);
		if (!telephone) {
			if (ph.foreign.length)
				warnings.push(
					`telephone\u00a0: ${quote(telRaw)} n’est pas un numéro français (le standard n’admet que +33 et les indicatifs d’outre-mer)\u00a0; valeur ignorée`
				);
			else warnings.push(`telephone\u00a0: ${quote(telRaw)} n’est pas un numéro de téléphone valide (exemple\u00a0: 05 53 69 47 47)\u00a0; valeur ignorée`);
		} else if (ph.invalid.length || ph.foreign.length) {
			warnings.push(`telephone\u00a0: partie non reconnue ignorée\u00a0: ${[...ph.invalid, ...ph.foreign].map(quote).join(', ')}`);
		}
	}

	// courriels
	const courriels: string[] = [];
	const emailsRaw = rawString(rec.courriels).trim();
	if (emailsRaw) {
		const bad: string[] = [];
		for (const part of emailsRaw.split(EMAIL_SPLIT)) {
			if (!part) continue;
			const e = normalizeEmail(part);
			if (e) {
				if (!courriels.some((c) => c.toLowerCase() === e.toLowerCase())) courriels.push(e);
			} else bad.push(part);
		}
		if (bad.length) {
			warnings.push(
				courriels.length
					? `courriels\u00a0: adresse(s) invalide(s) ignorée(s)\u00a0: ${bad.map(quote).join(', ')}`
					: `courriels\u00a0: aucune adresse valide dans ${quote(emailsRaw)}\u00a0; valeur ignorée`
			);
		}
	}

	// site_web
	const siteWeb: string[] = [];
	const sitesRaw = rawString(rec.site_web).trim();
	if (sitesRaw) {
		const bad: string[] = [];
		for (const part of sitesRaw.split(URL_SPLIT)) {
			if (!part) continue;
			const u = normalizeUrl(part);
			if (u) {
				if (!siteWeb.includes(u)) siteWeb.push(u);
			} else bad.push(part);
		}
		if (bad.length) warnings.push(`site_web\u00a0: adresse(s) web invalide(s) ignorée(s)\u00a0: ${bad.map(quote).join(', ')}`);
	}

	// single URLs
	const singleUrl = (field: 'fiche_acces_libre' | 'prise_rdv'): string | null => {
		const raw = oneLine(rec[field]);
		if (!raw) return null;
		const u = normalizeUrl(raw);
		if (!u) warnings.push(`${field}\u00a0: ${quote(raw)} n’est pas une adresse web valide\u00a0; valeur ignorée`);
		return u;
	};
	const ficheAccesLibre = singleUrl('fiche_acces_libre');
	const priseRdv = singleUrl('prise_rdv');

	// horaires
	let horaires: string | null = null;
	const horairesRaw = multiLine(rec.horaires);
	if (horairesRaw) {
		const h = validateHoraires(horairesRaw);
		if (h.ok) {
			horaires = h.value;
			if (h.corrected) warnings.push(`horaires\u00a0: ${quote(horairesRaw)} corrigées en ${quote(h.value)}`);
		} else {
			warnings.push(`horaires\u00a0: ${quote(horairesRaw)} ne respecte pas le format OpenStreetMap (${h.error})\u00a0; valeur ignorée`);
		}
	}

	// presentation
	let presentationResume: string | null = multiLine(rec.presentation_resume) || null;
	if (presentationResume && formulaLike(presentationResume)) {
		warnings.push(`presentation_resume\u00a0: ${quote(presentationResume.slice(0, 40))} ${FORMULA_REASON}\u00a0; valeur ignorée`);
		presentationResume = null;
	}
	if (presentationResume && presentationResume.length > RESUME_MAX_LENGTH) {
		const t = truncateResume(presentationResume);
		if (t !== presentationResume) {
			warnings.push(`presentation_resume\u00a0: ${Array.from(presentationResume).length} caractères (280 au plus)\u00a0; texte tronqué`);
			presentationResume = t;
		}
	}
	let presentationDetail = multiLine(rec.presentation_detail) || null;
	if (presentationDetail && formulaLike(presentationDetail)) {
		warnings.push(`presentation_detail\u00a0: ${quote(presentationDetail.slice(0, 40))} ${FORMULA_REASON}\u00a0; valeur ignorée`);
		presentationDetail = null;
	}
	// the other free texts: a formula-like value is dropped
	const freeText = (field: 'complement_adresse' | 'source' | 'structure_parente'): string | null => {
		const v = oneLine(rec[field]);
		if (v && formulaLike(v)) {
			warnings.push(`${field}\u00a0: ${quote(v)} ${FORMULA_REASON}\u00a0; valeur ignorée`);
			return null;
		}
		return v || null;
	};

	// vocabularies
	const services = vocabularyList('services', rec.services, warnings);
	if (!services.length) warnings.push('services\u00a0: aucun service du référentiel renseigné');

	const autresFormationsLabels = splitList(rec.autres_formations_labels).filter((v) => {
		if (!formulaLike(v)) return true;
		warnings.push(`autres_formations_labels\u00a0: ${quote(v)} ${FORMULA_REASON}\u00a0; valeur ignorée`);
		return false;
	});

	const place: ParsedPlace = {
		id,
		pivot,
		nom,
		commune,
		codePostal,
		codeInsee,
		adresse,
		complementAdresse: freeText('complement_adresse'),
		latitude,
		longitude,
		typologie: vocabularyList('typologie', rec.typologie, warnings),
		telephone,
		courriels,
		siteWeb,
		horaires,
		presentationResume,
		presentationDetail,
		source: freeText('source'),
		itinerance: vocabularyList('itinerance', rec.itinerance, warnings),
		structureParente: freeText('structure_parente'),
		dateMaj,
		services,
		publicsSpecifiquementAdresses: vocabularyList('publics_specifiquement_adresses', rec.publics_specifiquement_adresses, warnings),
		priseEnChargeSpecifique: vocabularyList('prise_en_charge_specifique', rec.prise_en_charge_specifique, warnings),
		fraisACharge: vocabularyList('frais_a_charge', rec.frais_a_charge, warnings),
		dispositifProgrammesNationaux: vocabularyList('dispositif_programmes_nationaux', rec.dispositif_programmes_nationaux, warnings),
		formationsLabels: vocabularyList('formations_labels', rec.formations_labels, warnings),
		autresFormationsLabels,
		modalitesAcces: vocabularyList('modalites_acces', rec.modalites_acces, warnings),
		modalitesAccompagnement: vocabularyList('modalites_accompagnement', rec.modalites_accompagnement, warnings),
		ficheAccesLibre,
		priseRdv
	};
	return { ok: true, place, warnings };
}

// ——— the way back ———

/** A place as a row of the standard: every STANDARD_FIELDS column as a string (lists joined with `|`, null → ''). */
export function toStandardRecord(place: PlaceFields): Record<string, string> {
	const out: Record<string, string> = {};
	for (const f of STANDARD_FIELDS) {
		const v = (place as unknown as Record<string, unknown>)[FIELD_TO_KEY[f]];
		if (v === null || v === undefined) out[f] = '';
		else if (Array.isArray(v)) out[f] = v.join('|');
		else if (typeof v === 'number') out[f] = Number.isFinite(v) ? plainDecimal(v) : '';
		else out[f] = String(v);
	}
	return out;
}

const LIST_KEYS = new Set<string>([
	'typologie',
	'courriels',
	'siteWeb',
	'itinerance',
	'services',
	'publicsSpecifiquementAdresses',
	'priseEnChargeSpecifique',
	'fraisACharge',
	'dispositifProgrammesNationaux',
	'formationsLabels',
	'autresFormationsLabels',
	'modalitesAcces',
	'modalitesAccompagnement'
]);
const HASH_KEYS = (Object.values(FIELD_TO_KEY) as string[]).filter((k) => k !== 'id').sort();
/** `"key":` of each hashed key, quoted once */
const HASH_KEY_PREFIX = HASH_KEYS.map((k, i) => (i ? ',' : '') + JSON.stringify(k) + ':');
const HASH_KEY_IS_LIST = HASH_KEYS.map((k) => LIST_KEYS.has(k));

/**
 * SHA-256 (hex) of a canonical JSON of a place's standard fields, `id` excluded (the same
 * content under another identifier hashes the same): keys sorted, list values sorted (their
 * order does not count), missing values as null (lists as []). Other properties are ignored.
 */
export function contentHash(place: Partial<PlaceFields>): string {
	const rec = place as Record<string, unknown>;
	let json = '{';
	for (let i = 0; i < HASH_KEYS.length; i++) {
		let v = rec[HASH_KEYS[i]];
		if (HASH_KEY_IS_LIST[i]) v = Array.isArray(v) ? (v.length > 1 ? (v as unknown[]).map(String).sort() : v.map(String)) : [];
		else if (v === undefined) v = null;
		json += HASH_KEY_PREFIX[i] + JSON.stringify(v);
	}
	json += '}';
	return createHash('sha256').update(json).digest('hex');
}
