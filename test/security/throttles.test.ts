/**
 * Issue 11, findings 1 and 9: the second factor could be brute-forced (its counter was the
 * password's, cleared by a right password) and every throttle could be raced (the lock was
 * read, the guess checked, the failure counted: concurrent guesses all passed the read).
 * "Checked" is counted where the check happens: the TOTP comparison, the password hash
 * comparison, the person code's attempts.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { createEmptyTestDatabase, onPostgres } from '../db.ts';
import type { Database } from '../../src/lib/server/db/client.ts';

const checks = vi.hoisted(() => ({ totp: 0, password: 0, personCode: 0 }));
// a person code is checked by hashing "<record id>:<6 digits>" (beneficiaries/person.ts)
vi.mock('node:crypto', async (original) => {
	const m = await original<typeof import('node:crypto')>();
	const createHash = ((...a: Parameters<typeof m.createHash>) => {
		const h = m.createHash(...a);
		const update = h.update.bind(h) as (d: unknown, e?: unknown) => typeof h;
		h.update = ((d: unknown, e?: unknown) => {
			if (typeof d === 'string' && /^[0-9a-f-]{36}:\d{6}$/.test(d)) checks.personCode++;
			return update(d, e);
		}) as typeof h.update;
		return h;
	}) as typeof m.createHash;
	return { ...m, default: { ...m, createHash }, createHash };
});
vi.mock('../../src/lib/server/accounts/totp.ts', async (original) => {
	const m = await original<typeof import('../../src/lib/server/accounts/totp.ts')>();
	return { ...m, checkTotp: (...a: Parameters<typeof m.checkTotp>) => (checks.totp++, m.checkTotp(...a)) };
});
vi.mock('../../src/lib/server/accounts/password.ts', async (original) => {
	const m = await original<typeof import('../../src/lib/server/accounts/password.ts')>();
	return { ...m, verifyPassword: (...a: Parameters<typeof m.verifyPassword>) => (checks.password++, m.verifyPassword(...a)) };
});

const { addMember, confirmTotpEnrolment, createOrganisation, loadSession, loginWithPassword, passSecondFactor, startTotpEnrolment } =
	await import('../../src/lib/server/accounts/index.ts');
const { totpCodeAt } = await import('../../src/lib/server/accounts/index.ts');
const { requestPersonCode, verifyPersonCode } = await import('../../src/lib/server/beneficiaries/index.ts');
const { backgroundSettled } = await import('../../src/lib/server/accounts/index.ts');
const { beneficiaries, personCodes } = await import('../../src/lib/server/beneficiaries/db.ts');
const { outbox } = await import('../../src/lib/server/mail/db.ts');
const { getBoss, stopBoss } = await import('../../src/lib/server/jobs/boss.ts');

let db: Database;
let org: string;
const PASSWORD = 'une phrase de passe solide';

beforeAll(async () => {
	db = await createEmptyTestDatabase();
	org = (await createOrganisation(db, null, { name: 'CCAS de Nérac', kind: 'ccas', departmentCode: '47' })).id;
	// the outbox's queue, started outside any transaction (PGlite has one connection)
	await getBoss(db);
});
afterAll(async () => {
	if (db) await stopBoss(db);
	await db?.close();
});

/** An account with an active second factor; returns its TOTP secret. */
async function enrolled(email: string, t: Date): Promise<string> {
	await addMember(db, null, { email, displayName: 'Prescripteur Test', organisationId: org, role: 'prescriber', password: PASSWORD });
	const r = (await loginWithPassword(db, { email, password: PASSWORD }, { ip: '192.0.2.1' }, t)) as { token: string };
	const s = (await loadSession(db.db, r.token, t))!;
	const { secret } = await startTotpEnrolment(db, s, 'maillage');
	expect((await confirmTotpEnrolment(db, s, r.token, totpCodeAt(secret, t.getTime()), { ip: '192.0.2.1' }, t)).status).toBe('ok');
	return secret;
}

/** Six-digit codes that are wrong at `t` (none of the three accepted steps). */
function wrongCodes(secret: string, t: Date, n: number): string[] {
	const right = new Set([-30_000, 0, 30_000].map((d) => totpCodeAt(secret, t.getTime() + d)));
	const out: string[] = [];
	for (let i = 1; out.length < n; i++) {
		const c = String((Number(totpCodeAt(secret, t.getTime())) + i * 7919) % 1_000_000).padStart(6, '0');
		if (!right.has(c)) out.push(c);
	}
	return out;
}

async function passwordSession(email: string, t: Date, ip = '192.0.2.2') {
	const r = await loginWithPassword(db, { email, password: PASSWORD }, { ip }, t);
	expect(r.status).toBe('ok');
	const token = (r as { token: string }).token;
	return { token, session: (await loadSession(db.db, token, t))! };
}

