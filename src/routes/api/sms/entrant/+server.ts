/**
 * POST /api/sms/entrant — the SMS provider posts the replies people send to our SMS
 * (a consent asked by SMS: "OUI 4821"). Server to server: no session, no cookie.
 *
 * - Authenticated by the shared secret SMS_INBOUND_SECRET (Authorization: Bearer, or Basic
 *   with the secret as password), compared in constant time; anything else gets 401 and
 *   no detail. Unset secret: the route answers 401 to everyone.
 * - Throttled per address: failed attempts as a login's (THROTTLE_RULES.ip), accepted
 *   calls generously (THROTTLE_RULES.webhook); 429 when locked.
 * - JSON only (415 otherwise). SvelteKit's CSRF check concerns form content types only, so
 *   this JSON endpoint needs no exemption, and a form posted from another site never
 *   reaches it (refused by SvelteKit as cross-site, and by the 415 here).
 * - 200 { ok: true } for any reply read, matched or not (the provider must not retry, and
 *   the caller learns nothing about who is known); 400 when the body is no JSON.
 * Payload shapes: src/lib/server/sms/inbound.ts.
 */
import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { getDatabase } from '#lib/server/db/client.ts';
import { countAttempt, lockedUntil, THROTTLE_RULES } from '#lib/server/accounts/index.ts';
import { hasInboundSecret, parseInboundSms } from '#lib/server/sms/index.ts';
import { answerConsentBySms } from '#lib/server/referral/index.ts';
import { getInstanceSettings } from '#lib/server/territory/index.ts';
import { log } from '#lib/server/log.ts';
import { publicOrigin } from '#lib/server/web/origin.ts';

const MAX_BODY = 64 * 1024;
const headers = { 'cache-control': 'no-store' };

export const POST: RequestHandler = async ({ request, locals }) => {
	const db = await getDatabase();
	const ip = locals.ip ?? '?';
	const failKey = `sms-inbound-fail:${ip}`;
	const callKey = `sms-inbound:${ip}`;
	if (await lockedUntil(db.db, [failKey, callKey])) return json({ ok: false }, { status: 429, headers: { ...headers, 'retry-after': '300' } });
	if (!hasInboundSecret(request.headers.get('authorization'), process.env.SMS_INBOUND_SECRET)) {
		await countAttempt(db.db, failKey, THROTTLE_RULES.ip);
		log('warn', 'sms inbound: refused (no or wrong secret)', { configured: !!process.env.SMS_INBOUND_SECRET });
		return json({ ok: false }, { status: 401, headers: { ...headers, 'www-authenticate': 'Bearer' } });
	}
	await countAttempt(db.db, callKey, THROTTLE_RULES.webhook);
	if (!/^application\/json\b/i.test(request.headers.get('content-type') ?? '')) return json({ ok: false }, { status: 415, headers });
	const raw = await request.text();
	if (raw.length > MAX_BODY) return json({ ok: false }, { status: 413, headers });
	let body: unknown;
	try {
		body = JSON.parse(raw);
	} catch {
		return json({ ok: false }, { status: 400, headers });
	}
	// Brevo may batch events in an array
	const items = Array.isArray(body) ? body.slice(0, 100) : [body];
	const links = { origin: publicOrigin(), instanceName: (await getInstanceSettings(db)).name };
	for (const item of items) {
		const sms = parseInboundSms(item);
		if (!sms) {
			log('info', 'sms inbound: not a reply, ignored');
			continue;
		}
		await answerConsentBySms(db, sms, links);
	}
	return json({ ok: true }, { headers });
};
