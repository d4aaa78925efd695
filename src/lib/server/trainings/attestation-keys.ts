/**
 * The attestations' signature (issue 17, item 5; decision 0021). An Ed25519 key pair
 * derived from the instance secret (its 32-byte seed is `derivedKey('training-attestations')`,
 * HKDF as every other purpose-bound key): no new key to keep or back up, and the public half
 * is published (the issuer's profile, /formations/attestations/emetteur) so that anyone can
 * check an Open Badges credential without asking the instance. The key id is a fingerprint
 * of the public key: an attestation signed with another key (SECRET_KEY changed) is told
 * apart from a tampered one.
 *
 * What is signed is the attestation's content in canonical JSON (keys sorted, no spaces:
 * RFC 8785's shape for the values an attestation holds — strings, integers, arrays,
 * objects); its SHA-256 is stored beside it (`digest`). The Open Badges credential is a
 * VC-JWT (VC-JOSE-COSE: the credential is the JWT's payload, `typ: vc+jwt`, `alg: EdDSA`),
 * compact JWS written with node:crypto — no library needed for one algorithm.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { derivedKey } from '../security/secret.ts';

/** RFC 8785-shaped canonical JSON for plain data (strings, finite numbers, booleans, null, arrays, objects). */
export function canonicalJson(v: unknown): string {
	if (v === null || typeof v !== 'object') {
		if (typeof v === 'number' && !Number.isFinite(v)) throw new Error('canonicalJson: not a finite number');
		return JSON.stringify(v) ?? 'null';
	}
	if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
	const o = v as Record<string, unknown>;
	return `{${Object.keys(o)
		.filter((k) => o[k] !== undefined)
		.sort()
		.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
		.join(',')}}`;
}

export const digestOf = (content: unknown) => createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');

// PKCS #8 wrapping of a raw Ed25519 seed (RFC 8410)
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

interface KeyPair {
	privateKey: KeyObject;
	publicKey: KeyObject;
	keyId: string;
}
let cached: { seed: string; pair: KeyPair } | undefined;

/** The instance's attestation key pair (cached while the instance secret stays the same). */
export function attestationKeys(): KeyPair {
	const seed = derivedKey('training-attestations');
	const tag = seed.toString('hex');
	if (cached?.seed === tag) return cached.pair;
	const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
	const publicKey = createPublicKey(privateKey);
	const raw = publicKey.export({ format: 'jwk' }).x as string;
	const keyId = `ed25519-${createHash('sha256').update(raw).digest('base64url').slice(0, 16)}`;
	cached = { seed: tag, pair: { privateKey, publicKey, keyId } };
	return cached.pair;
}

/** The public key as a JWK (the issuer's profile publishes it). */
export function publicJwk(): { kty: string; crv: string; x: string; kid: string; alg: 'EdDSA'; use: 'sig' } {
	const k = attestationKeys();
	const jwk = k.publicKey.export({ format: 'jwk' });
	return { kty: jwk.kty as string, crv: jwk.crv as string, x: jwk.x as string, kid: k.keyId, alg: 'EdDSA', use: 'sig' };
}

/** The content signed: its digest and the signature (base64url) of its canonical JSON. */
export function signContent(content: unknown): { digest: string; signature: string; keyId: string } {
	const k = attestationKeys();
	const bytes = Buffer.from(canonicalJson(content), 'utf8');
	return { digest: digestOf(content), signature: sign(null, bytes, k.privateKey).toString('base64url'), keyId: k.keyId };
}

/** Whether a stored attestation still says what was signed: same digest, a valid signature by the instance's key. */
export function contentHolds(row: { content: unknown; digest: string; signature: string; keyId: string }): boolean {
	const k = attestationKeys();
	if (row.keyId !== k.keyId) return false;
	if (digestOf(row.content) !== row.digest) return false;
	try {
		return verify(null, Buffer.from(canonicalJson(row.content), 'utf8'), k.publicKey, Buffer.from(row.signature, 'base64url'));
	} catch {
		return false;
	}
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');

/** A credential as a VC-JWT (compact JWS, EdDSA, `typ: vc+jwt`). */
export function signJwt(payload: Record<string, unknown>): string {
	const k = attestationKeys();
	const head = `${b64({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: k.keyId })}.${b64(payload)}`;
	return `${head}.${sign(null, Buffer.from(head, 'ascii'), k.privateKey).toString('base64url')}`;
}

/** A VC-JWT checked against the instance's key: its payload when the signature holds, else null. */
export function readJwt(jwt: string): Record<string, unknown> | null {
	if (typeof jwt !== 'string' || jwt.length > 20_000) return null;
	const parts = jwt.trim().split('.');
	if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) return null;
	try {
		const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
		const k = attestationKeys();
		if (header?.alg !== 'EdDSA' || header?.kid !== k.keyId) return null;
		if (!verify(null, Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii'), k.publicKey, Buffer.from(parts[2], 'base64url'))) return null;
		const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
		return payload && typeof payload === 'object' && !Array.isArray(payload) ? payload : null;
	} catch {
		return null;
	}
}