describe('issue 11, finding 1: the second factor cannot be brute-forced', () => {
	it('checks at most 5 wrong codes per 15 minutes, though the attacker logs in again with the right password every 4 codes', async () => {
		const t = new Date('2026-12-01T08:00:00Z');
		const secret = await enrolled('brute@ccas.test', new Date(t.getTime() - 3600_000));
		const codes = wrongCodes(secret, t, 40);
		checks.totp = 0;
		const answers: string[] = [];
		for (let i = 0; i < 40; i += 4) {
			// the attacker knows the password: a right password must not reset the second factor's counter
			const { token, session } = await passwordSession('brute@ccas.test', t);
			for (const code of codes.slice(i, i + 4)) answers.push((await passSecondFactor(db, session, token, { code }, { ip: '192.0.2.2' }, t)).status);
		}
		expect(checks.totp, 'wrong codes checked in 15 minutes').toBeLessThanOrEqual(5);
		expect(answers.filter((a) => a === 'invalid').length).toBeLessThanOrEqual(4);
		expect(answers.slice(5).every((a) => a === 'throttled')).toBe(true);
		// recovery codes share the counter
		const { token, session } = await passwordSession('brute@ccas.test', t);
		expect((await passSecondFactor(db, session, token, { recoveryCode: 'aaaa-bbbb-cccc' }, {}, t)).status).toBe('throttled');
		// even the right code waits for the lock to end (the attacker cannot tell it is right)
		expect((await passSecondFactor(db, session, token, { code: totpCodeAt(secret, t.getTime()) }, {}, t)).status).toBe('throttled');
		// 15 minutes later, the owner gets in, which clears the counter
		const later = new Date(t.getTime() + 16 * 60_000);
		const again = await passwordSession('brute@ccas.test', later);
		expect((await passSecondFactor(db, again.session, again.token, { code: totpCodeAt(secret, later.getTime()) }, {}, later)).status).toBe('ok');
	});

	it('allows no burst across the edge of a window: at most 5 wrong codes in any 15 minutes', async () => {
		const t = new Date('2026-12-02T08:00:00Z');
		const secret = await enrolled('edge@ccas.test', new Date(t.getTime() - 3600_000));
		checks.totp = 0;
		const times = [0, 14, 14, 14, 14, 15.5, 15.5, 15.5, 15.5, 15.5].map((m) => new Date(t.getTime() + m * 60_000));
		for (const at of times) {
			const { token, session } = await passwordSession('edge@ccas.test', at);
			await passSecondFactor(db, session, token, { code: wrongCodes(secret, at, 1)[0] }, {}, at);
		}
		// 1 at 0 min, 4 at 14 min: nothing more before 29 min
		expect(checks.totp).toBe(5);
	});

	it.runIf(onPostgres())('checks at most 5 of 200 concurrent wrong codes (PostgreSQL)', async () => {
		const t = new Date('2026-12-03T08:00:00Z');
		const secret = await enrolled('burst@ccas.test', new Date(t.getTime() - 3600_000));
		const { token, session } = await passwordSession('burst@ccas.test', t);
		const codes = wrongCodes(secret, t, 200);
		checks.totp = 0;
		const answers = await Promise.all(codes.map((code) => passSecondFactor(db, session, token, { code }, {}, t)));
		console.log(`finding 1: ${checks.totp} of 200 concurrent wrong codes checked`);
		expect(checks.totp).toBeLessThanOrEqual(5);
		expect(answers.filter((a) => a.status === 'throttled').length).toBeGreaterThanOrEqual(195);
	});
});

describe('issue 11, finding 9: throttles hold under concurrency', () => {
	it('checks at most 5 of 60 concurrent wrong passwords', async () => {
		const t = new Date('2026-12-04T08:00:00Z');
		await addMember(db, null, { email: 'pw@ccas.test', displayName: 'Cible Test', organisationId: org, role: 'mediator', password: PASSWORD });
		checks.password = 0;
		const answers = await Promise.all(
			Array.from({ length: 60 }, (_, i) =>
				loginWithPassword(db, { email: 'pw@ccas.test', password: `mauvais mot de passe ${i}` }, { ip: `203.0.113.${i + 1}` }, t)
			)
		);
		console.log(`finding 9: ${checks.password} of 60 concurrent wrong passwords checked`);
		expect(checks.password).toBeLessThanOrEqual(5);
		expect(answers.every((a) => a.status !== 'ok')).toBe(true);
	});

	it('checks at most 5 of 150 concurrent guesses of a person’s one-time code', async () => {
		const t = new Date();
		await db.db.insert(beneficiaries).values({ organisationId: org, departmentCode: '47', firstName: 'Inès', lastName: 'Morel', phone: '+33699999998' });
		await requestPersonCode(db, '06 99 99 99 98', { ip: '10.0.0.1', instanceName: 'maillage 47' }, t);
		await backgroundSettled();
		const [sms] = await db.db.select().from(outbox).where(eq(outbox.to, '+33699999998'));
		const code = /(\d{6})/.exec(sms.text)![1];
		checks.personCode = 0;
		const guesses = Array.from({ length: 150 }, (_, i) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'));
		const answers = await Promise.all(guesses.map((g, i) => verifyPersonCode(db, '0699999998', g, { ip: `198.51.100.${i % 200}` }, t)));
		console.log(`finding 9: ${checks.personCode} of 150 concurrent person code guesses checked`);
		expect(checks.personCode).toBeLessThanOrEqual(5);
		const [row] = await db.db.select({ attempts: personCodes.attempts }).from(personCodes);
		expect(row.attempts).toBe(checks.personCode);
		expect(answers.every((a) => a.status !== 'ok')).toBe(true);
		// the real code is now refused too (locked): the guesser learns nothing
		expect((await verifyPersonCode(db, '0699999998', code, { ip: '198.51.100.250' }, t)).status).toBe('throttled');
	});
});
