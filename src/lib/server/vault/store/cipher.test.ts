import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CHUNK_BYTES, VaultIntegrityError, decryptStream, encryptStream, encryptedSize } from './cipher.ts';

const HEADER = 12;
const SEALED = CHUNK_BYTES + 16;
const key = randomBytes(32);
const AAD = 'document:7f0c';

/** Runs `data` through a transform, fed in pieces of `piece` bytes (every size of write must give the same result). */
async function run(transform: NodeJS.ReadWriteStream, data: Buffer, piece = 10_000): Promise<Buffer> {
	const parts: Buffer[] = [];
	const pieces = function* () {
		for (let i = 0; i < data.length; i += piece) yield data.subarray(i, i + piece);
	};
	await pipeline(Readable.from(pieces()), transform, async (source: AsyncIterable<Buffer | string>) => {
		for await (const p of source) parts.push(Buffer.from(p));
	});
	return Buffer.concat(parts);
}

const encrypt = (plain: Buffer, k = key, aad = AAD, piece?: number) => run(encryptStream(k, aad), plain, piece);
const decrypt = (sealed: Buffer, k = key, aad = AAD, piece?: number) => run(decryptStream(k, aad), sealed, piece);

async function refused(sealed: Buffer, k = key, aad = AAD): Promise<void> {
	await expect(decrypt(sealed, k, aad)).rejects.toBeInstanceOf(VaultIntegrityError);
}

