/**
 * A local S3-compatible server for tests (s3rver): on 127.0.0.1, a free port, a temporary
 * folder, one empty bucket; `stop()` closes it and removes the folder. Nothing external.
 * s3rver has no AbortMultipartUpload: parts of an interrupted upload stay in its folder,
 * unlisted and unreadable, as they would on a bucket without a lifecycle rule.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export type TestS3 = {
	endpoint: string;
	region: string;
	bucket: string;
	accessKeyId: string;
	secretAccessKey: string;
	forcePathStyle: true;
	stop(): Promise<void>;
};

export async function startS3Server(bucket = 'vault'): Promise<TestS3> {
	const directory = await mkdtemp(join(tmpdir(), 'maillage-s3-'));
	const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: bucket, configs: [] }] });
	const { port } = await server.run();
	return {
		endpoint: `http://127.0.0.1:${port}`,
		region: 'us-east-1',
		bucket,
		// s3rver's fixed credentials
		accessKeyId: 'S3RVER',
		secretAccessKey: 'S3RVER',
		forcePathStyle: true,
		async stop() {
			await server.close();
			await rm(directory, { recursive: true, force: true });
		}
	};
}
