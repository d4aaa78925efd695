/**
 * The session cookie: HttpOnly, SameSite=Lax (the OpenID Connect callback is a top-level
 * navigation from the identity provider), Secure and "__Host-" prefixed over HTTPS.
 */
import type { Cookies } from '@sveltejs/kit';
import { ABSOLUTE_HOURS } from '../accounts/service.ts';

export function sessionCookieName(url: URL): string {
	return url.protocol === 'https:' ? '__Host-maillage_session' : 'maillage_session';
}

export function setSessionCookie(cookies: Cookies, url: URL, token: string): void {
	cookies.set(sessionCookieName(url), token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: url.protocol === 'https:',
		maxAge: ABSOLUTE_HOURS * 3600
	});
}

export function clearSessionCookie(cookies: Cookies, url: URL): void {
	cookies.delete(sessionCookieName(url), { path: '/', secure: url.protocol === 'https:' });
}

/** The client's address: the socket's, or the proxy's X-Forwarded-For when TRUST_PROXY=1. */
export function clientIp(request: Request, getClientAddress: () => string): string | null {
	if (process.env.TRUST_PROXY === '1') {
		const fwd = request.headers.get('x-forwarded-for');
		if (fwd) return fwd.split(',')[0].trim().slice(0, 64);
	}
	try {
		return getClientAddress();
	} catch {
		return null;
	}
}

/** Only a local path (no "//host", no scheme): where to go back after logging in. */
export function safeReturnPath(v: string | null | undefined): string | null {
	if (!v || !v.startsWith('/') || v.startsWith('//') || v.startsWith('/\\') || v.length > 500) return null;
	// no control character or whitespace (browsers drop tab and newline: "/\t/x" is "//x")
	if (/[\u0000-\u0020\u007f\\]/.test(v)) return null;
	return v;
}
