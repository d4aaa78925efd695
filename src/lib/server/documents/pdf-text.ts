/**
 * The text of the documents: what the standard fonts can show, and dates, times,
 * durations and phone numbers in French.
 *
 * - The built-in Helvetica only: no font file to ship. Its encoding is WinAnsi, which
 *   covers French (accents, « », ’, œ, €); every other character is replaced before it
 *   reaches pdfkit (which would otherwise write garbage for it): see `winAnsi`.
 * - Dates in French, Paris time: "mardi 24 novembre 2026 à 14 h 30".
 */
export const PARIS_TIME_ZONE = 'Europe/Paris';
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
		else if (c in REPLACEMENTS) out += REPLACEMENTS[c];
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
// Dates, times, durations, phone numbers, in French

const dateOnly = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);

function toDate(value: Date | string): { date: Date; timeZone: string } {
	if (value instanceof Date) return { date: value, timeZone: PARIS_TIME_ZONE };
	// a calendar date ("2026-03-12") is that day, wherever the server is
	if (dateOnly(value)) return { date: new Date(value + 'T12:00:00Z'), timeZone: 'UTC' };
	return { date: new Date(value), timeZone: PARIS_TIME_ZONE };
}

const formats = new Map<string, Intl.DateTimeFormat>();
function parts(value: Date | string): Record<string, string> | null {
	const { date, timeZone } = toDate(value);
	if (Number.isNaN(date.getTime())) return null;
	let fmt = formats.get(timeZone);
	if (!fmt) {
		fmt = new Intl.DateTimeFormat('fr-FR', {
			weekday: 'long',
			day: 'numeric',
			month: 'long',
			year: 'numeric',
			hour: 'numeric',
			minute: '2-digit',
			hourCycle: 'h23',
			timeZone
		});
		formats.set(timeZone, fmt);
	}
	const out: Record<string, string> = {};
	for (const p of fmt.formatToParts(date)) out[p.type] = p.value;
	return out;
}

/** "14 h 30", "9 h", "9 h 05". */
export function frenchTime(hour: number, minute: number): string {
	return minute ? `${hour} h ${String(minute).padStart(2, '0')}` : `${hour} h`;
}

/** "mardi 24 novembre 2026" (weekday: false → "24 novembre 2026"; the 1st is "1er"). */
export function frenchDate(value: Date | string, opts: { weekday?: boolean } = {}): string {
	const p = parts(value);
	if (!p) return typeof value === 'string' ? value : '';
	const day = p.day === '1' ? '1er' : p.day;
	return [opts.weekday === false ? null : p.weekday, day, p.month, p.year].filter(Boolean).join(' ');
}

/** "mardi 24 novembre 2026 à 14 h 30", in Paris time. A calendar date has no time. */
export function frenchDateTime(value: Date | string, opts: { weekday?: boolean } = {}): string {
	const p = parts(value);
	if (!p) return typeof value === 'string' ? value : '';
	if (typeof value === 'string' && dateOnly(value)) return frenchDate(value, opts);
	return `${frenchDate(value, opts)} à ${frenchTime(Number(p.hour), Number(p.minute))}`;
}

/** 45 → "45 min", 60 → "1 h", 90 → "1 h 30". */
export function frenchDuration(minutes: number): string {
	const m = Math.max(0, Math.round(minutes));
	if (m < 60) return `${m} min`;
	return frenchTime(Math.floor(m / 60), m % 60);
}

/** "+33559123456" → "05 59 12 34 56"; anything else unchanged. */
export function frenchPhone(phone: string | null | undefined): string {
	if (!phone) return '';
	const p = phone.trim();
	const m = /^\+33\s?([1-9](?:\s?\d){8})$/.exec(p);
	const national = m ? '0' + m[1].replace(/\s/g, '') : /^0\d{9}$/.test(p) ? p : null;
	return national ? national.replace(/(\d{2})(?=\d)/g, '$1 ') : p;
}

export const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
