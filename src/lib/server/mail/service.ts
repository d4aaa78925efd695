/**
 * The outbox: `queueMail` writes the e-mail in the caller's transaction and enqueues its
 * delivery job in that same transaction (pg-boss through Drizzle), so an e-mail exists
 * exactly when what it announces was committed. The worker sends it with nodemailer over
 * SMTP (SMTP_URL, MAIL_FROM), retrying with exponential backoff; a failure after the last
 * retry leaves the row 'failed' with its reason.
 *
 * The outbox also carries SMS (channel 'sms', queued by the sms capability's `queueSms`):
 * the same job, retries and bookkeeping, sent through the SMS channel the composition root
 * gives (`useSmsChannel`, ../app.ts): mail does not depend on sms, sms depends on mail.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { fromDrizzle } from 'pg-boss';
import type { Database, Tx } from '../db/client.ts';
import { getBoss } from '../jobs/boss.ts';
import { log } from '../log.ts';
import { outbox } from './db.ts';
import type { Mail } from './templates.ts';

export * from './templates.ts';

export const MAIL_QUEUE = 'mail-outbox';
export const MAIL_RETRIES = 6;
export const MAIL_RETENTION_DAYS = 30;

/** Is an SMTP server configured? Without one, e-mails wait in the outbox (and the UI shows links). */
export function mailConfigured(): boolean {
	return !!process.env.SMTP_URL;
}

/**
 * How the outbox sends an SMS (a port): the sms capability implements it with the provider
 * the environment configures, and the composition root (../app.ts) hands it over.
 */
export interface SmsChannel {
	/** Is an SMS provider configured? Without one, SMS wait in the outbox. */
	configured(): boolean;
	/** Sends one SMS; resolves with the provider's message id, throws on failure (a misconfigured provider too). */
	send(to: string, text: string): Promise<{ id: string }>;
}

let smsChannel: SmsChannel | null = null;

/** Gives the outbox its SMS channel (null: none, SMS wait in the outbox). */
export function useSmsChannel(channel: SmsChannel | null): void {
	smsChannel = channel;
}

const smsReady = () => !!smsChannel?.configured();

let transport: Transporter | undefined;
let transportUrl: string | undefined;
function getTransport(): Transporter {
	const url = process.env.SMTP_URL!;
	if (!transport || transportUrl !== url) {
		transport = nodemailer.createTransport(url);
		transportUrl = url;
	}
	return transport;
}

/**
 * Queues an e-mail inside the caller's transaction. `about`: the person (beneficiary) the
 * e-mail is to or about, so that their erasure purges it (purgeMessagesOf).
 */
export async function queueMail(database: Database, tx: Tx, mail: Mail, about?: string | null): Promise<string> {
	return queueOutbox(database, tx, {
		channel: 'email',
		to: mail.to,
		subject: mail.subject,
		text: mail.text,
		html: mail.html,
		template: mail.template,
		beneficiaryId: about ?? null,
		ics: mail.ics?.content ?? null,
		icsMethod: mail.ics?.method ?? null
	});
}

/** Marks a queued message (an SMS queued by the sms capability) as to or about a person. */
export async function tagOutbox(tx: Tx, id: string, beneficiaryId: string): Promise<void> {
	await tx.update(outbox).set({ beneficiaryId }).where(eq(outbox.id, id));
}

/**
 * Erasure: every message to or about the person goes, sent or still pending (a pending
 * one is then never sent: its delivery job finds nothing): those tagged with the record,
 * and those addressed to its phone or e-mail (one-time codes, consent requests).
 */
export async function purgeMessagesOf(tx: Tx, p: { beneficiaryId: string; addresses: (string | null | undefined)[] }): Promise<number> {
	const addresses = p.addresses.filter((a): a is string => !!a);
	const rows = await tx
		.delete(outbox)
		.where(or(eq(outbox.beneficiaryId, p.beneficiaryId), addresses.length ? inArray(outbox.to, addresses) : undefined))
		.returning({ id: outbox.id });
	return rows.length;
}

/** Writes a message of any channel in the caller's transaction and enqueues its delivery in that same transaction. */
export async function queueOutbox(
	database: Database,
	tx: Tx,
	message: {
		channel: 'email' | 'sms';
		to: string;
		subject: string;
		text: string;
		html?: string | null;
		template: string;
		beneficiaryId?: string | null;
		ics?: string | null;
		icsMethod?: string | null;
	}
): Promise<string> {
	const [row] = await tx.insert(outbox).values(message).returning({ id: outbox.id });
	const boss = await getBoss(database);
	await boss.send(
		MAIL_QUEUE,
		{ id: row.id },
		{ db: fromDrizzle(tx as never, sql as never), retryLimit: MAIL_RETRIES, retryDelay: 30, retryBackoff: true, retryDelayMax: 3600 }
	);
	return row.id;
}

