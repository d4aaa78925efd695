/**
 * SMS through the outbox: `queueSms` writes the message in the caller's transaction and
 * enqueues its delivery in that same transaction, exactly as e-mails are (same table, same
 * job, same retries), so an SMS exists exactly when what it announces was committed. The
 * outbox's worker sends it through the provider the environment configures (see
 * provider.ts); without one it waits, like e-mail without SMTP_URL.
 */
import type { Database, Tx } from '../db/client.ts';
import { queueOutbox } from '../mail/index.ts';
import { checkSmsText, parseFrenchPhone, smsFriendly } from './model.ts';

export * from './model.ts';
export { smsChannel, smsConfigured, smsProviderFromEnv, type SmsProvider, SmsSendError } from './provider.ts';

export interface Sms {
	/** a French mobile number, in any usual form: stored in E.164 */
	to: string;
	text: string;
	/** template name, for the logs and the tests */
	template: string;
}

/**
 * Queues an SMS inside the caller's transaction; returns the outbox id. The text is made
 * GSM-friendly (`smsFriendly`: straight apostrophes and quotes, so it is not billed as UCS-2
 * for typography alone). Throws when the number is not a French mobile or the text is empty
 * or longer than SMS_MAX_SEGMENTS: callers validate the number first (`mobilePhoneSchema`),
 * and the texts are ours.
 */
export async function queueSms(database: Database, tx: Tx, sms: Sms): Promise<string> {
	const phone = parseFrenchPhone(sms.to);
	if (!phone?.mobile) throw new Error(`queueSms (${sms.template}): not a French mobile number`);
	const text = smsFriendly(sms.text);
	const check = checkSmsText(text);
	if (!check.ok) throw new Error(`queueSms (${sms.template}): ${check.reason}`);
	return queueOutbox(database, tx, { channel: 'sms', to: phone.e164, subject: '', text, template: sms.template });
}
