/**
 * The instance secret: SECRET_KEY (at least 32 characters) when set, else a random key
 * created once in DATA_DIR/secret.key (mode 600). Purpose-bound keys are derived from it
 * (HKDF-SHA256), so a key for signing links never doubles as the key that encrypts TOTP
 * secrets.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../paths.ts';

let master: Buffer | undefined;

function masterKey(): Buffer {
	if (master) return master;
	const env = process.env.SECRET_KEY;
	if (env) {
		if (env.length < 32) throw new Error('SECRET_KEY must be at least 32 characters');
		return (master = Buffer.from(env, 'utf8'));
	}
	const dir = dataDir();
	const file = join(dir, 'secret.key');
	if (!existsSync(file)) {
		mkdirSync(dir, { recursive: true });
		try {
			writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // another process wrote it first
		}
	}
	return (master = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
}

/** For tests: forget the cached key (after changing SECRET_KEY or DATA_DIR). */
export function resetSecretForTests(): void {
	master = undefined;
	derived.clear();
}

const derived = new Map<string, Buffer>();
export function derivedKey(purpose: string): Buffer {
	let k = derived.get(purpose);
	if (!k) derived.set(purpose, (k = Buffer.from(hkdfSync('sha256', masterKey(), Buffer.alloc(0), `maillage:${purpose}`, 32))));
	return k;
}

/** AES-256-GCM; the output is iv.tag.ciphertext in base64url. */
export function encrypt(purpose: string, plain: string): string {
	const iv = randomBytes(12);
	const c = createCipheriv('aes-256-gcm', derivedKey(purpose), iv);
	const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
	return [iv, c.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
}

export function decrypt(purpose: string, sealed: string): string {
	const [iv, tag, data] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
	const d = createDecipheriv('aes-256-gcm', derivedKey(purpose), iv);
	d.setAuthTag(tag);
	return Buffer.concat([d.update(data), d.final()]).toString('utf8');
}

export type TokenCheck<T> = { ok: true; payload: T; expiresAt: Date } | { ok: false; reason: 'invalid' | 'expired' };

/**
 * A signed, expiring token for links sent by e-mail: base64url(JSON payload).HMAC. The
 * signature covers the purpose, so an invitation token is no password-reset token.
 * Single use is the caller's job (a used_at column).
 */
export function signToken(purpose: string, payload: Record<string, unknown>, ttlSeconds: number, now = Date.now()): string {
	const body = Buffer.from(JSON.stringify({ ...payload, exp: Math.floor(now / 1000) + ttlSeconds })).toString('base64url');
	return `${body}.${mac(purpose, body)}`;
}

export function verifyToken<T extends Record<string, unknown>>(purpose: string, token: string, now = Date.now()): TokenCheck<T> {
	const [body, sig, extra] = String(token ?? '').split('.');
	if (!body || !sig || extra !== undefined || body.length > 2000) return { ok: false, reason: 'invalid' };
	const expected = Buffer.from(mac(purpose, body));
	const given = Buffer.from(sig);
	if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
	let payload: T & { exp: number };
	try {
		payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
	} catch {
		return { ok: false, reason: 'invalid' };
	}
	if (typeof payload?.exp !== 'number') return { ok: false, reason: 'invalid' };
	if (payload.exp * 1000 < now) return { ok: false, reason: 'expired' };
	const { exp, ...rest } = payload;
	return { ok: true, payload: rest as unknown as T, expiresAt: new Date(exp * 1000) };
}

function mac(purpose: string, body: string): string {
	return createHmac('sha256', derivedKey('tokens')).update(`${purpose}\u0000${body}`).digest('base64url');
}
