/**
 * One contract, two stores: the folder and an S3-compatible bucket (a local s3rver this
 * test starts and stops; nothing external, no database).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type TestS3 } from '../../../../../test/s3-server.ts';
import { BlobNameError, BlobNotFoundError, blobStoreFromEnv, fileBlobStore, s3BlobStore, type BlobStore } from './blobs.ts';
import { decryptStream, encryptStream } from './cipher.ts';

const MB = 1024 * 1024;

async function read(stream: Readable): Promise<Buffer> {
	const parts: Buffer[] = [];
	for await (const p of stream) parts.push(p as Buffer);
	return Buffer.concat(parts);
}

const body = (b: Buffer) => Readable.from([b]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function names(store: BlobStore, prefix: string): Promise<string[]> {
	const out: string[] = [];
	for await (const n of store.list(prefix)) out.push(n);
	return out.sort();
}

/** A body that sends `before` bytes in 64 KiB pieces, then fails. */
function failingBody(before: number): Readable {
	let sent = 0;
	return new Readable({
		read() {
			if (sent >= before) return void this.destroy(new Error('the upload was interrupted'));
			const n = Math.min(64 * 1024, before - sent);
			sent += n;
			this.push(randomBytes(n));
		}
	});
}

let s3: TestS3;
let fsRoot: string;
beforeAll(async () => {
	s3 = await startS3Server();
	fsRoot = await mkdtemp(join(tmpdir(), 'maillage-blobs-'));
});
afterAll(async () => {
	await s3?.stop();
	await rm(fsRoot, { recursive: true, force: true });
});

const stores: [string, () => BlobStore][] = [
	['fs', () => fileBlobStore(join(fsRoot, 'vault'))],
	['s3', () => s3BlobStore({ ...s3, prefix: 'vault/' })]
];

describe.each(stores)('blob store contract: %s', (kind, make) => {
	let store: BlobStore;
	beforeAll(() => {
		store = make();
		expect(store.kind).toBe(kind);
	});

	it('stores and gives back 0 bytes, a few bytes and 6 MB (a multipart upload on S3)', async () => {
		for (const [name, data] of [
			['empty', Buffer.alloc(0)],
			['small/one', Buffer.from('bonjour')],
			['large/one', randomBytes(6 * MB + 123)]
		] as const) {
			expect(await store.put(name, body(data))).toEqual({ bytes: data.length });
			expect(sha(await read(await store.get(name)))).toBe(sha(data));
		}
	});

	it('streams a body written in many pieces', async () => {
		const data = randomBytes(5 * MB + 1);
		const pieces = Array.from({ length: Math.ceil(data.length / 70_000) }, (_, i) => data.subarray(i * 70_000, (i + 1) * 70_000));
		expect(await store.put('many-pieces', Readable.from(pieces))).toEqual({ bytes: data.length });
		expect(sha(await read(await store.get('many-pieces')))).toBe(sha(data));
	});

	it('replaces a blob put again under the same name', async () => {
		await store.put('doc/over', body(Buffer.from('first')));
		await store.put('doc/over', body(Buffer.from('second, longer')));
		expect((await read(await store.get('doc/over'))).toString()).toBe('second, longer');
	});

	it('answers a missing blob with BlobNotFoundError, and exists() with false', async () => {
		await expect(store.get('nobody/here')).rejects.toBeInstanceOf(BlobNotFoundError);
		expect(await store.exists('nobody/here')).toBe(false);
		await store.put('somebody/here', body(Buffer.from('x')));
		expect(await store.exists('somebody/here')).toBe(true);
		expect(await store.exists('somebody')).toBe(false);
	});

	it('deletes, and deleting again is no error', async () => {
		await store.put('gone/soon', body(Buffer.from('x')));
		await store.delete('gone/soon');
		await store.delete('gone/soon');
		await store.delete('never/was');
		expect(await store.exists('gone/soon')).toBe(false);
		await expect(store.get('gone/soon')).rejects.toBeInstanceOf(BlobNotFoundError);
		expect(await names(store, 'gone/')).toEqual([]);
	});

	it('lists by prefix, as a plain string prefix', async () => {
		for (const n of ['p/1/a', 'p/1/b', 'p/10/c', 'p/2/a', 'p-x/a', 'q/a']) await store.put(n, body(Buffer.from(n)));
		expect(await names(store, 'p/')).toEqual(['p/1/a', 'p/1/b', 'p/10/c', 'p/2/a']);
		expect(await names(store, 'p/1/')).toEqual(['p/1/a', 'p/1/b']);
		expect(await names(store, 'p/1')).toEqual(['p/1/a', 'p/1/b', 'p/10/c']);
		expect(await names(store, 'p')).toEqual(['p-x/a', 'p/1/a', 'p/1/b', 'p/10/c', 'p/2/a']);
		expect(await names(store, 'nothing/')).toEqual([]);
		const all = await names(store, '');
		expect(all).toContain('q/a');
		expect(all).toContain('empty');
	});

	it('refuses names outside [a-z0-9-] segments joined by /', async () => {
		for (const bad of ['', '/a', 'a/', 'a//b', '../a', 'a/../b', '..', 'A', 'a.b', 'a b', 'a\\b', 'é', 'x'.repeat(513)]) {
			await expect(store.put(bad, body(Buffer.from('x')))).rejects.toBeInstanceOf(BlobNameError);
			await expect(store.get(bad)).rejects.toBeInstanceOf(BlobNameError);
			await expect(store.exists(bad)).rejects.toBeInstanceOf(BlobNameError);
			await expect(store.delete(bad)).rejects.toBeInstanceOf(BlobNameError);
		}
		for (const bad of ['../', '/x', 'a//', 'a.b']) expect(() => store.list(bad)).toThrow(BlobNameError);
	});

	it('leaves nothing readable when the body fails midway, and keeps the blob it would have replaced', async () => {
		for (const before of [100_000, 7 * MB]) {
			await expect(store.put(`failed/new-${before}`, failingBody(before))).rejects.toThrow(/interrupted/);
			expect(await store.exists(`failed/new-${before}`)).toBe(false);
			await expect(store.get(`failed/new-${before}`)).rejects.toBeInstanceOf(BlobNotFoundError);
		}
		expect(await names(store, 'failed/')).toEqual([]);
		await store.put('failed/kept', body(Buffer.from('the old one')));
		await expect(store.put('failed/kept', failingBody(6 * MB))).rejects.toThrow(/interrupted/);
		expect((await read(await store.get('failed/kept'))).toString()).toBe('the old one');
	});

	it('shows readers the old blob while the new one is being written', async () => {
		await store.put('busy/doc', body(Buffer.from('old')));
		const slow = new PassThrough();
		const writing = store.put('busy/doc', slow);
		slow.write(randomBytes(6 * MB));
		await new Promise((r) => setTimeout(r, 100));
		expect((await read(await store.get('busy/doc'))).toString()).toBe('old');
		slow.end(Buffer.from('end'));
		expect((await writing).bytes).toBe(6 * MB + 3);
		expect((await read(await store.get('busy/doc'))).length).toBe(6 * MB + 3);
	});

	it('keeps an encrypted document: sealed on the way in, opened on the way out', async () => {
		const key = randomBytes(32);
		const plain = randomBytes(3 * MB + 7);
		const sealed = encryptStream(key, 'document:1');
		const [{ bytes }] = await Promise.all([store.put('sealed/doc', sealed), pipeline(body(plain), sealed)]);
		expect(bytes).toBeGreaterThan(plain.length);
		expect(sha(await read(await store.get('sealed/doc')))).not.toBe(sha(plain));
		expect(sha(await read((await store.get('sealed/doc')).pipe(decryptStream(key, 'document:1'))))).toBe(sha(plain));
	});
});

