/**
 * TOTP (RFC 6238: 6 digits, 30 s, SHA-1, what every authenticator app reads), with one
 * step of tolerance either side and no code accepted twice. The secret is stored encrypted.
 */
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import { decrypt, encrypt } from '../security/secret.ts';

const PERIOD = 30;

export function newTotpSecret(): { base32: string; sealed: string } {
	const secret = new OTPAuth.Secret({ size: 20 });
	return { base32: secret.base32, sealed: encrypt('totp', secret.base32) };
}

export function openTotpSecret(sealed: string): string {
	return decrypt('totp', sealed);
}

function totp(base32: string, label = 'maillage', issuer = 'maillage'): OTPAuth.TOTP {
	return new OTPAuth.TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: OTPAuth.Secret.fromBase32(base32) });
}

/** The time step the code belongs to, or null when it is not valid now (± one step). */
export function checkTotp(base32: string, code: string, now = Date.now()): number | null {
	const delta = totp(base32).validate({ token: code, timestamp: now, window: 1 });
	return delta === null ? null : Math.floor(now / 1000 / PERIOD) + delta;
}

/** For tests and the benchmark: the code of a given time. */
export function totpCodeAt(base32: string, now = Date.now()): string {
	return totp(base32).generate({ timestamp: now });
}

export function totpUri(base32: string, account: string, issuer: string): string {
	return totp(base32, account, issuer).toString();
}

/** The QR code as inline SVG (no script, no image request), with a text alternative beside it in the page. */
export function totpQrSvg(uri: string): Promise<string> {
	return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
