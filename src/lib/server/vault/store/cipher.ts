/**
 * Streamed authenticated encryption of vault documents: chunked AES-256-GCM (decision 0016).
 *
 *   header   'MVLT' | version 0x01 | nonce prefix (7 random bytes)          12 bytes
 *   chunk i  AES-256-GCM(plaintext_i) | tag(16)                              CHUNK_BYTES + 16, or less for the last
 *
 * Chunk i is sealed with nonce = prefix(7) | i (uint32 big-endian) | last (1 byte: 1 for
 * the last chunk, else 0) and AAD = the caller's aad (UTF-8) followed by the header. Every
 * chunk but the last holds exactly CHUNK_BYTES; the last holds fewer (none when the
 * plaintext is empty or a multiple of CHUNK_BYTES), so a sealed chunk of full size is
 * never the last one. Any changed byte, a chunk moved, dropped or added, a cut at a chunk
 * boundary, bytes after the last chunk, another key or another aad: decryption fails.
 *
 * Memory stays bounded: one chunk is held at a time on each side. The decryptor emits a
 * chunk once its tag is verified, so a consumer may have received the first chunks when
 * an error comes: a stream that ends in error must be thrown away whole (an HTTP response
 * is aborted, not completed).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Plaintext bytes per chunk. */
export const CHUNK_BYTES = 64 * 1024;

const MAGIC = Buffer.from('MVLT', 'latin1');
const VERSION = 1;
const PREFIX_BYTES = 7;
const HEADER_BYTES = MAGIC.length + 1 + PREFIX_BYTES;
const TAG_BYTES = 16;
const SEALED_CHUNK = CHUNK_BYTES + TAG_BYTES;
const MAX_CHUNKS = 0xffffffff;

/** The stream was altered, cut, extended or reordered, or is opened with another key or aad. */
export class VaultIntegrityError extends Error {
	override name = 'VaultIntegrityError';
}

/** Size of the encrypted stream for a plaintext of `plainBytes`. */
export function encryptedSize(plainBytes: number): number {
	if (!Number.isSafeInteger(plainBytes) || plainBytes < 0) throw new RangeError('plainBytes must be a non-negative integer');
	return HEADER_BYTES + plainBytes + (Math.floor(plainBytes / CHUNK_BYTES) + 1) * TAG_BYTES;
}

function checkKey(key: Buffer): void {
	if (!Buffer.isBuffer(key) || key.length !== 32) throw new RangeError('a vault document key must be 32 bytes');
}

function nonce(prefix: Buffer, counter: number, last: boolean): Buffer {
	const n = Buffer.alloc(12);
	prefix.copy(n, 0);
	n.writeUInt32BE(counter, PREFIX_BYTES);
	n[11] = last ? 1 : 0;
	return n;
}

/**
 * Gathers a stream's bytes into fixed-size units without copying what can be used in
 * place: `feed` calls `unit` with each full unit (a view of the input or of the buffer,
 * valid only during the call), and keeps the remainder.
 */
class Units {
	private readonly buf: Buffer;
	private used = 0;
	constructor(readonly size: number) {
		this.buf = Buffer.allocUnsafe(size);
	}
	get pending(): Buffer {
		return this.buf.subarray(0, this.used);
	}
	feed(input: Buffer, unit: (b: Buffer) => void): void {
		let at = 0;
		if (this.used > 0) {
			const n = Math.min(this.size - this.used, input.length);
			input.copy(this.buf, this.used, 0, n);
			this.used += n;
			at = n;
			if (this.used < this.size) return;
			unit(this.buf);
			this.used = 0;
		}
		while (input.length - at >= this.size) {
			unit(input.subarray(at, at + this.size));
			at += this.size;
		}
		if (at < input.length) {
			input.copy(this.buf, 0, at);
			this.used = input.length - at;
		}
	}
}

