import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEmptyTestDatabase } from '../../../../test/db.ts';
import { startSmsProvider, type TestSmsProvider } from '../../../../test/sms-provider.ts';
import type { Database } from '../db/client.ts';
import { getBoss, stopBoss } from '../jobs/boss.ts';
import { outbox } from '../mail/db.ts';
import { deliver, MAIL_QUEUE, startMailWorker, sweepOutbox, useSmsChannel } from '../mail/index.ts';
import {
	checkSmsText,
	formatPhone,
	isMobile,
	maskPhone,
	mobilePhoneSchema,
	normalisePhone,
	parseFrenchPhone,
	phoneSchema,
	PHONE_INVALID,
	PHONE_NOT_MOBILE,
	queueSms,
	smsConfigured,
	smsFriendly,
	smsLength,
	smsChannel,
	smsProviderFromEnv,
	smsSegments
} from './service.ts';

describe('French phone numbers', () => {
	it('reads the usual ways of writing a metropolitan number, in E.164', () => {
		for (const s of [
			'06 12 34 56 78',
			'0612345678',
			'06.12.34.56.78',
			'06-12-34-56-78',
			'+33 6 12 34 56 78',
			'+33612345678',
			'0033 6 12 34 56 78',
			'+33 (0)6 12 34 56 78',
			' 06 12 34 56 78 '
		])
			expect(normalisePhone(s), s).toBe('+33612345678');
		expect(normalisePhone('07 56 12 34 56')).toBe('+33756123456');
		expect(normalisePhone('05 53 69 42 00')).toBe('+33553694200');
	});

	it('puts overseas numbers in their own country code, from the national form too', () => {
		expect(parseFrenchPhone('0690 00 12 34')).toMatchObject({ e164: '+590690001234', region: 'GP', mobile: true, national: '0690 00 12 34' });
		expect(parseFrenchPhone('0696 20 12 34')).toMatchObject({ e164: '+596696201234', region: 'MQ', mobile: true });
		expect(parseFrenchPhone('0694 20 12 34')).toMatchObject({ e164: '+594694201234', region: 'GF', mobile: true });
		expect(parseFrenchPhone('0692 12 34 56')).toMatchObject({ e164: '+262692123456', region: 'RE', mobile: true });
		expect(parseFrenchPhone('0639 01 23 45')).toMatchObject({ e164: '+262639012345', region: 'YT', mobile: true });
		expect(parseFrenchPhone('0262 12 34 56')).toMatchObject({ e164: '+262262123456', region: 'RE', mobile: false });
		expect(parseFrenchPhone('+590 690 00 12 34')).toMatchObject({ e164: '+590690001234', region: 'GP' });
		expect(parseFrenchPhone('00262 692 12 34 56')).toMatchObject({ e164: '+262692123456', region: 'RE' });
	});

	it('tells mobiles (which receive SMS) from the rest', () => {
		expect(isMobile('06 12 34 56 78')).toBe(true);
		expect(isMobile('+33 7 56 12 34 56')).toBe(true);
		expect(isMobile('0690 00 12 34')).toBe(true);
		expect(isMobile('01 45 67 89 01')).toBe(false);
		expect(isMobile('05 53 69 42 00')).toBe(false);
		expect(isMobile('0 800 12 34 56')).toBe(false);
		expect(isMobile('09 12 34 56 78')).toBe(false);
		expect(isMobile('pas un numéro')).toBe(false);
	});

	it('rejects what is not a French number', () => {
		for (const s of [
			'',
			'   ',
			'abc',
			'06 12 34 56',
			'06 12 34 56 78 9',
			'0123',
			'+49 151 12345678',
			'+1 202 555 0143',
			'+33 6 12',
			'06 12 34 56 7a',
			'06123456781234567890123456789012',
			'0690 00 12'
		])
			expect(normalisePhone(s), s).toBeNull();
	});

	it('validates form input with French messages', () => {
		expect(mobilePhoneSchema.parse(' 06 12 34 56 78')).toBe('+33612345678');
		expect(phoneSchema.parse('01 45 67 89 01')).toBe('+33145678901');
		expect(mobilePhoneSchema.safeParse('01 45 67 89 01').error?.issues[0].message).toBe(PHONE_NOT_MOBILE);
		expect(mobilePhoneSchema.safeParse('0612').error?.issues[0].message).toBe(PHONE_INVALID);
		expect(phoneSchema.safeParse('+44 20 7946 0958').error?.issues[0].message).toBe(PHONE_INVALID);
	});

	it('writes a number back as in France, or hides its middle', () => {
		expect(formatPhone('+33612345678')).toBe('06 12 34 56 78');
		expect(formatPhone('+590690001234')).toBe('0690 00 12 34');
		expect(maskPhone('+33612345678')).toBe('06 •• •• •• 78');
		expect(maskPhone('nope')).toBe('••');
	});
});

