/**
 * Pure rules of the person's own space (Mon espace, issue 15): the recovery sheet's codes
 * (their alphabet, how they are printed and typed back), the device a session is named
 * after, the name of a passkey, and where a sign-in may lead back to.
 */
import { randomInt } from 'node:crypto';

/** Codes on one recovery sheet. */
export const RECOVERY_CODES_PER_SHEET = 8;
/** Letters and digits a person cannot mix up when typing from paper: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V. */
export const RECOVERY_ALPHABET = '34679ACDEFGHJKMNPQRTWXY';
/** 12 characters of 23: about 54 bits, enough with the address throttle for a code typed without any name. */
const RECOVERY_LENGTH = 12;

/** A new code, printed in groups of four: « 4K7M-C9QA-TXE3 ». */
export function newRecoveryCode(): string {
	let s = '';
	for (let i = 0; i < RECOVERY_LENGTH; i++) s += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
	return s.match(/.{4}/g)!.join('-');
}

/** A code as typed back (spaces, dashes and case do not count); null when it cannot be a code of a sheet. */
export function normaliseRecoveryCode(raw: string): string | null {
	const s = String(raw ?? '')
		.toUpperCase()
		.replace(/[\s\-–—.]/g, '');
	if (s.length !== RECOVERY_LENGTH) return null;
	for (const ch of s) if (!RECOVERY_ALPHABET.includes(ch)) return null;
	return s;
}

/** A passkey's name as the person typed it; « Mon téléphone » when empty. */
export function passkeyName(raw: unknown): string {
	const s = String(raw ?? '')
		.replace(/\s+/g, ' ')
		.trim()
		.slice(0, 60);
	return s || 'Mon téléphone';
}

/**
 * The kind of device a session was opened on, from the browser's User-Agent, in words the
 * person recognises. Only this label is kept, never the string itself.
 */
export function deviceLabel(userAgent: string | null | undefined): string | null {
	const ua = String(userAgent ?? '');
	if (!ua) return null;
	if (/iPhone/.test(ua)) return 'iPhone';
	if (/iPad/.test(ua)) return 'iPad';
	if (/Android/.test(ua)) return /Mobile/.test(ua) ? 'Téléphone Android' : 'Tablette Android';
	if (/Windows/.test(ua)) return 'Ordinateur Windows';
	if (/Macintosh|Mac OS X/.test(ua)) return 'Ordinateur Mac';
	if (/CrOS/.test(ua)) return 'Chromebook';
	if (/Linux/.test(ua)) return 'Ordinateur Linux';
	return 'Autre appareil';
}

/**
 * Where the sign-in page may send the person back (`?retour=`): a path of Mon espace on
 * this site only, never another site (`//evil.example`, `/\\evil`), never the sign-in page
 * itself. Anything else: Mon espace's home.
 */
export function personReturnPath(raw: string | null | undefined): string {
	const s = String(raw ?? '');
	if (!/^\/mon-espace(?:[/?#]|$)/.test(s) || /[\\\s]/.test(s) || s.startsWith('//')) return '/mon-espace';
	// dot segments (plain or encoded) climb out of Mon espace once the browser resolves them: « /mon-espace/../connexion »
	const path = s.split(/[?#]/)[0];
	if (/(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i.test(path) || /\/\//.test(path)) return '/mon-espace';
	if (/^\/mon-espace\/(?:connexion|deconnexion)(?:[/?#]|$)/.test(s)) return '/mon-espace';
	return s.slice(0, 500);
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * The WebAuthn relying party of the site's public address: its host name, and the origins
 * an answer may come from. Browsers refuse an IP address as the relying party: on a
 * loopback address (a developer's machine, the browser tests) it is `localhost`, reached
 * on the same port.
 */
export function relyingParty(origin: string): { rpID: string; origins: string[] } {
	const u = new URL(origin);
	if (!LOOPBACK.has(u.hostname)) return { rpID: u.hostname, origins: [u.origin] };
	return { rpID: 'localhost', origins: [`${u.protocol}//localhost${u.port ? `:${u.port}` : ''}`] };
}
