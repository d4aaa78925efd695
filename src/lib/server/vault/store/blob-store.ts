/**
 * Where the vault's encrypted documents are kept: a folder (fs.ts) or an S3-compatible
 * bucket (s3.ts), behind one interface. The store sees only ciphertext and opaque names.
 */
import type { Readable } from 'node:stream';

export interface BlobStore {
	readonly kind: 'fs' | 's3';
	/** Streams `body` into `name`, replacing what was there; atomic: a reader never sees a half-written blob. */
	put(name: string, body: Readable): Promise<{ bytes: number }>;
	/** Throws BlobNotFoundError when there is no such blob. */
	get(name: string): Promise<Readable>;
	/** Idempotent: deleting a missing blob is no error. */
	delete(name: string): Promise<void>;
	exists(name: string): Promise<boolean>;
	/** The names that start with `prefix` (a plain string prefix, as in S3), in no promised order. */
	list(prefix: string): AsyncIterable<string>;
}

export class BlobNotFoundError extends Error {
	override name = 'BlobNotFoundError';
	constructor(readonly blob: string) {
		super(`no vault blob named ${blob}`);
	}
}

/** A name outside the allowed form: lowercase letters, digits, '-' and '/' between non-empty segments. */
export class BlobNameError extends Error {
	override name = 'BlobNameError';
}

const SEGMENT = /^[a-z0-9-]+$/;
const MAX_NAME = 512;

/** Names are paths of segments of [a-z0-9-], joined by '/': no empty segment, no dot, at most 512 characters. */
export function checkBlobName(name: string): string {
	if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME || !name.split('/').every((s) => SEGMENT.test(s)))
		throw new BlobNameError(`invalid vault blob name: ${JSON.stringify(String(name).slice(0, 80))}`);
	return name;
}

/** A list prefix: empty, or the start of a valid name (it may end with '/'). */
export function checkBlobPrefix(prefix: string): string {
	if (typeof prefix !== 'string' || prefix.length > MAX_NAME || !/^[a-z0-9/-]*$/.test(prefix) || prefix.startsWith('/') || prefix.includes('//'))
		throw new BlobNameError(`invalid vault blob prefix: ${JSON.stringify(String(prefix).slice(0, 80))}`);
	return prefix;
}
