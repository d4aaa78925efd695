/**
 * A real SMTP server in the test process (smtp-server), keeping what it receives, parsed
 * (mailparser). Tests point SMTP_URL at it.
 */
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface TestSmtp {
	url: string;
	received: ParsedMail[];
	/** resolves when `n` messages have arrived */
	waitFor(n: number, timeoutMs?: number): Promise<ParsedMail[]>;
	close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
	const received: ParsedMail[] = [];
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS', 'AUTH'],
		logger: false,
		onData(stream, _session, callback) {
			simpleParser(stream)
				.then((m) => {
					received.push(m);
					callback();
				})
				.catch(callback);
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.server.address() as AddressInfo).port;
	return {
		url: `smtp://127.0.0.1:${port}`,
		received,
		async waitFor(n, timeoutMs = 20_000) {
			const end = Date.now() + timeoutMs;
			while (received.length < n) {
				if (Date.now() > end) throw new Error(`expected ${n} e-mails, received ${received.length}`);
				await new Promise((r) => setTimeout(r, 100));
			}
			return received;
		},
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}