describe('file blob store on disk', () => {
	it('writes files only it may read, and leaves no temporary file nor empty folder behind', async () => {
		const root = join(fsRoot, 'disk');
		const store = fileBlobStore(root);
		await store.put('person/abc/doc-1', body(Buffer.from('x')));
		expect((await stat(join(root, 'person/abc/doc-1.blob'))).mode & 0o777).toBe(0o600);
		await expect(store.put('person/abc/doc-2', failingBody(200_000))).rejects.toThrow();
		expect(await readdir(join(root, '.tmp'))).toEqual([]);
		await store.delete('person/abc/doc-1');
		expect(await readdir(root)).toEqual(['.tmp']); // the person's folder went with their last document
	});
});

describe('blob store from the environment', () => {
	it('stores on disk under DATA_DIR/vault by default', async () => {
		const dataDir = join(fsRoot, 'data');
		const store = blobStoreFromEnv({}, dataDir);
		expect(store.kind).toBe('fs');
		await store.put('a', body(Buffer.from('x')));
		expect((await stat(join(dataDir, 'vault', 'a.blob'))).isFile()).toBe(true);
	});

	it('stores in S3 when told, with the S3_ settings', async () => {
		const env = {
			VAULT_STORAGE: 's3',
			S3_ENDPOINT: s3.endpoint,
			S3_REGION: s3.region,
			S3_BUCKET: s3.bucket,
			S3_ACCESS_KEY_ID: s3.accessKeyId,
			S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
			S3_FORCE_PATH_STYLE: 'true'
		};
		const store = blobStoreFromEnv(env, fsRoot);
		expect(store.kind).toBe('s3');
		await store.put('from-env', body(Buffer.from('x')));
		expect(await store.exists('from-env')).toBe(true);
	});

	it('says what is missing', () => {
		expect(() => blobStoreFromEnv({ VAULT_STORAGE: 'ftp' }, fsRoot)).toThrow(/VAULT_STORAGE must be fs or s3/);
		expect(() => blobStoreFromEnv({ VAULT_STORAGE: 's3', S3_REGION: 'fr-par' }, fsRoot)).toThrow(/S3_BUCKET/);
		expect(() => blobStoreFromEnv({ VAULT_STORAGE: 's3', S3_BUCKET: 'b' }, fsRoot)).toThrow(/S3_REGION/);
		expect(() => blobStoreFromEnv({ VAULT_STORAGE: 's3', S3_BUCKET: 'b', S3_REGION: 'r', S3_ACCESS_KEY_ID: 'k' }, fsRoot)).toThrow(/both/);
	});
});
