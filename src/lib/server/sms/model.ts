/**
 * SMS rules, pure: French phone numbers (metropolitan France and overseas) to E.164, whether
 * a number can receive an SMS, and what a text costs in segments (GSM-7 or UCS-2).
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';

/**
 * Where a French number may belong: metropolitan France, the overseas départements
 * (Guadeloupe, Martinique, Guyane, La Réunion, Mayotte) and the collectivités that share
 * their numbering (Saint-Barthélemy, Saint-Martin) or have their own (Saint-Pierre-et-Miquelon).
 */
export const FRENCH_REGIONS = ['FR', 'GP', 'MQ', 'GF', 'RE', 'YT', 'BL', 'MF', 'PM'] as const;
export type FrenchRegion = (typeof FRENCH_REGIONS)[number];
const isFrenchRegion = (c: string | undefined): c is FrenchRegion => !!c && (FRENCH_REGIONS as readonly string[]).includes(c);

export interface FrenchPhone {
	/** +33612345678 */
	e164: string;
	region: FrenchRegion;
	/** can receive an SMS */
	mobile: boolean;
	/** as written in France: 06 12 34 56 78 */
	national: string;
}

/**
 * Reads a French phone number as people write it: "06 12 34 56 78", "06.12.34.56.78",
 * "+33 6 12 34 56 78", "0033612345678", and overseas numbers in the national form
 * ("0690 12 34 56" is a Guadeloupe mobile, +590 690 12 34 56). Null when it is not a valid
 * number of one of the French regions (foreign numbers included).
 */