describe('SMS length', () => {
	it('counts GSM-7 texts: 160 characters in one SMS, then 153 per part', () => {
		expect(smsLength('Votre code maillage : 482913')).toMatchObject({ encoding: 'GSM-7', units: 28, segments: 1, remaining: 132, nonGsm: [] });
		expect(smsSegments('')).toBe(0);
		expect(smsSegments('a'.repeat(160))).toBe(1);
		expect(smsSegments('a'.repeat(161))).toBe(2);
		expect(smsSegments('a'.repeat(306))).toBe(2);
		expect(smsSegments('a'.repeat(307))).toBe(3);
	});

	it('counts the extension characters twice and never splits them', () => {
		expect(smsLength('€').units).toBe(2);
		expect(smsLength('[x]').units).toBe(5);
		expect(smsSegments('€'.repeat(80))).toBe(1);
		expect(smsSegments('€'.repeat(81))).toBe(2);
		// 152 septets, then a € that would straddle the parts: it opens the second part
		expect(smsLength('a'.repeat(152) + '€' + 'a'.repeat(10))).toMatchObject({ units: 164, segments: 2, remaining: 153 - 12 });
	});

	it('needs UCS-2 for French letters outside the GSM alphabet: 70 characters, then 67', () => {
		expect(smsLength('Élève à l’école').encoding).toBe('UCS-2');
		expect(smsLength("Élève à l'école, déjà reçu ?")).toMatchObject({ encoding: 'UCS-2', nonGsm: ['ç'] });
		expect(smsLength("Élève à l'école").encoding).toBe('GSM-7');
		expect(smsLength('À bientôt').nonGsm).toEqual(['À', 'ô']);
		expect(smsSegments('ê'.repeat(70))).toBe(1);
		expect(smsSegments('ê'.repeat(71))).toBe(2);
		expect(smsSegments('ê'.repeat(134))).toBe(2);
		expect(smsSegments('ê'.repeat(135))).toBe(3);
		// an emoji is two UTF-16 units, and is not split between parts
		expect(smsLength('😀').units).toBe(2);
		expect(smsLength('ê'.repeat(66) + '😀' + 'ê')).toMatchObject({ units: 69, segments: 1 });
		expect(smsLength('ê'.repeat(66) + '😀' + 'ê'.repeat(4))).toMatchObject({ units: 72, segments: 2, remaining: 67 - 6 });
	});

	it('straightens typography so that a text stays in GSM-7', () => {
		const text = smsFriendly('Votre rendez-vous à l’espace « Déclic » — mardi\u00a0à 14 h…');
		expect(text).toBe('Votre rendez-vous à l\'espace "Déclic" - mardi à 14 h...');
		expect(smsLength(text).encoding).toBe('GSM-7');
	});

	it('refuses empty or overlong texts', () => {
		expect(checkSmsText('Bonjour')).toEqual({ ok: true, segments: 1 });
		expect(checkSmsText('  ')).toMatchObject({ ok: false });
		expect(checkSmsText('a'.repeat(459))).toEqual({ ok: true, segments: 3 });
		expect(checkSmsText('a'.repeat(460))).toMatchObject({ ok: false, reason: expect.stringMatching(/4 segments/) });
	});
});

describe('the provider configuration', () => {
	it('is none without SMS_PROVIDER, Brevo with its key and sender, an error when incomplete', () => {
		expect(smsConfigured({})).toBe(false);
		expect(smsProviderFromEnv({})).toBeNull();
		expect(smsProviderFromEnv({ SMS_PROVIDER: 'brevo', SMS_API_KEY: 'k', SMS_SENDER: 'Declic47' })?.name).toBe('brevo');
		expect(() => smsProviderFromEnv({ SMS_PROVIDER: 'brevo', SMS_SENDER: 'Declic47' })).toThrow(/SMS_API_KEY/);
		expect(() => smsProviderFromEnv({ SMS_PROVIDER: 'brevo', SMS_API_KEY: 'k', SMS_SENDER: 'Déclic 47' })).toThrow(/SMS_SENDER/);
		expect(() => smsProviderFromEnv({ SMS_PROVIDER: 'brevo', SMS_API_KEY: 'k', SMS_SENDER: 'DeclicLotEtGaronne' })).toThrow(/SMS_SENDER/);
		expect(() => smsProviderFromEnv({ SMS_PROVIDER: 'carrier-pigeon', SMS_API_KEY: 'k', SMS_SENDER: 'x' })).toThrow(/not supported/);
	});
});

// ---- through the outbox ---------------------------------------------------------------

