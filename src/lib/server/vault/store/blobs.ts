/**
 * The vault's blob storage: the interface, both stores, and the choice from the environment:
 * VAULT_STORAGE=fs (default; DATA_DIR/vault) or s3 with S3_BUCKET, S3_REGION, S3_ENDPOINT
 * (for a provider other than AWS), S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (else the
 * SDK's usual sources), S3_FORCE_PATH_STYLE (1 or true) and S3_PREFIX.
 */
import { join, resolve } from 'node:path';
import type { BlobStore } from './blob-store.ts';
import { fileBlobStore } from './fs.ts';
import { s3BlobStore } from './s3.ts';

export { BlobNameError, BlobNotFoundError, checkBlobName, type BlobStore } from './blob-store.ts';
export { fileBlobStore } from './fs.ts';
export { s3BlobStore, type S3Options } from './s3.ts';

const yes = (v: string | undefined) => /^(1|true|yes|on)$/i.test(v ?? '');

export function blobStoreFromEnv(env: NodeJS.ProcessEnv, dataDir: string): BlobStore {
	const kind = (env.VAULT_STORAGE || 'fs').toLowerCase();
	if (kind === 'fs') return fileBlobStore(join(resolve(dataDir), 'vault'));
	if (kind === 's3')
		return s3BlobStore({
			endpoint: env.S3_ENDPOINT || undefined,
			region: env.S3_REGION ?? '',
			bucket: env.S3_BUCKET ?? '',
			accessKeyId: env.S3_ACCESS_KEY_ID || undefined,
			secretAccessKey: env.S3_SECRET_ACCESS_KEY || undefined,
			forcePathStyle: yes(env.S3_FORCE_PATH_STYLE),
			prefix: env.S3_PREFIX || undefined
		});
	throw new Error(`VAULT_STORAGE must be fs or s3, not ${JSON.stringify(env.VAULT_STORAGE)}`);
}
