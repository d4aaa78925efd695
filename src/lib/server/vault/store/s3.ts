/**
 * The vault's blobs in an S3-compatible bucket (Scaleway, OVHcloud, Outscale, MinIO, AWS…).
 * A put streams the body: small bodies in one PutObject, larger ones as a multipart upload
 * of 5 MiB parts, two in flight at most (so at most ~10 MiB held), aborted on failure so
 * that no part is left behind. S3 makes an object visible only once complete, so a reader
 * never sees a half-written blob. The SDK is loaded on first use: an instance storing on
 * disk never loads it.
 */
import { Transform, pipeline, type Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { BlobNotFoundError, checkBlobName, checkBlobPrefix, type BlobStore } from './blob-store.ts';

export type S3Options = {
	endpoint?: string;
	region: string;
	bucket: string;
	accessKeyId?: string;
	secretAccessKey?: string;
	forcePathStyle?: boolean;
	/** Prepended to every name, for a bucket shared with other uses ('vault/'). */
	prefix?: string;
};

const PART_BYTES = 5 * 1024 * 1024;

function notFound(e: unknown): boolean {
	const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
	return err?.name === 'NoSuchKey' || err?.name === 'NotFound' || err?.$metadata?.httpStatusCode === 404;
}

export function s3BlobStore(opts: S3Options): BlobStore {
	if (!opts.bucket) throw new Error('the vault S3 storage needs a bucket (S3_BUCKET)');
	if (!opts.region) throw new Error('the vault S3 storage needs a region (S3_REGION)');
	if (!opts.accessKeyId !== !opts.secretAccessKey) throw new Error('give both the S3 access key id and its secret, or neither');
	const keyPrefix = opts.prefix ? opts.prefix.replace(/\/*$/, '/') : '';
	const Bucket = opts.bucket;
	let loaded: Promise<{ client: S3Client; sdk: typeof import('@aws-sdk/client-s3'); storage: typeof import('@aws-sdk/lib-storage') }> | undefined;

	const load = () =>
		(loaded ??= (async () => {
			const [sdk, storage] = await Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/lib-storage')]);
			const client = new sdk.S3Client({
				region: opts.region,
				endpoint: opts.endpoint,
				forcePathStyle: opts.forcePathStyle,
				credentials: opts.accessKeyId ? { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey! } : undefined,
				// the vault seals every chunk itself; checksums beyond what a request requires trip many S3-compatible servers
				requestChecksumCalculation: 'WHEN_REQUIRED',
				responseChecksumValidation: 'WHEN_REQUIRED'
			});
			return { client, sdk, storage };
		})());

	const Key = (name: string) => keyPrefix + checkBlobName(name);

	return {
		kind: 's3',

		async put(name, body) {
			const key = Key(name);
			const { client, storage } = await load();
			let bytes = 0;
			const counted = new Transform({
				transform(chunk: Buffer, _enc, done) {
					bytes += chunk.length;
					done(null, chunk);
				}
			});
			// an error of the body reaches the upload through `counted`, which aborts it
			let bodyError: Error | undefined;
			pipeline(body, counted, (e) => (bodyError = e ?? undefined));
			const upload = new storage.Upload({ client, params: { Bucket, Key: key, Body: counted }, partSize: PART_BYTES, queueSize: 2 });
			try {
				await upload.done();
			} catch (e) {
				counted.destroy();
				// the body's own failure says more than what the upload's abort then met
				if (bodyError && bodyError !== e && !bodyError.cause) bodyError.cause = e;
				throw bodyError ?? e;
			}
			return { bytes };
		},

		async get(name) {
			const key = Key(name);
			const { client, sdk } = await load();
			try {
				const r = await client.send(new sdk.GetObjectCommand({ Bucket, Key: key }));
				return r.Body as Readable;
			} catch (e) {
				if (notFound(e)) throw new BlobNotFoundError(name);
				throw e;
			}
		},

		async delete(name) {
			const key = Key(name);
			const { client, sdk } = await load();
			try {
				await client.send(new sdk.DeleteObjectCommand({ Bucket, Key: key }));
			} catch (e) {
				if (!notFound(e)) throw e;
			}
		},

		async exists(name) {
			const key = Key(name);
			const { client, sdk } = await load();
			try {
				await client.send(new sdk.HeadObjectCommand({ Bucket, Key: key }));
				return true;
			} catch (e) {
				if (notFound(e)) return false;
				throw e;
			}
		},

		list(prefix) {
			checkBlobPrefix(prefix);
			return (async function* () {
				const { client, sdk } = await load();
				let ContinuationToken: string | undefined;
				do {
					const page = await client.send(new sdk.ListObjectsV2Command({ Bucket, Prefix: keyPrefix + prefix, ContinuationToken }));
					for (const o of page.Contents ?? []) if (o.Key) yield o.Key.slice(keyPrefix.length);
					ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
				} while (ContinuationToken);
			})();
		}
	};
}