export function parseFrenchPhone(input: string): FrenchPhone | null {
	const raw = input.trim();
	if (!raw || raw.length > 30 || !/^[+\d\s.\-()/]+$/.test(raw)) return null;
	// A national number (0…) is tried in each region: the overseas ones share the leading 0
	// and libphonenumber recognises them only with their region (0690… is not a valid +33).
	// An international one (+…, 00…) says its country itself.
	const international = raw.startsWith('+') || raw.startsWith('00');
	const regions: readonly CountryCode[] = international ? ['FR'] : FRENCH_REGIONS;
	for (const region of regions) {
		const parsed = parsePhoneNumberFromString(raw, region);
		if (!parsed || !parsed.isValid() || !isFrenchRegion(parsed.country)) continue;
		const type = parsed.getType();
		return { e164: parsed.number, region: parsed.country, mobile: type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE', national: parsed.formatNational() };
	}
	return null;
}

/** The E.164 form of a French number ("+33612345678"), or null when it is not one. */
export function normalisePhone(input: string): string | null {
	return parseFrenchPhone(input)?.e164 ?? null;
}

/** Is it a French mobile number (one that can receive an SMS)? */
export function isMobile(input: string): boolean {
	return parseFrenchPhone(input)?.mobile ?? false;
}

/** A number as written in France ("06 12 34 56 78"); the input unchanged when it is not a French number. */
export function formatPhone(input: string): string {
	return parseFrenchPhone(input)?.national ?? input;
}

/** A number with its middle hidden, to say where a code was sent ("06 •• •• •• 78"). */
export function maskPhone(input: string): string {
	const national = parseFrenchPhone(input)?.national;
	if (!national) return '••';
	const digits = [...national].filter((c) => /\d/.test(c)).length;
	let seen = 0;
	return [...national].map((c) => (/\d/.test(c) ? (++seen <= 2 || seen > digits - 2 ? c : '•') : c)).join('');
}

export const PHONE_INVALID = 'Ce numéro de téléphone n’est pas valide. Exemple\u00a0: 06 12 34 56 78.';
export const PHONE_NOT_MOBILE = 'Ce numéro n’est pas un numéro de portable\u00a0: il ne peut pas recevoir de SMS.';

/** A French phone number (any kind), given back in E.164. */
export const phoneSchema = z
	.string()
	.trim()
	.transform((s, ctx) => {
		const e164 = normalisePhone(s);
		if (!e164) {
			ctx.addIssue({ code: 'custom', message: PHONE_INVALID });
			return z.NEVER;
		}
		return e164;
	});

/** A French mobile number, given back in E.164: where an SMS can be sent. */
export const mobilePhoneSchema = z
	.string()
	.trim()
	.transform((s, ctx) => {
		const phone = parseFrenchPhone(s);
		if (!phone) ctx.addIssue({ code: 'custom', message: PHONE_INVALID });
		else if (!phone.mobile) ctx.addIssue({ code: 'custom', message: PHONE_NOT_MOBILE });
		else return phone.e164;
		return z.NEVER;
	});

// ---- message length -------------------------------------------------------------------

/** The GSM 03.38 default alphabet (one septet each), without the escape character. */
const GSM7_BASIC = new Set(
	'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'
);
/** Its extension table: two septets each (escape + character). */
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsLength {
	encoding: SmsEncoding;
	/** septets (GSM-7) or UTF-16 code units (UCS-2) */
	units: number;
	/** SMS billed for it: 0 for an empty text */
	segments: number;
	/** units that still fit in the last segment */
	remaining: number;
	/** the characters that force UCS-2 (to rewrite them when the text must stay short) */
	nonGsm: string[];
}

/** Single SMS and per-segment capacities (a multipart SMS carries a 6-byte header in each part). */
const CAPACITY = { 'GSM-7': { single: 160, part: 153 }, 'UCS-2': { single: 70, part: 67 } } as const;

/**
 * How many SMS a text takes. GSM-7 when every character is in the GSM alphabet (160
 * characters, then 153 per part; the extension characters such as € count twice), else
 * UCS-2 (70, then 67 per part; an emoji counts twice). A part never splits an escape pair
 * or a surrogate pair, as the phones' encoders do. French: é è à ù and É Ç are GSM-7;
 * ê â î ô û ç ë ï œ and the typographic apostrophe ’ are not (see `smsFriendly`).
 */
export function smsLength(text: string): SmsLength {
	const chars = [...text];
	const nonGsm = [...new Set(chars.filter((c) => !GSM7_BASIC.has(c) && !GSM7_EXTENSION.has(c)))];
	const encoding: SmsEncoding = nonGsm.length ? 'UCS-2' : 'GSM-7';
	// each character's width in units, in the chosen encoding
	const widths = chars.map((c) => (encoding === 'GSM-7' ? (GSM7_EXTENSION.has(c) ? 2 : 1) : c.length));
	const units = widths.reduce((a, b) => a + b, 0);
	const { single, part } = CAPACITY[encoding];
	if (units === 0) return { encoding, units, segments: 0, remaining: single, nonGsm };
	if (units <= single) return { encoding, units, segments: 1, remaining: single - units, nonGsm };
	let segments = 1;
	let used = 0;
	for (const w of widths) {
		if (used + w > part) {
			segments++;
			used = 0;
		}
		used += w;
	}
	return { encoding, units, segments, remaining: part - used, nonGsm };
}

/** How many SMS a text takes (see `smsLength`). */
export function smsSegments(text: string): number {
	return smsLength(text).segments;
}

/**
 * The typography that costs an SMS its GSM-7 encoding (and so halves its length) without
 * adding meaning: curly quotes and apostrophes, guillemets, dashes, ellipsis, non-breaking
 * spaces. Letters are left as they are: "à bientôt" keeps its accent even if it costs UCS-2.
 */
export function smsFriendly(text: string): string {
	return text
		.replace(/[\u2018\u2019\u201A\u2032]/g, "'")
		.replace(/[\u201C\u201D\u201E\u2033]/g, '"')
		.replace(/«\s*/g, '"')
		.replace(/\s*»/g, '"')
		.replace(/[\u2010-\u2015\u2212]/g, '-')
		.replace(/\u2026/g, '...')
		.replace(/[\u00A0\u2007\u202F\u2009]/g, ' ');
}

/**
 * A text in the GSM alphabet when it can be: plain typography (`smsFriendly`), and the
 * letters outside the alphabet (ê, ô, î, ç…) without their accent, rather than making the
 * whole text cost 2.3 times more as UCS-2. A character with no plain form becomes "?".
 */
export function toGsm7(text: string): string {
	const t = smsFriendly(text);
	if (smsLength(t).encoding === 'GSM-7') return t;
	return [...t].map((c) => (GSM7_BASIC.has(c) || GSM7_EXTENSION.has(c) ? c : c.normalize('NFD').replace(/\p{M}/gu, '') || '?')).join('');
}

/** An SMS longer than this is refused: texts are notifications and codes, not letters. */
export const SMS_MAX_SEGMENTS = 3;

/** Is this text fit to send: not empty, at most SMS_MAX_SEGMENTS? */
export function checkSmsText(text: string): { ok: true; segments: number } | { ok: false; reason: string } {
	const { segments } = smsLength(text);
	if (!text.trim()) return { ok: false, reason: 'empty SMS text' };
	if (segments > SMS_MAX_SEGMENTS) return { ok: false, reason: `SMS text takes ${segments} segments (at most ${SMS_MAX_SEGMENTS})` };
	return { ok: true, segments };
}

/** An alphanumeric sender name as operators accept it: 1 to 11 letters or digits, or a number of up to 15 digits. */
export function validSmsSender(sender: string): boolean {
	return /^[A-Za-z0-9]{1,11}$/.test(sender) || /^\d{1,15}$/.test(sender);
}
