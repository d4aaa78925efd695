/**
 * Who actually sends the SMS: an adapter per provider, chosen by the environment.
 *
 * One implementation: Brevo's transactional SMS (a French provider with a simple,
 * documented HTTP API: one POST with an API key, JSON in and out). Another provider is
 * one more function returning an `SmsProvider`.
 *
 * Env: SMS_PROVIDER=brevo, SMS_API_KEY, SMS_SENDER (the name shown to the recipient: up to
 * 11 letters or digits), SMS_API_URL (default https://api.brevo.com/v3; tests point it at a
 * local stand-in).
 */
import type { SmsChannel } from '../mail/index.ts';
import { smsLength, validSmsSender } from './model.ts';

export interface SmsProvider {
	name: string;
	/** Sends one SMS to an E.164 number; resolves with the provider's message id, throws `SmsSendError`. */
	send(to: string, text: string): Promise<{ id: string }>;
}

/**
 * A failed send. `permanent`: the provider refused the message itself (bad number, bad
 * sender, no credit, wrong key): sending it again will not help. Otherwise (server error,
 * rate limit, network) a later attempt may succeed. The message never holds the number or
 * the text: it ends up in the logs and in the outbox's last_error.
 */
export class SmsSendError extends Error {
	constructor(
		message: string,
		readonly permanent: boolean,
		readonly status?: number
	) {
		super(message);
		this.name = 'SmsSendError';
	}
}

/** Is an SMS provider configured? Without one, SMS wait in the outbox. */
export function smsConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
	return !!env.SMS_PROVIDER;
}

/**
 * The provider the environment configures, or null when none is. Throws when SMS_PROVIDER
 * is set but the rest is missing or wrong: a misconfiguration should be seen (it becomes the
 * outbox row's last_error), not turned into silence.
 */
export function smsProviderFromEnv(env: NodeJS.ProcessEnv = process.env): SmsProvider | null {
	const kind = env.SMS_PROVIDER?.trim().toLowerCase();
	if (!kind) return null;
	if (kind !== 'brevo') throw new Error(`SMS_PROVIDER "${env.SMS_PROVIDER}" is not supported (supported: brevo)`);
	if (!env.SMS_API_KEY) throw new Error('SMS_PROVIDER is brevo but SMS_API_KEY is not set');
	if (!env.SMS_SENDER || !validSmsSender(env.SMS_SENDER)) throw new Error('SMS_SENDER must be 1 to 11 letters or digits (the name shown to the recipient)');
	return brevoProvider({ apiKey: env.SMS_API_KEY, sender: env.SMS_SENDER, baseUrl: env.SMS_API_URL || undefined });
}

/**
 * The outbox's SMS channel (mail's port): the provider the environment configures, read at
 * each send. The composition root (../app.ts) hands it to the outbox (`useSmsChannel`).
 */
export const smsChannel: SmsChannel = {
	configured: () => smsConfigured(),
	// a misconfigured provider throws here: its reason becomes the outbox row's last_error
	send: (to, text) => smsProviderFromEnv()!.send(to, text)
};

const BREVO_URL = 'https://api.brevo.com/v3';
const TIMEOUT_MS = 15_000;

/** Removes what could be personal data from a provider's error text: long digit runs (numbers), and keeps it short. */
const scrub = (s: string) => s.replace(/\+?\d[\d\s.-]{5,}\d/g, '…').slice(0, 200);

/**
 * Brevo transactional SMS: POST {baseUrl}/transactionalSMS/send with the `api-key` header
 * and { sender, recipient, content, type: 'transactional', unicodeEnabled }; 201 answers
 * { messageId }. `unicodeEnabled` is set only when the text needs UCS-2: otherwise Brevo
 * would replace the accented letters outside the GSM alphabet.
 */
export function brevoProvider(opts: { apiKey: string; sender: string; baseUrl?: string }): SmsProvider {
	const url = `${(opts.baseUrl ?? BREVO_URL).replace(/\/+$/, '')}/transactionalSMS/send`;
	return {
		name: 'brevo',
		async send(to, text) {
			let res: Response;
			try {
				res = await fetch(url, {
					method: 'POST',
					headers: { 'api-key': opts.apiKey, 'content-type': 'application/json', accept: 'application/json' },
					body: JSON.stringify({
						sender: opts.sender,
						recipient: to,
						content: text,
						type: 'transactional',
						unicodeEnabled: smsLength(text).encoding === 'UCS-2'
					}),
					signal: AbortSignal.timeout(TIMEOUT_MS)
				});
			} catch (e) {
				const err = e as Error & { cause?: { code?: string; message?: string } };
				const reason = err.name === 'TimeoutError' ? 'timeout' : (err.cause?.code ?? scrub(err.cause?.message ?? err.message));
				throw new SmsSendError(`brevo: network error (${reason}), temporary`, false);
			}
			const body = (await res.text().catch(() => '')) || '';
			if (res.ok) {
				let json: { messageId?: unknown; reference?: unknown } = {};
				try {
					json = JSON.parse(body);
				} catch {
					// a 2xx without JSON: sent all the same
				}
				return { id: String(json.messageId ?? json.reference ?? '') };
			}
			let detail: string;
			try {
				const json = JSON.parse(body) as { code?: unknown; message?: unknown };
				detail = [json.code, json.message].filter((x) => typeof x === 'string' && x).join(': ');
			} catch {
				detail = '';
			}
			const retryable = res.status === 429 || res.status >= 500;
			const what = `brevo: HTTP ${res.status}${detail ? ` ${scrub(detail)}` : ''}`;
			throw new SmsSendError(
				retryable ? `${what}, temporary` : `${what} (permanent: the provider refused this message, retrying will not help)`,
				!retryable,
				res.status
			);
		}
	};
}
