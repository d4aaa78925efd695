/**
 * The text of the documents: what the standard fonts can show, and dates, times,
 * durations and phone numbers in French.
 *
 * - The built-in Helvetica only: no font file to ship. Its encoding is WinAnsi, which
 *   covers French (accents, « », ’, œ, €); every other character is replaced before it
 *   reaches pdfkit (which would otherwise write garbage for it): see `winAnsi`.
 * - Dates in French, Paris time: "mardi 24 novembre 2026 à 14 h 30", by the shared
 *   formatters (src/lib/components/format.ts) with the documents' defaults.
 */
import { formatDate, formatDateTime } from '../../components/format.ts';

// ---------------------------------------------------------------------------------------
// Text: what the standard fonts can show

/** Characters outside Latin-1 that WinAnsi (the standard fonts' encoding) still has. */
const WIN_ANSI_EXTRA = new Set('ƒ–—‘’‚“”„†‡•…€‰‹›ˆ™Œœ˜ŠšŸŽž');

/** Common characters outside WinAnsi and what stands in for them. */
const REPLACEMENTS: Record<string, string> = {
	'\u202f': '\u00a0', // narrow no-break space (French typography before : ; ! ?)
	'\u2007': '\u00a0', // figure space
	'\u2060': '', // word joiner
	'\u200b': '', // zero-width space
	'\u00ad': '', // soft hyphen: in WinAnsi, but pdfkit would draw it in the middle of a line
	'\ufeff': '',
	'\u2010': '-',
	'\u2011': '-',
	'\u2012': '–',
	'\u2015': '—',
	'\u2212': '-',
	'\u201b': '’',
	'\u201f': '”',
	'\u2032': '’',
	'\u2033': '”',
	'\u2192': '->',
	'\u2190': '<-',
	'\u2264': '<=',
	'\u2265': '>=',
	'\u2116': 'N°',
	'\u25cf': '•',
	'\u25aa': '•',
	'\u2023': '•',
	'\u2043': '-',
	Ł: 'L',
	ł: 'l',
	Đ: 'D',
	đ: 'd',
	Ħ: 'H',
	ħ: 'h',
	ı: 'i',
	ŀ: 'l',
	Ŀ: 'L'
};

const inWinAnsi = (c: string): boolean => {
	const code = c.codePointAt(0)!;
	return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(c);
};

/** Pictographs, their modifiers and joiners: dropped (they carry no words). */
// eslint-disable-next-line no-misleading-character-class -- each joiner and selector is matched alone, on purpose: the PDF font has none of them
const PICTOGRAPH = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\u200c\u200d\ufe0e\ufe0f\u20e3]/u;

/**
 * The text as the standard fonts can show it: NFC, WinAnsi characters kept, spaces of
 * all widths made plain or no-break spaces, typographic look-alikes replaced, letters
 * with marks outside WinAnsi reduced to their base letter (ș → s), pictographs dropped,
 * anything else shown as "?". Line breaks are kept; other control characters dropped.
 */
export function winAnsi(input: string | null | undefined): string {
	if (!input) return '';
	const text = input.normalize('NFC').replace(/\r\n?/g, '\n');
	let out = '';
	for (const c of text) {
		if (c === '\n') out += c;
		else if (c === '\t') out += ' ';
		else if (Object.hasOwn(REPLACEMENTS, c)) out += REPLACEMENTS[c];
		else if (inWinAnsi(c)) out += c;
		else if (/[\u0000-\u001f\u007f-\u009f]/.test(c)) continue;
		else if (/[\u2000-\u200a\u3000]/.test(c)) out += ' ';
		else if (PICTOGRAPH.test(c)) continue;
		else {
			const base = c.normalize('NFKD').replace(/\p{M}/gu, '');
			out += base && [...base].every(inWinAnsi) ? base : '?';
		}
	}
	return out
		.replace(/[ ]{2,}/g, ' ')
		.replace(/[ ]+\n/g, '\n')
		.trim();
}

// ---------------------------------------------------------------------------------------
// Dates: the shared French formatters (durations and phone numbers too, used as they are), with
// the documents' defaults

/** "mardi 24 novembre 2026" (weekday: false → "24 novembre 2026"; the 1st is "1er"), in Paris time. */
export function frenchDate(value: Date | string, opts: { weekday?: boolean } = {}): string {
	return formatDate(value, { weekday: opts.weekday !== false }) ?? '';
}

/** "mardi 24 novembre 2026 à 14 h 30", in Paris time. A calendar date has no time. */
export function frenchDateTime(value: Date | string, opts: { weekday?: boolean } = {}): string {
	return formatDateTime(value, { weekday: opts.weekday !== false, nbsp: false }) ?? (typeof value === 'string' ? value : '');
}

export const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