let db: Database;
let provider: TestSmsProvider;
const SENDER = 'Declic47';
const saved = { ...process.env };

function configureSms() {
	process.env.SMS_PROVIDER = 'brevo';
	process.env.SMS_API_KEY = provider.apiKey;
	process.env.SMS_SENDER = SENDER;
	process.env.SMS_API_URL = provider.url;
}

const rowOf = async (id: string) => (await db.db.select().from(outbox).where(eq(outbox.id, id)))[0];
const sentTo = (e164: string) => provider.received.filter((m) => m.to === e164);
const queue = (to: string, text: string, template = 'test') => db.db.transaction((tx) => queueSms(db, tx, { to, text, template }));

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return port;
}

/** Runs `fn`, returning what it wrote to stdout and stderr (the logs). */
async function logsOf(fn: () => Promise<unknown>): Promise<string> {
	const lines: string[] = [];
	const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (lines.push(String(s)), true));
	const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (lines.push(String(s)), true));
	try {
		await fn().catch(() => undefined);
	} finally {
		out.mockRestore();
		err.mockRestore();
	}
	return lines.join('');
}

beforeAll(async () => {
	provider = await startSmsProvider();
	delete process.env.SMTP_URL;
	configureSms();
	// the outbox's SMS channel, as the composition root (app.ts) wires it
	useSmsChannel(smsChannel);
	db = await createEmptyTestDatabase();
	// no worker yet: the first tests call deliver themselves, as the worker's retries would.
	// The queue must exist and be in pg-boss's queue cache before a send inside a transaction:
	// on PGlite (one connection) a cache miss would query outside the transaction and wait on it.
	const boss = await getBoss(db);
	await boss.createQueue(MAIL_QUEUE);
	expect(await boss.fetch(MAIL_QUEUE)).toEqual([]);
});
afterEach(() => {
	provider.failNext(0);
	configureSms();
});
afterAll(async () => {
	if (db) await stopBoss(db);
	await db?.close();
	await provider?.close();
	for (const k of ['SMS_PROVIDER', 'SMS_API_KEY', 'SMS_SENDER', 'SMS_API_URL', 'SMTP_URL']) {
		if (saved[k] === undefined) delete process.env[k];
		else process.env[k] = saved[k];
	}
});

