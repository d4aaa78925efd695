/**
 * Inbound SMS: what the provider posts to us when a person replies to one of our SMS.
 *
 * Brevo (the provider of provider.ts) calls a webhook on its transactional SMS events; the
 * one for replies is created with
 *
 *   POST https://api.brevo.com/v3/webhooks  (header api-key)
 *   { "type": "transactional", "events": ["replies"],
 *     "url": "https://<ORIGIN>/api/sms/entrant",
 *     "auth": { "type": "bearer", "token": "<SMS_INBOUND_SECRET>" } }
 *
 * and posts JSON such as { "msg_status": "replied", "to": "33612345678", "reply": "OUI 4821",
 * "ts_event": 1732000000, "messageId": 123, … }: `to` is the number our SMS went to (the
 * person who answers), without the "+". Brevo's documentation of this event is thin, so
 * the adapter is lenient and also takes this small shape, documented for any other
 * provider or a relay in between:
 *
 *   { "from": "+33612345678", "text": "OUI 4821", "receivedAt": "2026-11-20T10:15:00Z" }
 *
 * The number may be in any usual form (E.164, 33…, 06…); the text is the reply as typed.
 * Authentication: `Authorization: Bearer <SMS_INBOUND_SECRET>` (Brevo's bearer auth) or
 * HTTP Basic with the secret as password (a URL https://u:<secret>@…), compared in
 * constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { normalisePhone } from './model.ts';

export interface InboundSms {
	/** the sender (the person), E.164; null when it is not a French number */
	from: string | null;
	text: string;
	/** when the provider received it (never in the future) */
	at: Date;
}

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** A number as providers write it ("33612345678", "+33 6…", "0612…") in E.164, or null. */
export function inboundNumber(raw: string): string | null {
	const s = raw.trim();
	if (!s) return null;
	// international without the "+" (Brevo): 33…, 262…, 590…, 594…, 596…, 508…
	if (/^\d{11,15}$/.test(s) && !s.startsWith('0')) return normalisePhone(`+${s}`);
	return normalisePhone(s);
}

/**
 * Reads a provider's payload: a reply (Brevo's 'replied' event, or the documented shape);
 * null when it is not one (another event, nothing to read).
 */
export function parseInboundSms(body: unknown, now = new Date()): InboundSms | null {
	if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
	const b = body as Record<string, unknown>;
	let number: string;
	let text: string;
	if ('from' in b || 'text' in b) {
		number = str(b.from);
		text = str(b.text);
	} else {
		// Brevo: only the replies carry a text; the other events (sent, delivered…) are not ours to read
		const status = str(b.msg_status ?? b.event).toLowerCase();
		if (status && !/^repl/.test(status)) return null;
		number = str(b.to ?? b.phone_number ?? b.sender);
		text = str(b.reply ?? b.message ?? b.content ?? b.text);
	}
	if (!number || !text.trim()) return null;
	let at = now;
	const epoch = Number(b.ts_event ?? b.ts ?? NaN);
	const iso = str(b.receivedAt);
	if (iso && !Number.isNaN(Date.parse(iso)) && /(z|[+-]\d\d:?\d\d)$/i.test(iso)) at = new Date(iso);
	else if (Number.isFinite(epoch) && epoch > 1e9) at = new Date(epoch < 1e11 ? epoch * 1000 : epoch);
	if (at > now) at = now;
	return { from: inboundNumber(number), text: text.slice(0, 1000), at };
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Does the request carry the shared secret (Bearer, or Basic's password)? Constant time. */
export function hasInboundSecret(authorization: string | null, secret: string | undefined): boolean {
	if (!secret || !authorization) return false;
	let given = '';
	const [scheme, value = ''] = authorization.trim().split(/\s+/, 2);
	if (/^bearer$/i.test(scheme)) given = value;
	else if (/^basic$/i.test(scheme)) {
		const decoded = Buffer.from(value, 'base64').toString('utf8');
		given = decoded.slice(decoded.indexOf(':') + 1);
	}
	// hashes of equal length: the comparison takes the same time whatever is given
	return timingSafeEqual(digest(given), digest(secret)) && given.length > 0;
}
