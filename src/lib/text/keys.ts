/** Keys to match names typed differently (a place, a commune, a structure): pure, shared. */

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
