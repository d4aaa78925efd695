/**
 * A local SMS provider for the browser tests: speaks Brevo's transactional SMS endpoint
 * (POST /v3/transactionalSMS/send, `api-key` header, JSON { sender, recipient, content })
 * and keeps the messages in memory, so that a test can read a one-time code "sent by SMS".
 *
 * Start: `node e2e/sms-provider.mjs` with PORT (required) and SMS_API_KEY (default
 * "e2e-sms-key"); point the server at it with SMS_PROVIDER=brevo, SMS_API_KEY, SMS_SENDER,
 * SMS_API_URL=http://127.0.0.1:<PORT>/v3.
 *
 *   GET    /health               200 "ok" (for Playwright's webServer.url)
 *   GET    /messages             the messages received, oldest first: [{ id, to, text, sender, type, at }]
 *   GET    /messages?to=+336…    only those sent to that number (E.164)
 *   DELETE /messages             forgets them
 *   POST   /fail?count=N&status=500   the next N sends are answered with that status
 *   POST   /reply  { from, text }      the person answers: posts Brevo's 'replied' event
 *                                      ({ msg_status, to, reply, ts_event }) to INBOUND_URL with
 *                                      `Authorization: Bearer INBOUND_SECRET`, and answers
 *                                      { status } (the app's HTTP status)
 */
import { createServer } from 'node:http';

const port = Number(process.env.PORT);
if (!port) {
	console.error('sms-provider: set PORT');
	process.exit(1);
}
const apiKey = process.env.SMS_API_KEY || 'e2e-sms-key';
/** where the app receives replies (its /api/sms/entrant), and the secret it expects */
const inboundUrl = process.env.INBOUND_URL;
const inboundSecret = process.env.INBOUND_SECRET;

/** @type {{ id: number, to: string, text: string, sender: string, type: string, at: string }[]} */
let messages = [];
let nextId = 1;
let failures = { count: 0, status: 500 };

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 */
function json(res, status, body) {
	res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
	res.end(JSON.stringify(body));
}

/** @param {import('node:http').IncomingMessage} req */
async function readJson(req) {
	let raw = '';
	for await (const chunk of req) raw += chunk;
	return JSON.parse(raw);
}

createServer(async (req, res) => {
	const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
	try {
		if (req.method === 'GET' && url.pathname === '/health') {
			res.writeHead(200, { 'content-type': 'text/plain' });
			return res.end('ok');
		}
		if (url.pathname === '/messages' && req.method === 'GET') {
			// an unencoded "+" arrives as a space
			const to = url.searchParams
				.get('to')
				?.trim()
				.replace(/^(?=\d)/, '+');
			return json(res, 200, to ? messages.filter((m) => m.to === to) : messages);
		}
		if (url.pathname === '/messages' && req.method === 'DELETE') {
			messages = [];
			return json(res, 200, { ok: true });
		}
		if (url.pathname === '/fail' && req.method === 'POST') {
			failures = { count: Number(url.searchParams.get('count') ?? 1), status: Number(url.searchParams.get('status') ?? 500) };
			return json(res, 200, failures);
		}
		if (url.pathname === '/reply' && req.method === 'POST') {
			if (!inboundUrl) return json(res, 501, { code: 'not_configured', message: 'set INBOUND_URL' });
			const { from, text } = (await readJson(req)) ?? {};
			if (typeof from !== 'string' || typeof text !== 'string') return json(res, 400, { code: 'missing_parameter', message: 'from and text are required' });
			const r = await fetch(inboundUrl, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...(inboundSecret ? { authorization: `Bearer ${inboundSecret}` } : {}) },
				body: JSON.stringify({
					id: 1,
					msg_status: 'replied',
					to: from.replace(/^\+/, ''),
					reply: text,
					ts_event: Math.floor(Date.now() / 1000),
					type: 'transactional'
				})
			});
			return json(res, 200, { status: r.status });
		}
		if (url.pathname === '/v3/transactionalSMS/send' && req.method === 'POST') {
			if (req.headers['api-key'] !== apiKey) return json(res, 401, { code: 'unauthorized', message: 'Key not found' });
			if (failures.count > 0) {
				failures.count--;
				return json(res, failures.status, {
					code: failures.status >= 500 ? 'internal_error' : 'invalid_parameter',
					message: `simulated failure ${failures.status}`
				});
			}
			const body = await readJson(req);
			const { sender, recipient, content, type } = body ?? {};
			if (typeof sender !== 'string' || typeof recipient !== 'string' || typeof content !== 'string' || !sender || !recipient || !content)
				return json(res, 400, { code: 'missing_parameter', message: 'sender, recipient and content are required' });
			if (!/^\+?\d{6,15}$/.test(recipient)) return json(res, 400, { code: 'invalid_parameter', message: 'Invalid phone number' });
			const id = nextId++;
			messages.push({ id, to: recipient, text: content, sender, type: typeof type === 'string' ? type : 'transactional', at: new Date().toISOString() });
			return json(res, 201, { messageId: id });
		}
		return json(res, 404, { code: 'not_found', message: 'Not found' });
	} catch (e) {
		return json(res, 400, { code: 'bad_request', message: String(/** @type {Error} */ (e).message) });
	}
}).listen(port, '127.0.0.1', () => console.log(`sms provider on http://127.0.0.1:${port}`));
