import {
	backgroundSettled,
	acceptInvitation,
	checkInvitation,
	checkResetToken,
	createOrganisation,
	invite,
	loginWithPassword,
	loadSession,
	requestPasswordReset,
	resetPassword
} from '../accounts/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createEmptyTestDatabase } from '../../../../test/db.ts';
import { startSmtp, type TestSmtp } from '../../../../test/smtp.ts';
import type { Database } from '../db/client.ts';
import { stopBoss } from '../jobs/boss.ts';
import { outbox } from './db.ts';
import { deliver, outboxFor, purgeOutbox, queueMail, startMailWorker, invitationMail } from './service.ts';

let db: Database;
let smtp: TestSmtp;
let org: string;
const ORIGIN = 'https://maillage.test';
const PASSWORD = 'une phrase de passe solide';

beforeAll(async () => {
	smtp = await startSmtp();
	process.env.SMTP_URL = smtp.url;
	process.env.MAIL_FROM = 'maillage 47 <ne-pas-repondre@maillage.test>';
	db = await createEmptyTestDatabase();
	await startMailWorker(db, { pollingIntervalSeconds: 0.5 });
	org = (await createOrganisation(db, null, { name: 'Département de Lot-et-Garonne', kind: 'departement', departmentCode: '47' })).id;
});
afterAll(async () => {
	await stopBoss(db);
	await db?.close();
	await smtp?.close();
	delete process.env.SMTP_URL;
});

const linkIn = (text: string | undefined, path: string) => new RegExp(`${ORIGIN}/${path}/([\\w.-]+)`).exec(text ?? '')?.[1];

describe('the outbox', () => {
	it('e-mails an invitation, in plain French with a text part, and the link works', async () => {
		const before = smtp.received.length;
		await invite(
			db,
			null,
			{ email: 'lou@mediatheque.test', displayName: 'Lou Médiation', organisationId: org, role: 'mediator' },
			{ origin: ORIGIN, instanceName: 'maillage 47' }
		);
		const [mail] = (await smtp.waitFor(before + 1)).slice(before);
		expect(mail.subject).toBe('Invitation à l’espace professionnel de maillage 47');
		expect(mail.from?.value[0]).toMatchObject({ name: 'maillage 47', address: 'ne-pas-repondre@maillage.test' });
		expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('lou@mediatheque.test');
		expect(mail.text).toContain('Bonjour Lou Médiation,');
		expect(mail.text).toContain('comme médiateur numérique à Département de Lot-et-Garonne');
		expect(mail.html).toContain('<a href="https://maillage.test/invitation/');
		const token = linkIn(mail.text, 'invitation')!;
		expect(await checkInvitation(db, token)).toMatchObject({ ok: true });
		const [row] = await outboxFor(db, 'lou@mediatheque.test');
		await expect.poll(async () => (await db.db.select().from(outbox).where(eq(outbox.id, row.id)))[0].status).toBe('sent');
	});

	it('writes nothing when the transaction it belongs to fails', async () => {
		await expect(
			db.db.transaction(async (tx) => {
				await queueMail(
					db,
					tx,
					invitationMail({
						to: 'ghost@nowhere.test',
						displayName: 'Fantôme',
						organisationName: 'X',
						roleLabel: 'x',
						link: ORIGIN,
						expiresAt: new Date(),
						instanceName: 'm'
					})
				);
				throw new Error('the invitation failed');
			})
		).rejects.toThrow('the invitation failed');
		await new Promise((r) => setTimeout(r, 1500));
		expect(await outboxFor(db, 'ghost@nowhere.test')).toEqual([]);
		expect(smtp.received.some((m) => m.text?.includes('Fantôme'))).toBe(false);
	});

	it('keeps a message that could not be sent, with the reason, until a retry succeeds or the last one fails', async () => {
		const id = await db.db.transaction((tx) =>
			queueMail(
				db,
				tx,
				invitationMail({
					to: 'retry@cd47.test',
					displayName: 'Retry',
					organisationName: 'X',
					roleLabel: 'x',
					link: ORIGIN,
					expiresAt: new Date(),
					instanceName: 'm'
				})
			)
		);
		// let the worker deliver it first (its job then ends), and only then make it pending
		// again for the direct calls: a worker attempt racing them would count as a fourth
		await expect.poll(async () => (await db.db.select().from(outbox).where(eq(outbox.id, id)))[0].status, { timeout: 15_000 }).toBe('sent');
		await db.db.update(outbox).set({ status: 'pending', attempts: 0 }).where(eq(outbox.id, id));
		process.env.SMTP_URL = 'smtp://127.0.0.1:9';
		await expect(deliver(db, id, false)).rejects.toThrow();
		let [row] = await db.db.select().from(outbox).where(eq(outbox.id, id));
		expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringMatching(/ECONNREFUSED|connect/) });
		await expect(deliver(db, id, true)).rejects.toThrow();
		[row] = await db.db.select().from(outbox).where(eq(outbox.id, id));
		expect(row.status).toBe('failed');
		process.env.SMTP_URL = smtp.url;
		await deliver(db, id, false);
		[row] = await db.db.select().from(outbox).where(eq(outbox.id, id));
		expect(row).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
	});

	it('sends a calendar invitation as the text/calendar part, with its METHOD', async () => {
		const before = smtp.received.length;
		const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//FR', 'METHOD:CANCEL', 'END:VCALENDAR', ''].join('\r\n');
		await db.db.transaction((tx) =>
			queueMail(db, tx, {
				to: 'agenda@cd47.test',
				subject: 'Inscription annulée',
				text: 'Votre inscription est annulée.\n',
				html: '<p>Votre inscription est annulée.</p>',
				template: 'test-ics',
				ics: { method: 'CANCEL', content: ics }
			})
		);
		const mail = (await smtp.waitFor(before + 1)).slice(before).find((m) => m.subject === 'Inscription annulée')!;
		const part = mail.attachments.find((a) => a.contentType === 'text/calendar')!;
		expect(part).toBeDefined();
		expect(part.content.toString('utf8')).toContain('METHOD:CANCEL');
		expect(part.headers.get('content-type')).toMatchObject({ value: 'text/calendar', params: { method: 'CANCEL' } });
	});

	it('purges sent messages after 30 days', async () => {
		const n = await purgeOutbox(db, new Date(Date.now() + 31 * 86400_000));
		expect(n).toBeGreaterThanOrEqual(2);
	});
});

