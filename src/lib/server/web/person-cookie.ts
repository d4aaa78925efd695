/**
 * The cookie of the person's own session (Mon espace, issue 15): HttpOnly, SameSite=Lax,
 * Secure over HTTPS, on the whole site (Mon espace, its documents' downloads and the old
 * /mes-orientations links). The token is random; only its hash is stored
 * (beneficiaries/person-access.ts), and logout or expiry ends it server-side.
 */
import type { Cookies } from '@sveltejs/kit';
import { PERSON_COOKIE, PERSON_SESSION_MINUTES } from '../beneficiaries/index.ts';

export const PERSON_COOKIE_PATH = '/';

export function setPersonCookie(cookies: Cookies, url: URL, token: string): void {
	cookies.set(PERSON_COOKIE, token, {
		path: PERSON_COOKIE_PATH,
		httpOnly: true,
		secure: url.protocol === 'https:',
		sameSite: 'lax',
		maxAge: PERSON_SESSION_MINUTES * 60
	});
}

export function clearPersonCookie(cookies: Cookies, url: URL): void {
	cookies.delete(PERSON_COOKIE, { path: PERSON_COOKIE_PATH, secure: url.protocol === 'https:' });
	// the cookie of the sessions opened before Mon espace lived on /mes-orientations only
	cookies.delete(PERSON_COOKIE, { path: '/mes-orientations', secure: url.protocol === 'https:' });
}
