// npm run bench: builds the app if needed, then runs bench/run.ts (see its header).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'build', 'index.js')) || process.env.BENCH_BUILD !== '0') {
	const b = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
	if (b.status !== 0) process.exit(b.status ?? 1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'run.ts')], { cwd: root, stdio: 'inherit', env: process.env });
process.exit(r.status ?? 1);