describe('password reset by e-mail', () => {
	it('sends a link to an existing account only, the same answer either way', async () => {
		const { token } = await invite(db, null, { email: 'sacha@ccas.test', displayName: 'Sacha Prescripteur', organisationId: org, role: 'prescriber' });
		await acceptInvitation(db, token, { password: PASSWORD, confirm: PASSWORD }, { ip: '192.0.2.9' });
		const before = smtp.received.length;
		const opts = { origin: ORIGIN, instanceName: 'maillage 47', ip: '192.0.2.10' };
		expect(await requestPasswordReset(db, 'personne@nulle.part', opts)).toEqual({ ok: true });
		expect(await requestPasswordReset(db, 'Sacha@CCAS.test', opts)).toEqual({ ok: true });
		await backgroundSettled(); // the reset e-mail is prepared after the answer (issue 11, finding 11)
		const isReset = (m: { subject?: string }) => m.subject === 'Changer votre mot de passe – maillage 47';
		for (let i = 0; i < 100 && !smtp.received.slice(before).some(isReset); i++) await new Promise((r) => setTimeout(r, 100));
		await new Promise((r) => setTimeout(r, 1000));
		// one reset e-mail, for the known address only (the invitation's own e-mail may arrive meanwhile)
		const mails = smtp.received.slice(before).filter(isReset);
		expect(mails).toHaveLength(1);
		const link = linkIn(mails[0].text, 'mot-de-passe')!;
		expect(await checkResetToken(db, link)).toMatchObject({ ok: true, email: 'sacha@ccas.test' });

		const session = (await loginWithPassword(db, { email: 'sacha@ccas.test', password: PASSWORD }, { ip: '192.0.2.11' })) as { token: string };
		expect(await resetPassword(db, link, { next: 'azertyuiop123', confirm: 'azertyuiop123' }, {})).toMatchObject({
			ok: false,
			fields: { next: expect.stringMatching(/courants/) }
		});
		expect(await resetPassword(db, link, { next: 'un autre mot de passe long', confirm: 'un autre mot de passe long' }, {})).toEqual({ ok: true });
		// used: the link is bound to the old password
		expect(await resetPassword(db, link, { next: 'encore un autre mot de passe', confirm: 'encore un autre mot de passe' }, {})).toMatchObject({
			ok: false,
			message: expect.stringMatching(/déjà servi/)
		});
		expect(await loadSession(db.db, session.token)).toBeNull();
		expect((await loginWithPassword(db, { email: 'sacha@ccas.test', password: 'un autre mot de passe long' }, { ip: '192.0.2.11' })).status).toBe('ok');
	});

	it('limits the requests per address', async () => {
		const opts = { origin: ORIGIN, instanceName: 'maillage 47', ip: '192.0.2.50' };
		const answers = [];
		for (let i = 0; i < 11; i++) answers.push(await requestPasswordReset(db, `x${i}@nulle.part`, opts));
		expect(answers[10]).toMatchObject({ ok: false, message: expect.stringMatching(/^Trop de tentatives/) });
	});
});

describe('without an SMTP server', () => {
	it('keeps e-mails pending, then sends them once one is configured', async () => {
		delete process.env.SMTP_URL;
		await invite(
			db,
			null,
			{ email: 'later@cd47.test', displayName: 'Plus Tard', organisationId: org, role: 'partner' },
			{ origin: ORIGIN, instanceName: 'maillage 47' }
		);
		await new Promise((r) => setTimeout(r, 1500));
		const [row] = await outboxFor(db, 'later@cd47.test');
		expect(row).toMatchObject({ status: 'pending', attempts: 0 });
		process.env.SMTP_URL = smtp.url;
		const { sweepOutbox } = await import('./service.ts');
		expect(await sweepOutbox(db, 0)).toBeGreaterThanOrEqual(1);
		await expect.poll(async () => (await outboxFor(db, 'later@cd47.test'))[0].status, { timeout: 15_000 }).toBe('sent');
	});
});
