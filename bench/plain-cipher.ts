/**
 * The vault's stream cipher replaced by plain copies (bench/vault-upload.ts, through
 * bench/plain-cipher-hooks.mjs): the same path (checks, thumbnail, store, database, journal)
 * without encryption, to measure what encryption adds. Never used by the application.
 */
import { PassThrough, type Transform } from 'node:stream';

export { CHUNK_BYTES, VaultIntegrityError, encryptedSize } from '../src/lib/server/vault/store/cipher.ts';

export function encryptStream(_key: Buffer, _aad: string): Transform {
	return new PassThrough({ highWaterMark: 1024 * 1024 });
}

export function decryptStream(_key: Buffer, _aad: string): Transform {
	return new PassThrough({ highWaterMark: 1024 * 1024 });
}
