import { createConnection } from 'node:net';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A message the server queued (its template, subject and text, where the links are). */
export interface QueuedMail {
	template: string;
	subject: string;
	text: string;
}

/** The messages the server queued for an address, through its control socket (src/lib/server/ops/control.ts). */
export function outbox(to: string): Promise<QueuedMail[]> {
	const dir = process.env.E2E_DATA_DIR!;
	const plain = join(dir, 'control.sock');
	const path = Buffer.byteLength(plain) < 100 ? plain : join(tmpdir(), `maillage-${createHash('sha256').update(dir).digest('hex').slice(0, 16)}.sock`);
	return new Promise((resolve, reject) => {
		const conn = createConnection(path);
		const chunks: Buffer[] = [];
		conn.on('error', reject);
		conn.on('connect', () => conn.write(JSON.stringify({ cmd: 'outbox', to }) + '\n'));
		conn.on('data', (d: Buffer) => chunks.push(d));
		conn.on('end', () => {
			const all = Buffer.concat(chunks);
			const nl = all.indexOf(10);
			const head = JSON.parse(all.subarray(0, nl).toString('utf8'));
			if (!head.ok) return reject(new Error(head.error));
			resolve(JSON.parse(all.subarray(nl + 1).toString('utf8')));
		});
	});
}
