/**
 * The real server (scripts/start.mjs, the built app) as child processes, for tests that
 * must cross HTTP and process boundaries: several servers on one PostgreSQL database,
 * routes crawled as a logged-in professional.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

function newest(path: string): number {
	const s = statSync(path);
	if (!s.isDirectory()) return s.mtimeMs;
	let m = 0;
	for (const e of readdirSync(path)) m = Math.max(m, newest(join(path, e)));
	return m;
}

/** Builds the app when the build is missing or older than the sources (once across parallel test files). */
export async function ensureBuilt(): Promise<void> {
	const built = join(root, 'build', 'handler.js');
	const stale = () => {
		const sources = ['src', 'static', 'migrations', 'vite.config.ts', 'package.json'].map((p) => join(root, p)).filter(existsSync);
		return !existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs;
	};
	if (!stale()) return;
	const lock = join(root, '.build-lock');
	for (;;) {
		try {
			mkdirSync(lock);
			break;
		} catch {
			await sleep(500);
		}
	}
	try {
		if (!stale()) return;
		const r = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], { cwd: root, stdio: 'ignore' });
		if (r.status !== 0) throw new Error('vite build failed');
	} finally {
		rmdirSync(lock);
	}
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = createServer();
		s.once('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address() as { port: number };
			s.close(() => resolve(port));
		});
	});
}

export interface RunningServer {
	url: string;
	port: number;
	process: ChildProcess;
	/** what the server printed (JSON log lines) */
	output: () => string;
	stop: () => Promise<void>;
}

/** Starts `node scripts/start.mjs` with the given environment and waits until it answers. */
export async function startServer(env: Record<string, string>, timeoutMs = 120_000): Promise<RunningServer> {
	await ensureBuilt();
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	let out = '';
	const child = spawn(process.execPath, [join(root, 'scripts', 'start.mjs')], {
		cwd: root,
		env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ORIGIN: url, LOG_REQUESTS: '0', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout!.on('data', (d) => (out += d));
	child.stderr!.on('data', (d) => (out += d));
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${out.slice(-2000)}`);
		try {
			const r = await fetch(`${url}/lieux`, { redirect: 'manual' });
			if (r.status < 500) break;
		} catch {
			/* not listening yet */
		}
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`server did not answer within ${timeoutMs} ms:\n${out.slice(-2000)}`);
		}
		await sleep(250);
	}
	return {
		url,
		port,
		process: child,
		output: () => out,
		stop: async () => {
			if (child.exitCode !== null || child.signalCode) return;
			const done = new Promise((r) => child.once('exit', r));
			child.kill('SIGTERM');
			await Promise.race([done, sleep(15_000)]);
			if (child.exitCode === null && !child.signalCode) child.kill('SIGKILL');
		}
	};
}

/** A form post as a browser without JavaScript sends it (same-origin, urlencoded). */
export async function postForm(url: string, fields: Record<string, string>, cookie?: string): Promise<Response> {
	const u = new URL(url);
	return fetch(url, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: u.origin, ...(cookie ? { cookie } : {}) },
		body: new URLSearchParams(fields).toString()
	});
}

/** The session cookie a response sets ("name=value"), if any. */
export function sessionCookie(r: Response): string | null {
	for (const c of r.headers.getSetCookie()) {
		const m = /^((?:__Host-)?maillage_session=[^;]+)/.exec(c);
		if (m && !m[1].endsWith('=')) return m[1];
	}
	return null;
}
