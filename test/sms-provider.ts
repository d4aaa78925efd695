/**
 * A local HTTP server in the test process playing Brevo's transactional SMS endpoint
 * (POST /v3/transactionalSMS/send): checks the api-key header and the body, keeps what it
 * receives, answers 201 { messageId }. Tests point SMS_API_URL at `url` and SMS_API_KEY at
 * `apiKey`; `failNext(n)` makes the next n requests fail (500 by default).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSms {
	to: string;
	text: string;
	sender: string;
	type: string;
	unicodeEnabled: boolean;
}

export interface TestSmsProvider {
	/** base URL, for SMS_API_URL (…/v3) */
	url: string;
	apiKey: string;
	received: ReceivedSms[];
	/** every request, answered or refused */
	readonly requests: number;
	/** the next `n` requests are answered with `status` (500 by default) instead of being sent */
	failNext(n: number, status?: number): void;
	/** resolves when `n` messages have arrived */
	waitFor(n: number, timeoutMs?: number): Promise<ReceivedSms[]>;
	close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
};

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const c of req) chunks.push(c as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

export async function startSmsProvider(opts: { apiKey?: string } = {}): Promise<TestSmsProvider> {
	const apiKey = opts.apiKey ?? 'test-brevo-key';
	const received: ReceivedSms[] = [];
	let failures: { n: number; status: number } = { n: 0, status: 500 };
	let messageId = 1_000_000;
	const state = { requests: 0 };

	const server = createServer((req, res) => {
		state.requests++;
		if (req.method !== 'POST' || req.url !== '/v3/transactionalSMS/send') return json(res, 404, { code: 'not_found', message: 'Not found' });
		if (req.headers['api-key'] !== apiKey) return json(res, 401, { code: 'unauthorized', message: 'Key not found' });
		if (failures.n > 0) {
			failures.n--;
			return json(res, failures.status, {
				code: failures.status >= 500 ? 'internal_error' : 'invalid_parameter',
				message: `simulated failure ${failures.status}`
			});
		}
		readBody(req)
			.then((raw) => {
				let body: Record<string, unknown>;
				try {
					body = JSON.parse(raw);
				} catch {
					return json(res, 400, { code: 'bad_request', message: 'Invalid JSON' });
				}
				const { sender, recipient, content, type } = body;
				if (typeof sender !== 'string' || typeof recipient !== 'string' || typeof content !== 'string' || !sender || !recipient || !content)
					return json(res, 400, { code: 'missing_parameter', message: 'sender, recipient and content are required' });
				if (!/^\+?\d{6,15}$/.test(recipient)) return json(res, 400, { code: 'invalid_parameter', message: 'Invalid phone number' });
				received.push({
					to: recipient,
					text: content,
					sender,
					type: typeof type === 'string' ? type : 'transactional',
					unicodeEnabled: body.unicodeEnabled === true
				});
				json(res, 201, { messageId: ++messageId });
			})
			.catch(() => json(res, 500, { code: 'internal_error', message: 'read error' }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}/v3`,
		apiKey,
		received,
		get requests() {
			return state.requests;
		},
		failNext(n, status = 500) {
			failures = { n, status };
		},
		async waitFor(n, timeoutMs = 20_000) {
			const end = Date.now() + timeoutMs;
			while (received.length < n) {
				if (Date.now() > end) throw new Error(`expected ${n} SMS, received ${received.length}`);
				await new Promise((r) => setTimeout(r, 100));
			}
			return received;
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
