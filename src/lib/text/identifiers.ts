/**
 * The French identifiers of a structure: SIRET (an establishment) and RNA (an association).
 * Pure rules, shared by the places' import, the structures' forms and the Pass Numérique.
 */

/** The national convention for "SIRET unknown". */
export const UNKNOWN_SIRET = '00000000000000';

const PIVOT_STRIP = /[\s.\-\u00a0\u202f]/g;
const DIGITS_14 = /^\d{14}$/;
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
