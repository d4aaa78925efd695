// npm start: builds the app when the build is missing or older than the sources, then
// serves it on PORT (default 3000) and HOST (default 0.0.0.0), with the embedded PGlite
// (DATA_DIR) or PostgreSQL (DATABASE_URL).
//
// adapter-node 6 derives each request's origin from headers and defaults the protocol
// to https, so form posts over plain http would fail SvelteKit's CSRF origin check. We
// serve its request handler ourselves and state the origin, never taken from the request's
// Host header (e-mailed links are built from it): ORIGIN when set (required in production:
// NODE_ENV=production with DATABASE_URL, or MAILLAGE_PRODUCTION=1), else derived from
// PORT/HOST (http://localhost:3000) and recorded in DATA_DIR/public-url for the command line.
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Opening hours are read on the server's clock (opening_hours.js); a zone with daylight
// saving other than Paris's would skip openings in its own missing hour. Paris time is
// computed explicitly everywhere, so the process runs in UTC unless told otherwise.
process.env.TZ ||= 'UTC';
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
process.env.PROTOCOL_HEADER = 'x-maillage-proto';
process.env.HOST_HEADER = 'x-maillage-host';
const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || '0.0.0.0';
if (!process.env.ORIGIN) {
	if (process.env.MAILLAGE_PRODUCTION === '1' || (process.env.NODE_ENV === 'production' && process.env.DATABASE_URL)) {
		console.error('ORIGIN is required in production: the public URL of the service, e.g. ORIGIN=https://maillage.example.fr');
		process.exit(1);
	}
	// the same derivation as src/lib/server/web/origin.ts (derivedOrigin)
	const h = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
	process.env.ORIGIN = `http://${h}:${port}`;
	try {
		const dir = process.env.DATA_DIR || join(root, 'data');
		mkdirSync(dir, { recursive: true });
		writeFileSync(join(dir, 'public-url'), process.env.ORIGIN + '\n');
	} catch {
		/* read-only folder: the command line falls back to PORT/HOST */
	}
}
/** @type {URL} */
let origin;
try {
	origin = new URL(process.env.ORIGIN);
	if (!/^https?:$/.test(origin.protocol) || origin.pathname !== '/' || origin.search || origin.hash) throw new Error('not an origin');
} catch {
	console.error(`ORIGIN must be an http(s) URL without a path (scheme://host[:port]): ${process.env.ORIGIN}`);
	process.exit(1);
}

// A loopback public URL (the embedded default) is reached as localhost, 127.0.0.1 or [::1]:
// pages and form posts (SvelteKit's same-origin check) work under each name; every other
// Host is refused by the server's hook, and links always use ORIGIN.
const loopback = ['localhost', '127.0.0.1', '[::1]'];
/** @param {string | undefined} h */
const sameLoopback = (h) => {
	if (!h || !loopback.includes(origin.hostname)) return false;
	const m = /^(localhost|127\.0\.0\.1|\[::1\])(?::(\d+))?$/.exec(h);
	return !!m && (m[2] ?? (origin.protocol === 'https:' ? '443' : '80')) === (origin.port || (origin.protocol === 'https:' ? '443' : '80'));
};

// adapter-node's own limit (512 KB by default, refused in English) set to the largest body the
// server hook lets through, a document sent to a vault (web/uploads.ts MAX_UPLOAD_BYTES, 60 MiB);
// the hook refuses every other body over 1 MB, and any body of unknown length, with a French page
process.env.BODY_SIZE_LIMIT ??= '60M';

// Loading the handler runs the server's init hook: migrations and first-start seeding.
const { handler } = await import(join(root, 'build', 'handler.js'));
// SvelteKit refuses a form posted from another site (or without an Origin header) with a bare
// English text, before any hook runs. The same test is made here: such a request is marked
// (x-maillage-cross-site) and given our own origin so that it reaches the server's hook, which
// refuses it with the site's French error page, without running any action.
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);
const server = createServer((req, res) => {
	delete req.headers['x-maillage-cross-site'];
	const proto = origin.protocol.slice(0, -1);
	const reqHost = sameLoopback(req.headers.host) ? /** @type {string} */ (req.headers.host) : origin.host;
	req.headers['x-maillage-proto'] = proto;
	req.headers['x-maillage-host'] = reqHost;
	const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	const self = `${proto}://${reqHost}`;
	if (MUTATING.has(req.method ?? '') && (!type || FORM_TYPES.has(type)) && req.headers.origin !== self) {
		req.headers['x-maillage-cross-site'] = '1';
		req.headers.origin = self;
	}
	handler(req, res);
});
// A request Node cannot read never reaches the app: an address or headers over Node's 16 KB
// (`?zone=` of 20,000 characters), a malformed request line. Node answered with an empty body
// (431, or 400 « Bad Request »); the same statuses, in French, and the connection closed.
server.on('clientError', (err, socket) => {
	const code = /** @type {{ code?: string }} */ (err).code;
	if (code === 'ECONNRESET' || !socket.writable) return socket.destroy();
	const tooLong = code === 'HPE_HEADER_OVERFLOW';
	const body = tooLong
		? 'L’adresse demandée ou ses en-têtes sont trop longs (16 Ko au plus)\u00a0: raccourcissez-la puis réessayez.'
		: 'La requête est mal formée\u00a0: vérifiez l’adresse puis réessayez.';
	socket.end(
		`HTTP/1.1 ${tooLong ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
	);
});
server.keepAliveTimeout = 5_000;
server.listen(port, host, () => {
	console.log(`maillage: ${origin.origin}/lieux`);
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
// A promise rejected with nobody to catch it must not stop the server for everyone (one
// malformed request did): it is logged, without its content (it may carry data), and the
// server goes on.
process.on('unhandledRejection', (reason) => {
	const r = /** @type {{ constructor?: { name?: string }, status?: number }} */ (reason ?? {});
	console.error(
		JSON.stringify({
			t: new Date().toISOString(),
			level: 'error',
			msg: 'unhandled rejection (the server goes on)',
			kind: r.constructor?.name ?? typeof reason,
			status: r.status
		})
	);
});
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
