import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The project's root folder (holds package.json and migrations/), from source or from the build. */
export function projectRoot(): string {
	if (root) return root;
	if (process.env.MAILLAGE_ROOT) return (root = resolve(process.env.MAILLAGE_ROOT));
	let dir = dirname(fileURLToPath(import.meta.url));
	for (;;) {
		if (existsSync(join(dir, 'migrations')) && existsSync(join(dir, 'package.json'))) return (root = dir);
		const up = dirname(dir);
		if (up === dir) break;
		dir = up;
	}
	return (root = process.cwd());
}

/** The real public data shipped beside the project (../shared/data), or MAILLAGE_SHARED_DATA. */
export function sharedDataDir(): string {
	return process.env.MAILLAGE_SHARED_DATA ? resolve(process.env.MAILLAGE_SHARED_DATA) : resolve(projectRoot(), '..', 'shared', 'data');
}

export function dataDir(): string {
	return resolve(process.env.DATA_DIR ?? join(projectRoot(), 'data'));
}