/** Encrypts a stream of plaintext under a 32-byte document key, bound to `aad`. */
export function encryptStream(key: Buffer, aad: string): Transform {
	checkKey(key);
	const prefix = randomBytes(PREFIX_BYTES);
	const header = Buffer.concat([MAGIC, Buffer.from([VERSION]), prefix]);
	const fullAad = Buffer.concat([Buffer.from(aad, 'utf8'), header]);
	const units = new Units(CHUNK_BYTES);
	let counter = 0;
	let started = false;

	const seal = (t: Transform, plain: Buffer, last: boolean) => {
		if (counter > MAX_CHUNKS) throw new RangeError('document too large for one vault stream');
		if (!started) {
			t.push(header);
			started = true;
		}
		const c = createCipheriv('aes-256-gcm', key, nonce(prefix, counter++, last));
		c.setAAD(fullAad);
		// ciphertext and tag pushed apart: joining them costs more than the encryption itself
		const ct = c.update(plain);
		c.final();
		if (ct.length) t.push(ct);
		t.push(c.getAuthTag());
	};

	return new Transform({
		transform(this: Transform, chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
			try {
				units.feed(chunk, (plain) => seal(this, plain, false));
				done();
			} catch (e) {
				done(e as Error);
			}
		},
		flush(this: Transform, done: TransformCallback) {
			try {
				seal(this, units.pending, true);
				done();
			} catch (e) {
				done(e as Error);
			}
		}
	});
}

/** Decrypts what encryptStream made with the same key and aad; fails with VaultIntegrityError otherwise. */
export function decryptStream(key: Buffer, aad: string): Transform {
	checkKey(key);
	const aadBytes = Buffer.from(aad, 'utf8');
	const head = new Units(HEADER_BYTES);
	const units = new Units(SEALED_CHUNK);
	let header: { prefix: Buffer; aad: Buffer } | undefined;
	let counter = 0;

	const open = (t: Transform, sealed: Buffer, last: boolean) => {
		if (!header) throw new VaultIntegrityError('vault stream too short');
		if (sealed.length < TAG_BYTES) throw new VaultIntegrityError('vault stream cut short');
		if (counter > MAX_CHUNKS) throw new VaultIntegrityError('vault stream too long');
		const body = sealed.length - TAG_BYTES;
		const d = createDecipheriv('aes-256-gcm', key, nonce(header.prefix, counter++, last));
		d.setAAD(header.aad);
		d.setAuthTag(sealed.subarray(body));
		const plain = d.update(sealed.subarray(0, body));
		try {
			d.final();
		} catch {
			throw new VaultIntegrityError('vault stream altered, reordered or cut, or opened with the wrong key');
		}
		if (plain.length) t.push(plain);
	};

	const readHeader = (h: Buffer) => {
		if (!h.subarray(0, MAGIC.length).equals(MAGIC)) throw new VaultIntegrityError('not a vault stream');
		if (h[MAGIC.length] !== VERSION) throw new VaultIntegrityError(`unknown vault stream version ${h[MAGIC.length]}`);
		header = { prefix: Buffer.from(h.subarray(MAGIC.length + 1)), aad: Buffer.concat([aadBytes, h]) };
	};

	return new Transform({
		transform(this: Transform, chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
			try {
				let input = chunk;
				if (!header) {
					const missing = HEADER_BYTES - head.pending.length;
					head.feed(input.subarray(0, missing), readHeader);
					input = input.subarray(Math.min(missing, input.length));
				}
				// a sealed chunk of full size is never the last one
				if (input.length) units.feed(input, (sealed) => open(this, sealed, false));
				done();
			} catch (e) {
				done(e instanceof VaultIntegrityError ? e : new VaultIntegrityError((e as Error).message));
			}
		},
		flush(this: Transform, done: TransformCallback) {
			try {
				open(this, units.pending, true);
				done();
			} catch (e) {
				done(e instanceof VaultIntegrityError ? e : new VaultIntegrityError((e as Error).message));
			}
		}
	});
}
