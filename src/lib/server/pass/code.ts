/**
 * Pass Numérique voucher codes: 13 random characters of Crockford's base 32 (65 bits of
 * randomness from the operating system's generator) and one check character.
 *
 * The check character makes every single-character typo and every swap of two adjacent
 * characters (the check character included) detectable. It is Damm's scheme over a
 * totally anti-symmetric quasigroup of order 32, built on the field GF(32):
 *
 *     x ∘ y = a·x + y        (a = the element "x", a ≠ 0 and a ≠ 1)
 *
 * - a Latin square (each row and column a permutation, since a ≠ 0): changing one
 *   character changes the running value, and every later step keeps it different;
 * - totally anti-symmetric: (c ∘ x) ∘ y = a²c + a·x + y, equal to (c ∘ y) ∘ x only when
 *   (a + 1)(x + y) = 0, that is x = y (a ≠ 1; in GF(2⁵), minus is plus).
 *
 * A code is valid when folding ∘ over all 14 characters from 0 gives 0; the check
 * character is therefore a·r, r being the fold of the 13 others.
 *
 * Shown in groups for reading aloud and typing: `7K2M-9QXD-4RTV-8N`. Typing is forgiving:
 * lower case, spaces and dashes are accepted, and the letters Crockford's alphabet leaves
 * out read as the digits they look like (O → 0, I and L → 1). U is not in the alphabet.
 */
import { randomInt } from 'node:crypto';

/** Crockford's base 32: digits and letters without I, L, O, U. */
export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RANDOM_LENGTH = 13;
export const CODE_LENGTH = RANDOM_LENGTH + 1;
/** bits of randomness in a code */
export const RANDOM_BITS = RANDOM_LENGTH * 5;

const VALUE = new Map<string, number>([...ALPHABET].map((c, i) => [c, i]));
const ALIASES: Record<string, string> = { O: '0', I: '1', L: '1' };

/** Multiplication in GF(2⁵) modulo x⁵ + x² + 1 (irreducible). */
function gfMul(a: number, b: number): number {
	let r = 0;
	while (b) {
		if (b & 1) r ^= a;
		b >>= 1;
		a <<= 1;
		if (a & 0x20) a ^= 0x25;
	}
	return r;
}

/** a = the field element x (2): neither 0 nor 1. */
const A = 2;
/** the quasigroup's table: OP[x][y] = a·x + y */
export const OP: readonly (readonly number[])[] = Array.from({ length: 32 }, (_, x) => Array.from({ length: 32 }, (_, y) => gfMul(A, x) ^ y));

function fold(values: number[]): number {
	let r = 0;
	for (const v of values) r = OP[r][v];
	return r;
}

/** The check character of 13 (or any number of) characters of the alphabet. */
export function checkCharacter(body: string): string {
	const values = [...body].map((c) => {
		const v = VALUE.get(c);
		if (v === undefined) throw new Error(`checkCharacter: '${c}' is not in the alphabet`);
		return v;
	});
	// r ∘ c = 0  ⇔  a·r + c = 0  ⇔  c = a·r (characteristic 2)
	return ALPHABET[gfMul(A, fold(values))];
}

/** A new code, 14 characters without separators. */
export function newCode(random: (max: number) => number = randomInt): string {
	let body = '';
	for (let i = 0; i < RANDOM_LENGTH; i++) body += ALPHABET[random(32)];
	return body + checkCharacter(body);
}

/** Whether a normalised code (14 characters of the alphabet) passes its check. */
export function isValidCode(code: string): boolean {
	if (code.length !== CODE_LENGTH) return false;
	const values: number[] = [];
	for (const c of code) {
		const v = VALUE.get(c);
		if (v === undefined) return false;
		values.push(v);
	}
	return fold(values) === 0;
}

export type ParsedCode = { ok: true; code: string } | { ok: false; reason: 'empty' | 'characters' | 'length' | 'check'; message: string };

/**
 * What someone typed (or a scanned QR code's URL) to a normalised code, or why it cannot
 * be one, in French. Never says more than "this is not a valid code" about a code that
 * fails its check: the check character is there to catch typos before any lookup.
 */
export function parseCode(input: string): ParsedCode {
	let s = (input ?? '').trim();
	// a QR code's link: …/pass/7K2M9QXD4RTV8N
	const link = /\/pass\/([0-9A-Za-z -]+)\/?(?:[?#].*)?$/.exec(s);
	if (link) s = link[1];
	s = s.toUpperCase().replace(/[\s\-–.]/g, '');
	if (!s) return { ok: false, reason: 'empty', message: 'Saisissez le code du pass (14 caractères, sous le QR code).' };
	s = [...s].map((c) => ALIASES[c] ?? c).join('');
	const bad = [...new Set([...s].filter((c) => !VALUE.has(c)))];
	if (bad.length)
		return {
			ok: false,
			reason: 'characters',
			message: `Le code ne peut pas contenir ${bad.map((c) => `« ${c} »`).join(', ')}. Un code de pass n’a que des chiffres et des lettres (sans U).`
		};
	if (s.length !== CODE_LENGTH)
		return {
			ok: false,
			reason: 'length',
			message: `Un code de pass compte ${CODE_LENGTH} caractères\u00a0; vous en avez saisi ${s.length}. Vérifiez qu’il ne manque rien.`
		};
	if (!isValidCode(s))
		return {
			ok: false,
			reason: 'check',
			message: 'Ce code contient une erreur de saisie\u00a0: relisez-le caractère par caractère (par exemple 8 et B, 5 et S, 2 et Z).'
		};
	return { ok: true, code: s };
}

/** For display and print: `7K2M-9QXD-4RTV-8N`. */
export function formatCode(code: string): string {
	return code.replace(/(.{4})(?=.)/g, '$1-');
}

/** For screen readers: characters separated, groups by commas ("7 K 2 M, 9 Q X D, …"). */
export function spokenCode(code: string): string {
	return formatCode(code)
		.split('-')
		.map((g) => [...g].join(' '))
		.join(', ');
}