describe('SMS through the outbox', () => {
	it('writes nothing, and sends nothing, when the transaction it belongs to fails', async () => {
		let id = '';
		await expect(
			db.db.transaction(async (tx) => {
				id = await queueSms(db, tx, { to: '06 00 00 00 01', text: 'Votre code : 111111', template: 'code' });
				throw new Error('the referral failed');
			})
		).rejects.toThrow('the referral failed');
		expect(id).not.toBe('');
		expect(await rowOf(id)).toBeUndefined();
		// its delivery job was rolled back with it
		const jobs = await db.query(sql`select id from pgboss.job where name = ${MAIL_QUEUE} and data->>'id' = ${id}`);
		expect(jobs).toEqual([]);
		await deliver(db, id, false);
		expect(sentTo('+33600000001')).toEqual([]);
	});

	it('refuses a number that cannot receive an SMS, and an empty text', async () => {
		await expect(queue('01 45 67 89 01', 'Bonjour')).rejects.toThrow(/not a French mobile/);
		await expect(queue('+44 7700 900123', 'Bonjour')).rejects.toThrow(/not a French mobile/);
		await expect(queue('06 12 34 56 78', '  ')).rejects.toThrow(/empty/);
	});

	it('sends a queued SMS to the provider: the key, the sender, the number in E.164, the text; no personal data in the logs', async () => {
		const id = await queue('06 12 34 56 78', 'Votre code maillage : 482913. Il expire dans 10 minutes.', 'code');
		expect(await rowOf(id)).toMatchObject({ channel: 'sms', to: '+33612345678', subject: '', status: 'pending', attempts: 0 });
		const logs = await logsOf(() => deliver(db, id, false));
		expect(sentTo('+33612345678')).toEqual([
			{ to: '+33612345678', text: 'Votre code maillage : 482913. Il expire dans 10 minutes.', sender: SENDER, type: 'transactional', unicodeEnabled: false }
		]);
		expect(await rowOf(id)).toMatchObject({
			status: 'sent',
			attempts: 1,
			lastError: null,
			messageId: expect.stringMatching(/^\d+$/),
			sentAt: expect.any(Date)
		});
		expect(logs).toContain('"msg":"sms sent"');
		expect(logs).not.toMatch(/612345678|482913/);
		// sent is sent: a second job for the same row does nothing
		await deliver(db, id, false);
		expect(sentTo('+33612345678')).toHaveLength(1);
	});

	it('stores the text GSM-friendly, and asks for unicode only when a letter needs it', async () => {
		const a = await queue('07 56 12 34 56', 'C’est noté : rendez-vous à l’espace « Déclic ».');
		const b = await queue('07 56 12 34 56', 'Votre demande a été reçue.');
		await deliver(db, a, false);
		await deliver(db, b, false);
		expect(sentTo('+33756123456').map((m) => [m.text, m.unicodeEnabled])).toEqual([
			['C\'est noté : rendez-vous à l\'espace "Déclic".', false],
			['Votre demande a été reçue.', true]
		]);
	});

	it('keeps an SMS the provider could not take (500, network) with its reason, and sends it on a retry', async () => {
		const id = await queue('0690 00 12 34', 'Votre code : 222222');
		provider.failNext(1, 500);
		const logs = await logsOf(() => deliver(db, id, false));
		expect(await rowOf(id)).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringMatching(/^brevo: HTTP 500 .*temporary$/) });
		expect(logs).toContain('"msg":"sms delivery failed"');
		expect(logs).not.toMatch(/690001234|222222/);

		process.env.SMS_API_URL = `http://127.0.0.1:${await closedPort()}/v3`;
		await expect(deliver(db, id, false)).rejects.toMatchObject({ permanent: false, message: 'brevo: network error (ECONNREFUSED), temporary' });
		expect(await rowOf(id)).toMatchObject({ status: 'pending', attempts: 2 });

		configureSms();
		await deliver(db, id, false);
		expect(await rowOf(id)).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
		expect(sentTo('+590690001234')).toHaveLength(1);
	});

	it('ends a message the provider refuses as failed, with its reason, after the last attempt', async () => {
		const id = await queue('06 00 00 00 02', 'Votre code : 333333');
		provider.failNext(2, 400);
		await expect(deliver(db, id, false)).rejects.toMatchObject({ permanent: true, status: 400 });
		expect(await rowOf(id)).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringMatching(/HTTP 400 .*permanent/) });
		await expect(deliver(db, id, true)).rejects.toThrow(/permanent/);
		expect(await rowOf(id)).toMatchObject({
			status: 'failed',
			attempts: 2,
			lastError: expect.stringMatching(/^brevo: HTTP 400 invalid_parameter: simulated failure 400 \(permanent/)
		});
		expect(sentTo('+33600000002')).toEqual([]);
	});

	it('treats a wrong API key as permanent, and a misconfiguration as the reason', async () => {
		const id = await queue('06 00 00 00 03', 'Votre code : 444444');
		process.env.SMS_API_KEY = 'not-the-key';
		await expect(deliver(db, id, false)).rejects.toThrow(/HTTP 401 unauthorized: Key not found \(permanent/);
		delete process.env.SMS_SENDER;
		await expect(deliver(db, id, true)).rejects.toThrow(/SMS_SENDER/);
		expect(await rowOf(id)).toMatchObject({ status: 'failed', attempts: 2, lastError: expect.stringMatching(/SMS_SENDER/) });
	});
});

describe('SMS with the outbox worker', () => {
	beforeAll(async () => {
		await startMailWorker(db, { pollingIntervalSeconds: 0.5 });
	});

	it('delivers an SMS committed with its transaction', async () => {
		const id = await db.db.transaction(async (tx) =>
			queueSms(db, tx, { to: '+33 6 98 76 54 32', text: 'Votre orientation est enregistrée.', template: 'referral' })
		);
		await expect.poll(async () => (await rowOf(id)).status, { timeout: 20_000 }).toBe('sent');
		expect(sentTo('+33698765432')).toMatchObject([{ text: 'Votre orientation est enregistrée.', sender: SENDER }]);
	});

	it('without a provider, keeps SMS waiting in the outbox, then sends them once one is configured', async () => {
		delete process.env.SMS_PROVIDER;
		const id = await queue('06 11 22 33 44', 'Votre code : 555555');
		// the worker has run its job, and left the SMS as it was
		await expect
			.poll(async () => (await db.query<{ state: string }>(sql`select state from pgboss.job where name = ${MAIL_QUEUE} and data->>'id' = ${id}`))[0]?.state, {
				timeout: 20_000
			})
			.toBe('completed');
		expect(await rowOf(id)).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
		expect(sentTo('+33611223344')).toEqual([]);
		expect(await sweepOutbox(db, 0)).toBe(0);

		configureSms();
		expect(await sweepOutbox(db, 0)).toBeGreaterThanOrEqual(1);
		await expect.poll(async () => (await rowOf(id)).status, { timeout: 20_000 }).toBe('sent');
		expect(sentTo('+33611223344')).toHaveLength(1);
	});
});
