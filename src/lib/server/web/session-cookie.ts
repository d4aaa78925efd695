/**
 * The session cookie: HttpOnly, SameSite=Lax (the OpenID Connect callback is a top-level
 * navigation from the identity provider), Secure and "__Host-" prefixed over HTTPS.
 */
import type { Cookies } from '@sveltejs/kit';
import { BlockList, isIP } from 'node:net';
import { ABSOLUTE_HOURS } from '../accounts/index.ts';

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

/**
 * Which proxies are trusted (TRUST_PROXY, issue 11, low finding: the leftmost
 * X-Forwarded-For entry, written by the client, was trusted): unset or 0, none (the
 * socket's address); a number n, the n proxies in front of the server; or a comma-separated
 * list of proxy addresses and CIDR ranges (`10.0.0.0/8, 192.0.2.7, fd00::/8`).
 */
type Trust = { kind: 'none' } | { kind: 'hops'; hops: number } | { kind: 'list'; list: BlockList };
let trustCache: { value: string | undefined; trust: Trust } | null = null;

export function parseTrustProxy(value: string | undefined): Trust {
	const v = (value ?? '').trim();
	if (!v || v === '0' || v === 'false') return { kind: 'none' };
	if (/^\d{1,2}$/.test(v)) return { kind: 'hops', hops: Number(v) };
	const list = new BlockList();
	for (const part of v
		.split(',')
		.map((p) => p.trim())
		.filter(Boolean)) {
		const [addr, bits] = part.split('/');
		const family = isIP(addr);
		if (!family || (bits !== undefined && !/^\d{1,3}$/.test(bits)))
			throw new Error(`TRUST_PROXY: ${JSON.stringify(part)} is neither a number of proxies nor an IP address or CIDR range`);
		const type = family === 6 ? 'ipv6' : 'ipv4';
		if (bits === undefined) list.addAddress(addr, type);
		else list.addSubnet(addr, Number(bits), type);
	}
	return { kind: 'list', list };
}

function trustProxy(): Trust {
	const value = process.env.TRUST_PROXY;
	if (!trustCache || trustCache.value !== value) trustCache = { value, trust: parseTrustProxy(value) };
	return trustCache.trust;
}

/** An address as written in X-Forwarded-For or by the socket: port and IPv4-mapped prefix removed; null if not an IP. */
function plainIp(raw: string): string | null {
	let a = raw.trim();
	const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
	if (bracket) a = bracket[1];
	else if (/^[\d.]+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
	if (/^::ffff:[\d.]+$/i.test(a)) a = a.slice(7);
	return isIP(a) ? a : null;
}

const trusted = (list: BlockList, ip: string) => list.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');

/**
 * The client's address: the socket's, or with trusted proxies the right-most
 * X-Forwarded-For hop that is not one of them (entries left of it are the client's words).
 */
export function clientIp(request: Request, getClientAddress: () => string): string | null {
	let socket: string | null;
	try {
		socket = plainIp(getClientAddress());
	} catch {
		socket = null;
	}
	const trust = trustProxy();
	if (trust.kind === 'none' || !socket) return socket;
	const hops = (request.headers.get('x-forwarded-for') ?? '')
		.split(',')
		.map((h) => h.trim())
		.filter(Boolean)
		.reverse();
	// the chain from the server outwards: the socket (the nearest proxy), then each hop it reports
	const chain = [socket, ...hops];
	if (trust.kind === 'hops') {
		const i = Math.min(trust.hops, chain.length - 1);
		// a malformed entry where the client should be: the nearest proxy's word stops before it
		for (let k = i; k >= 0; k--) {
			const ip = plainIp(chain[k]);
			if (ip) return ip;
		}
		return socket;
	}
	let current = socket;
	for (let k = 1; k < chain.length; k++) {
		if (!trusted(trust.list, current)) return current;
		const next = plainIp(chain[k]);
		if (!next) return current;
		current = next;
	}
	return current;
}

/** Only a local path (no "//host", no scheme): where to go back after logging in. */
export function safeReturnPath(v: string | null | undefined): string | null {
	if (!v || !v.startsWith('/') || v.startsWith('//') || v.startsWith('/\\') || v.length > 500) return null;
	// no control character or whitespace (browsers drop tab and newline: "/\t/x" is "//x")
	if (/[\u0000-\u0020\u007f\\]/.test(v)) return null;
	return v;
}