describe('vault stream cipher', () => {
	it.each([0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * 1024 * 1024])('round-trips %i bytes, at the announced size', async (size) => {
		const plain = randomBytes(size);
		const sealed = await encrypt(plain);
		expect(sealed.length).toBe(encryptedSize(size));
		expect((await decrypt(sealed)).equals(plain)).toBe(true);
	});

	it('gives the same plaintext whatever the sizes of the pieces written and read', async () => {
		const plain = randomBytes(3 * CHUNK_BYTES + 5);
		for (const piece of [1_000, CHUNK_BYTES, SEALED, 1_000_000]) {
			const sealed = await encrypt(plain, key, AAD, piece);
			expect((await decrypt(sealed, key, AAD, piece)).equals(plain)).toBe(true);
			expect((await decrypt(sealed, key, AAD, 7)).equals(plain)).toBe(true);
		}
	});

	it('streams both ways: a chunk comes out before the rest of the document goes in', async () => {
		const plain = randomBytes(3 * CHUNK_BYTES);
		const sealed = await encrypt(plain);
		const enc = encryptStream(key, AAD);
		const dec = decryptStream(key, AAD);
		const out: Buffer[] = [];
		const sealedOut: Buffer[] = [];
		dec.on('data', (b: Buffer) => out.push(b));
		enc.on('data', (b: Buffer) => sealedOut.push(b));
		enc.write(plain.subarray(0, CHUNK_BYTES + 10));
		dec.write(sealed.subarray(0, HEADER + SEALED + 10));
		await new Promise((r) => setImmediate(r));
		expect(Buffer.concat(sealedOut).length).toBe(HEADER + SEALED);
		expect(Buffer.concat(out).equals(plain.subarray(0, CHUNK_BYTES))).toBe(true);
		enc.destroy();
		dec.destroy();
	});

	it('hides the plaintext: the same document twice gives two different streams', async () => {
		const plain = Buffer.alloc(CHUNK_BYTES * 2, 'A');
		const [a, b] = [await encrypt(plain), await encrypt(plain)];
		expect(a.equals(b)).toBe(false);
		expect(a.includes(Buffer.alloc(64, 'A'))).toBe(false);
	});

	it('refuses a changed byte anywhere: header, ciphertext, tag', async () => {
		const sealed = await encrypt(randomBytes(2 * CHUNK_BYTES + 100));
		for (const at of [0, 4, 5, HEADER - 1, HEADER, HEADER + 500, HEADER + SEALED - 1, HEADER + SEALED + 3, sealed.length - 1]) {
			const bad = Buffer.from(sealed);
			bad[at] ^= 0x01;
			await refused(bad);
		}
	});

	it('refuses a stream cut anywhere, including at a chunk boundary and down to the header', async () => {
		const sealed = await encrypt(randomBytes(3 * CHUNK_BYTES));
		for (const end of [0, 5, HEADER, HEADER + 10, HEADER + SEALED, HEADER + 2 * SEALED, HEADER + 3 * SEALED, sealed.length - 1])
			await refused(sealed.subarray(0, end));
	});

	it('refuses an empty document cut to its header', async () => {
		const sealed = await encrypt(Buffer.alloc(0));
		expect(sealed.length).toBe(HEADER + 16);
		await refused(sealed.subarray(0, HEADER));
	});

	it('refuses chunks swapped, repeated or dropped', async () => {
		const sealed = await encrypt(randomBytes(3 * CHUNK_BYTES + 10));
		const c = (i: number) => sealed.subarray(HEADER + i * SEALED, HEADER + (i + 1) * SEALED);
		const head = sealed.subarray(0, HEADER);
		const tail = sealed.subarray(HEADER + 3 * SEALED);
		await refused(Buffer.concat([head, c(1), c(0), c(2), tail]));
		await refused(Buffer.concat([head, c(0), c(0), c(2), tail]));
		await refused(Buffer.concat([head, c(0), c(2), tail]));
		await refused(Buffer.concat([head, c(0), c(1), c(2), c(2), tail]));
	});

	it('refuses bytes added after the end, and a second stream appended', async () => {
		for (const size of [0, 10, CHUNK_BYTES]) {
			const sealed = await encrypt(randomBytes(size));
			await refused(Buffer.concat([sealed, Buffer.from([0])]));
			await refused(Buffer.concat([sealed, randomBytes(SEALED)]));
			await refused(Buffer.concat([sealed, sealed.subarray(HEADER)]));
		}
	});

	it('refuses a chunk taken from another document under the same key', async () => {
		const a = await encrypt(randomBytes(2 * CHUNK_BYTES));
		const b = await encrypt(randomBytes(2 * CHUNK_BYTES));
		await refused(Buffer.concat([a.subarray(0, HEADER + SEALED), b.subarray(HEADER + SEALED)]));
	});

	it('refuses another key and another aad (a document filed under another person)', async () => {
		const sealed = await encrypt(randomBytes(1000));
		await refused(sealed, randomBytes(32));
		await refused(sealed, key, 'document:7f0d');
		await refused(sealed, key, '');
	});

	it('refuses what is not a vault stream, or a version it does not know', async () => {
		await refused(randomBytes(200));
		const sealed = await encrypt(randomBytes(10));
		const v2 = Buffer.from(sealed);
		v2[4] = 2;
		await expect(decrypt(v2)).rejects.toThrow(/version 2/);
	});

	it('refuses keys that are not 32 bytes', () => {
		expect(() => encryptStream(randomBytes(16), AAD)).toThrow(RangeError);
		expect(() => decryptStream(Buffer.alloc(0), AAD)).toThrow(RangeError);
	});

	it('round-trips random sizes and pieces, and refuses any one flipped bit', async () => {
		await fc.assert(
			fc.asyncProperty(fc.integer({ min: 0, max: 4 * CHUNK_BYTES + 3 }), fc.integer({ min: 1, max: 3 * CHUNK_BYTES }), fc.nat(), async (size, piece, flip) => {
				const plain = randomBytes(size);
				const sealed = await encrypt(plain, key, AAD, piece);
				expect(sealed.length).toBe(encryptedSize(size));
				expect((await decrypt(sealed, key, AAD, piece)).equals(plain)).toBe(true);
				const bad = Buffer.from(sealed);
				bad[flip % bad.length] ^= 1 << (flip % 8);
				await refused(bad);
			}),
			{ numRuns: 40 }
		);
	});
});
