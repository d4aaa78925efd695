/**
 * The server's control socket, for the embedded database only: PGlite belongs to one
 * process, so `maillage backup` asks the running server to make the dump. A Unix socket
 * in DATA_DIR, readable by the server's own user only (mode 0600): whoever can use it can
 * already read the data folder. One request per connection, a JSON line:
 *   {"cmd":"backup"}  →  a JSON line {"ok":true,"bytes":N,"lastMigration":…,"masterKeyIds":[…]} then N bytes
 *                        (the dump; the ids of the vault's master keys it needs, never a key)
 *                    or  {"ok":false,"error":"…"}
 *   {"cmd":"demo-accounts","origin":"…"}  →  {"ok":true,"bytes":N} then the printed guide
 *                    (`maillage demo accounts` while the server runs; refused without demo data)
 *   {"cmd":"outbox","to":"…"}  →  {"ok":true,"bytes":N} then a JSON array of the messages
 *                    queued for that address, oldest first ({ template, subject, text, status,
 *                    createdAt }): what an instance without SMTP_URL would have sent (the
 *                    browser tests read the links of the trainings' e-mails this way)
 */
import { createConnection, createServer, type Server } from 'node:net';
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../db/client.ts';
import { dataDir } from '../paths.ts';
import { dumpPglite, lastMigration } from './backup.ts';
import { log } from '../log.ts';
import { createDemoAccounts, demoGuide } from '../demo/index.ts';
import { masterKeyIdsInUse } from '../vault/index.ts';
import { outboxFor } from '../mail/index.ts';

/** Unix socket paths are limited to about 100 bytes: a long DATA_DIR gets one in the temporary folder. */
export function controlSocketPath(dir = dataDir()): string {
	const p = join(dir, 'control.sock');
	if (Buffer.byteLength(p) < 100) return p;
	return join(tmpdir(), `maillage-${createHash('sha256').update(dir).digest('hex').slice(0, 16)}.sock`);
}

export async function startControlSocket(database: Database, path = controlSocketPath()): Promise<() => Promise<void>> {
	if (database.kind !== 'pglite') return async () => {};
	// a socket left by a server that died (this process holds the data folder's lock now)
	if (existsSync(path)) rmSync(path, { force: true });
	const server: Server = createServer((conn) => {
		let buf = '';
		conn.setEncoding('utf8');
		conn.on('error', () => conn.destroy());
		conn.on('data', async (chunk: string) => {
			buf += chunk;
			if (!buf.includes('\n') || buf.length > 1024) {
				if (buf.length > 1024) conn.destroy();
				return;
			}
			conn.removeAllListeners('data');
			let req: { cmd?: string };
			try {
				req = JSON.parse(buf.slice(0, buf.indexOf('\n')));
			} catch {
				conn.end(JSON.stringify({ ok: false, error: 'bad request' }) + '\n');
				return;
			}
			if (req.cmd === 'demo-accounts') {
				try {
					const guide = Buffer.from(demoGuide(await createDemoAccounts(database), String((req as { origin?: string }).origin ?? '')));
					conn.write(JSON.stringify({ ok: true, bytes: guide.length }) + '\n');
					conn.end(guide);
				} catch (e) {
					conn.end(JSON.stringify({ ok: false, error: (e as Error).message }) + '\n');
				}
				return;
			}
			if (req.cmd === 'outbox') {
				try {
					const to = String((req as { to?: unknown }).to ?? '').slice(0, 320);
					const rows = (await outboxFor(database, to)).map((m) => ({
						template: m.template,
						subject: m.subject,
						text: m.text,
						status: m.status,
						createdAt: m.createdAt.toISOString()
					}));
					const body = Buffer.from(JSON.stringify(rows));
					conn.write(JSON.stringify({ ok: true, bytes: body.length }) + '\n');
					conn.end(body);
				} catch (e) {
					conn.end(JSON.stringify({ ok: false, error: (e as Error).message }) + '\n');
				}
				return;
			}
			if (req.cmd !== 'backup') {
				conn.end(JSON.stringify({ ok: false, error: 'unknown command' }) + '\n');
				return;
			}
			try {
				const dump = await dumpPglite(database);
				const head = { ok: true, bytes: dump.length, lastMigration: await lastMigration(database), masterKeyIds: await masterKeyIdsInUse(database) };
				conn.write(JSON.stringify(head) + '\n');
				conn.end(dump);
				log('info', 'backup made through the control socket', { bytes: dump.length });
			} catch (e) {
				log('error', 'backup failed', { error: (e as Error).message });
				conn.end(JSON.stringify({ ok: false, error: (e as Error).message }) + '\n');
			}
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(path, () => resolve());
	});
	chmodSync(path, 0o600);
	server.unref();
	return () =>
		new Promise<void>((resolve) => {
			server.close(() => resolve());
			rmSync(path, { force: true });
		});
}

/** Asks the running server for a dump of its embedded database. */
export async function requestDump(path = controlSocketPath()): Promise<{ dump: Buffer; lastMigration: string | null; masterKeyIds: string[] }> {
	const { body, head } = await ask(path, { cmd: 'backup' });
	if (!Array.isArray(head.masterKeyIds)) throw new Error('the running server is older than this command (no vault key ids): restart it, then back up');
	return { dump: body, lastMigration: (head.lastMigration as string | null) ?? null, masterKeyIds: head.masterKeyIds as string[] };
}

/** Asks the running server to (re)create the demo accounts; returns the guide to print. */
export async function requestDemoAccounts(origin: string, path = controlSocketPath()): Promise<string> {
	return (await ask(path, { cmd: 'demo-accounts', origin })).body.toString('utf8');
}

/** Asks the running server for the messages queued for an address (embedded database only). */
export async function requestOutbox(
	to: string,
	path = controlSocketPath()
): Promise<{ template: string; subject: string; text: string; status: string; createdAt: string }[]> {
	return JSON.parse((await ask(path, { cmd: 'outbox', to })).body.toString('utf8'));
}

function ask(path: string, request: Record<string, unknown>): Promise<{ head: Record<string, unknown>; body: Buffer }> {
	return new Promise((resolve, reject) => {
		const conn = createConnection(path);
		const chunks: Buffer[] = [];
		conn.on('error', (e) => reject(new Error(`the server's control socket ${path} does not answer (${(e as NodeJS.ErrnoException).code})`)));
		conn.on('connect', () => conn.write(JSON.stringify(request) + '\n'));
		conn.on('data', (d: Buffer) => chunks.push(d));
		conn.on('end', () => {
			const all = Buffer.concat(chunks);
			const nl = all.indexOf(10);
			if (nl < 0) return reject(new Error('the server closed the control socket without an answer'));
			const head = JSON.parse(all.subarray(0, nl).toString('utf8')) as { ok: boolean; bytes?: number; error?: string };
			if (!head.ok) return reject(new Error(`the server refused: ${head.error}`));
			const body = all.subarray(nl + 1);
			if (body.length !== head.bytes) return reject(new Error(`the answer was cut short (${body.length} of ${head.bytes} bytes)`));
			resolve({ head, body });
		});
	});
}
