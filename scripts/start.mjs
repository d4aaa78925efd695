// npm start: builds the app when the build is missing or older than the sources, then
// serves it on PORT (default 3000) and HOST (default 0.0.0.0), with the embedded PGlite
// (DATA_DIR) or PostgreSQL (DATABASE_URL).
//
// adapter-node 6 derives each request's origin from headers and defaults the protocol
// to https, so form posts over plain http would fail SvelteKit's CSRF origin check. We
// serve its request handler ourselves and state the origin: ORIGIN when set (behind a
// proxy), else http://<Host header>.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (Number(process.versions.node.split('.')[0]) < 22) {
	console.error(`maillage needs Node.js 22 (this is ${process.version}). Run ./run start, which installs it.`);
	process.exit(1);
}

/** @param {string} path @returns {number} */
function newest(path) {
	const s = statSync(path);
	if (!s.isDirectory()) return s.mtimeMs;
	let m = 0;
	for (const e of readdirSync(path)) m = Math.max(m, newest(join(path, e)));
	return m;
}

const built = join(root, 'build', 'handler.js');
const sources = ['src', 'static', 'migrations', 'vite.config.ts', 'package.json'].map((p) => join(root, p)).filter(existsSync);
if (!existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs) {
	console.log('Building the application…');
	const r = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
	if (r.status !== 0) process.exit(r.status ?? 1);
}

process.env.MAILLAGE_ROOT ??= root;
const origin = process.env.ORIGIN ? new URL(process.env.ORIGIN) : null;
process.env.PROTOCOL_HEADER = 'x-maillage-proto';
process.env.HOST_HEADER = 'x-maillage-host';
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST || '0.0.0.0';

// Loading the handler runs the server's init hook: migrations and first-start seeding.
const { handler } = await import(join(root, 'build', 'handler.js'));
const server = createServer((req, res) => {
	req.headers['x-maillage-proto'] = origin ? origin.protocol.slice(0, -1) : 'http';
	req.headers['x-maillage-host'] = origin ? origin.host : (req.headers.host ?? `localhost:${port}`);
	handler(req, res);
});
server.keepAliveTimeout = 5_000;
server.listen(port, host, () => {
	console.log(`maillage: ${origin ? origin.origin : `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`}/lieux`);
});

let stopping = false;
/** @param {string} signal */
function stop(signal) {
	if (stopping) return;
	stopping = true;
	console.log(`${signal}: shutting down`);
	setTimeout(() => process.exit(0), 10_000).unref();
	server.close(async () => {
		await /** @type {{ maillageShutdown?: () => Promise<void> }} */ (globalThis).maillageShutdown?.();
		process.exit(0);
	});
	server.closeIdleConnections();
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
