/**
 * The public address of the instance: the one source of every link sent by e-mail or SMS,
 * printed (PDF, QR codes, the command line) or given to an identity provider. Never taken
 * from the request: a forged `Host` header would otherwise send a password-reset link to
 * the attacker's site (issue 11, finding 2).
 *
 * `ORIGIN` when set (required in production); else derived from `PORT`/`HOST`, as
 * scripts/start.mjs does on the embedded default (http://localhost:3000).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../paths.ts';

/** `ORIGIN` normalised to scheme://host[:port], or an error naming what is wrong. */
export function parseOrigin(value: string): string {
	let u: URL;
	try {
		u = new URL(value.trim());
	} catch {
		throw new Error(`ORIGIN is not a URL: ${JSON.stringify(value)}`);
	}
	if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`ORIGIN must be an http(s) URL: ${JSON.stringify(value)}`);
	if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash || u.username || u.password)
		throw new Error(`ORIGIN must be scheme://host[:port] without a path: ${JSON.stringify(value)}`);
	return u.origin;
}

/** The local address the server listens on, as a browser on this machine reaches it. */
export function derivedOrigin(env: NodeJS.ProcessEnv = process.env): string {
	const port = Number(env.PORT || 3000);
	const host = !env.HOST || env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST;
	return `http://${host}:${port}`;
}

/** The public origin (no trailing slash): where every link we send or print points. */
export function publicOrigin(): string {
	return process.env.ORIGIN ? parseOrigin(process.env.ORIGIN) : derivedOrigin();
}

/** A production deployment: NODE_ENV=production on PostgreSQL, or MAILLAGE_PRODUCTION=1. */
export function isProduction(env: NodeJS.ProcessEnv = process.env): boolean {
	return env.MAILLAGE_PRODUCTION === '1' || (env.NODE_ENV === 'production' && !!env.DATABASE_URL);
}

/** At start: production refuses to run without ORIGIN; a malformed ORIGIN stops any start. */
export function checkOriginAtStart(env: NodeJS.ProcessEnv = process.env): void {
	if (env.ORIGIN) parseOrigin(env.ORIGIN);
	else if (isProduction(env))
		throw new Error(
			'ORIGIN is required in production (the public URL, e.g. https://maillage.example.fr): e-mailed links are built from it, never from the request'
		);
}

/** The file where scripts/start.mjs records the derived public URL of the embedded default. */
export const publicUrlFile = (): string => join(dataDir(), 'public-url');

/**
 * For the command line, which runs without the server's PORT: ORIGIN, else the address the
 * server recorded at its last start (embedded default), else the derived one.
 */
export function savedPublicOrigin(): string {
	if (process.env.ORIGIN) return parseOrigin(process.env.ORIGIN);
	try {
		const f = publicUrlFile();
		if (existsSync(f)) return parseOrigin(readFileSync(f, 'utf8'));
	} catch {
		/* unreadable or malformed: fall back */
	}
	return derivedOrigin();
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether a request's `Host` header names this instance. A loopback public address
 * (the embedded default) accepts every loopback name on the same port.
 */
export function hostAllowed(hostHeader: string | null, origin = publicOrigin()): boolean {
	if (!hostHeader || !/^[A-Za-z0-9.\-:[\]]{1,300}$/.test(hostHeader)) return false;
	const expected = new URL(origin);
	let got: URL;
	try {
		got = new URL(`${expected.protocol}//${hostHeader.trim()}`);
	} catch {
		return false;
	}
	if (got.host === expected.host) return true;
	return LOOPBACK.has(expected.hostname) && LOOPBACK.has(got.hostname) && got.port === expected.port;
}
