// npm start: builds the app when the build is missing or older than the sources, then
// serves it (adapter-node) on PORT/HOST with the embedded PGlite or DATABASE_URL.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (Number(process.versions.node.split('.')[0]) < 22) {
	console.error(`maillage needs Node.js 22 (this is ${process.version}). Run ./run start, which installs it.`);
	process.exit(1);
}

function newest(path) {
	const s = statSync(path);
	if (!s.isDirectory()) return s.mtimeMs;
	let m = 0;
	for (const e of readdirSync(path)) m = Math.max(m, newest(join(path, e)));
	return m;
}

const built = join(root, 'build', 'index.js');
const sources = ['src', 'static', 'migrations', 'svelte.config.js', 'vite.config.ts', 'package.json'].map((p) => join(root, p)).filter(existsSync);
if (!existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs) {
	console.log('Building the application…');
	const r = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
	if (r.status !== 0) process.exit(r.status ?? 1);
}

process.env.PORT ??= '3000';
// Without ORIGIN, SvelteKit rejects form posts: derive the origin from the Host header,
// which keeps the CSRF origin check meaningful for whatever name the server is reached by.
if (!process.env.ORIGIN) process.env.HOST_HEADER ??= 'host';
process.env.MAILLAGE_ROOT ??= root;
console.log(`maillage: http://${process.env.HOST && process.env.HOST !== '0.0.0.0' ? process.env.HOST : 'localhost'}:${process.env.PORT}/lieux`);
await import(join(root, 'build', 'index.js'));
