/**
 * The vault's blobs in a folder (DATA_DIR/vault by default): blob `a/b` is the file
 * `<root>/a/b.blob`. A put writes a temporary file in `<root>/.tmp` (same file system),
 * syncs it, then renames it into place and syncs the folder: a reader sees the old blob or
 * the new one, never a part; a put that fails leaves nothing behind. Files are 0600,
 * folders 0700.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BlobNotFoundError, checkBlobName, checkBlobPrefix, type BlobStore } from './blob-store.ts';

const SUFFIX = '.blob';
/** Bytes per read and buffered per write: large enough that the disk works while the cipher does. */
const IO_BYTES = 1024 * 1024;

async function syncDir(dir: string): Promise<void> {
	let fh: FileHandle | undefined;
	try {
		fh = await open(dir, 'r');
		await fh.sync();
	} catch {
		/* some file systems cannot sync a folder */
	} finally {
		await fh?.close();
	}
}

const missing = (e: unknown) => ['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '');

export function fileBlobStore(root: string): BlobStore {
	const base = resolve(root);
	const tmpDir = join(base, '.tmp');
	const pathOf = (name: string) => join(base, ...checkBlobName(name).split('/')) + SUFFIX;

	async function* walk(dir: string, rel: string, prefix: string): AsyncGenerator<string> {
		let entries;
		try {
			entries = await readdir(dir, { withFileTypes: true });
		} catch (e) {
			if (missing(e)) return;
			throw e;
		}
		entries.sort((a, b) => (a.name < b.name ? -1 : 1));
		for (const e of entries) {
			if (e.name.startsWith('.')) continue; // .tmp and temporary files
			if (e.isDirectory()) {
				const sub = rel + e.name + '/';
				if (sub.startsWith(prefix) || prefix.startsWith(sub)) yield* walk(join(dir, e.name), sub, prefix);
			} else if (e.isFile() && e.name.endsWith(SUFFIX)) {
				const name = rel + e.name.slice(0, -SUFFIX.length);
				if (name.startsWith(prefix)) yield name;
			}
		}
	}

	return {
		kind: 'fs',

		async put(name, body) {
			const target = pathOf(name);
			await mkdir(tmpDir, { recursive: true, mode: 0o700 });
			const tmp = join(tmpDir, `${randomBytes(8).toString('hex')}.tmp`);
			// flush: the data reaches the disk before the file is closed and renamed
			const file = createWriteStream(tmp, { flags: 'wx', mode: 0o600, flush: true, highWaterMark: IO_BYTES });
			try {
				await pipeline(body, file);
				// a delete may prune the folder between mkdir and rename: try again
				for (let attempt = 0; ; attempt++) {
					await mkdir(dirname(target), { recursive: true, mode: 0o700 });
					try {
						await rename(tmp, target);
						break;
					} catch (e) {
						if (attempt >= 3 || (e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
					}
				}
			} catch (e) {
				await rm(tmp, { force: true });
				body.destroy();
				throw e;
			}
			await syncDir(dirname(target));
			return { bytes: file.bytesWritten };
		},

		async get(name) {
			try {
				const fh = await open(pathOf(name), 'r');
				return fh.createReadStream({ highWaterMark: IO_BYTES });
			} catch (e) {
				if (missing(e)) throw new BlobNotFoundError(name);
				throw e;
			}
		},

		async delete(name) {
			const path = pathOf(name);
			try {
				await unlink(path);
			} catch (e) {
				if (missing(e)) return;
				throw e;
			}
			// empty folders go too: a folder named after a person does not outlive their documents
			for (let dir = dirname(path); dir.startsWith(base + '/'); dir = dirname(dir)) {
				try {
					await rmdir(dir);
				} catch {
					break;
				}
			}
		},

		async exists(name) {
			try {
				return (await stat(pathOf(name))).isFile();
			} catch (e) {
				if (missing(e)) return false;
				throw e;
			}
		},

		list(prefix) {
			checkBlobPrefix(prefix);
			const rel = prefix.slice(0, prefix.lastIndexOf('/') + 1);
			return walk(join(base, ...rel.split('/').filter(Boolean)), rel, prefix);
		}
	};
}