/** Sends one queued message (e-mail or SMS, by its channel); throws on failure so that pg-boss retries it. */
export async function deliver(database: Database, id: string, lastAttempt: boolean): Promise<void> {
	const [m] = await database.db.select().from(outbox).where(eq(outbox.id, id));
	if (!m || m.status === 'sent') return;
	const sms = m.channel === 'sms';
	// no SMTP server or no SMS provider (a demo): the message waits in the outbox; the sweep sends it once one is configured
	if (sms ? !smsReady() : !mailConfigured()) return;
	try {
		let messageId: string | null;
		if (sms) {
			// a misconfigured provider throws here: its reason becomes the row's last_error
			messageId = (await smsChannel!.send(m.to, m.text)).id || null;
		} else {
			const info = await getTransport().sendMail({
				from: process.env.MAIL_FROM ?? 'maillage <ne-pas-repondre@maillage.localhost>',
				to: m.to,
				subject: m.subject,
				text: m.text,
				html: m.html ?? undefined,
				// a calendar invitation: the text/calendar part with its METHOD (RFC 6047), named invitation.ics
				icalEvent: m.ics ? { method: m.icsMethod ?? 'REQUEST', filename: 'invitation.ics', content: m.ics } : undefined
			});
			messageId = info.messageId ?? null;
		}
		await database.db
			.update(outbox)
			.set({ status: 'sent', sentAt: new Date(), messageId, attempts: sql`${outbox.attempts} + 1`, lastError: null })
			.where(eq(outbox.id, id));
		log('info', sms ? 'sms sent' : 'mail sent', { id, template: m.template });
	} catch (e) {
		const message = (e as Error).message.slice(0, 500);
		await database.db
			.update(outbox)
			.set({ attempts: sql`${outbox.attempts} + 1`, lastError: message, status: lastAttempt ? 'failed' : 'pending' })
			.where(eq(outbox.id, id));
		// SMS errors never hold the number or the text (see SmsSendError)
		log('warn', sms ? 'sms delivery failed' : 'mail delivery failed', { id, template: m.template, error: message, final: lastAttempt });
		throw e;
	}
}

/** Removes e-mails older than the retention period (their bodies hold names and links). */
export async function purgeOutbox(database: Database, now = new Date()): Promise<number> {
	const before = new Date(now.getTime() - MAIL_RETENTION_DAYS * 86400_000);
	const rows = await database.db
		.delete(outbox)
		.where(and(lt(outbox.createdAt, before), sql`${outbox.status} <> 'pending'`))
		.returning({ id: outbox.id });
	return rows.length;
}

/** Enqueues the messages still pending on a configured channel (after a restart with SMTP or SMS newly configured, or a lost job). */
export async function sweepOutbox(database: Database, olderThanMs = 60_000): Promise<number> {
	const channels = [...(mailConfigured() ? ['email'] : []), ...(smsReady() ? ['sms'] : [])];
	if (!channels.length) return 0;
	const boss = await getBoss(database);
	const rows = await database.db
		.select({ id: outbox.id })
		.from(outbox)
		.where(and(eq(outbox.status, 'pending'), inArray(outbox.channel, channels), lt(outbox.createdAt, new Date(Date.now() - olderThanMs))));
	for (const r of rows)
		await boss.send(MAIL_QUEUE, { id: r.id }, { singletonKey: r.id, retryLimit: MAIL_RETRIES, retryDelay: 30, retryBackoff: true, retryDelayMax: 3600 });
	return rows.length;
}

/**
 * Starts the delivery worker and queues what was left pending. The outbox's purge and
 * sweep are scheduled with every other job, in the composition root (../app.ts).
 */
export async function startMailWorker(database: Database, opts: { pollingIntervalSeconds?: number } = {}): Promise<void> {
	const boss = await getBoss(database);
	await boss.createQueue(MAIL_QUEUE);
	const options = { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2, includeMetadata: true } as const;
	await boss.work<{ id: string }, void, typeof options>(MAIL_QUEUE, options, async ([job]) => {
		await deliver(database, job.data.id, job.retryCount >= job.retryLimit);
	});
	await sweepOutbox(database, 0);
}

export async function outboxFor(database: Database, to: string) {
	return database.db.select().from(outbox).where(eq(outbox.to, to)).orderBy(outbox.createdAt);
}
