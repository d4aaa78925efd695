/**
 * Issue 11, item 14: two application processes on one PostgreSQL database, the way the
 * platform grows (stateless servers behind a load balancer). Everything that must hold
 * across requests lives in the database, so:
 * - a session opened on A works on B, and ends on both when it ends on one;
 * - throttles count failures made on A and on B together;
 * - a one-time code (the TOTP step) used on A cannot be used again on B;
 * - a scheduled job runs once per occurrence, not once per process;
 * - the one in-memory cache (instance settings, 10 s) catches up with a change;
 * - `kill -9` of A while it is writing loses no write it acknowledged, and B keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import * as OTPAuth from 'otpauth';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, onPostgres } from '../db.ts';
import type { Database } from '../../src/lib/server/db/client.ts';
import { createOrganisation, addMember, hashToken, newTotpSecret } from '../../src/lib/server/accounts/index.ts';
import { users } from '../../src/lib/server/accounts/db.ts';
import { startServer, postForm, sessionCookie, type RunningServer } from '../server.ts';

const PASSWORD = 'une phrase de passe solide';

describe.runIf(onPostgres())('issue 11 item 14: two processes on one PostgreSQL', () => {
	let db: Database;
	let a: RunningServer;
	let b: RunningServer;
	const accounts: { email: string; totp: OTPAuth.TOTP }[] = [];

	beforeAll(async () => {
		db = await createTestDatabase();
		const org = await createOrganisation(db, null, { name: 'Médiathèque de Nérac', kind: 'mediatheque', departmentCode: '47' });
		for (const name of ['lou', 'sam', 'noa']) {
			const email = `${name}@mediatheque.test`;
			const { userId } = await addMember(db, null, { email, displayName: name, organisationId: org.id, role: 'mediator', password: PASSWORD });
			const { base32, sealed } = newTotpSecret();
			await db.db.update(users).set({ totpSecret: sealed, totpConfirmedAt: new Date() }).where(eq(users.id, userId));
			accounts.push({ email, totp: new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(base32) }) });
		}
		const env = { DATABASE_URL: db.url!, MAILLAGE_DEMO: '0' };
		// one after the other: the first start applies what the database still needs
		a = await startServer(env);
		b = await startServer(env);
	}, 300_000);

	afterAll(async () => {
		await a?.stop();
		await b?.stop();
		await db?.close();
	});

	async function passwordStep(server: RunningServer, email: string, password = PASSWORD) {
		return postForm(`${server.url}/connexion`, { email, password });
	}

	it('a session opened on A works on B, and logging out on B ends it on A', async () => {
		const { email, totp } = accounts[0];
		const first = await passwordStep(a, email);
		expect(first.status).toBe(303);
		expect(first.headers.get('location')).toMatch(/^\/connexion\/code/);
		const half = sessionCookie(first)!;
		// the second factor on B, with the session A opened
		const second = await postForm(`${b.url}/connexion/code`, { code: totp.generate() }, half);
		expect(second.status).toBe(303);
		const full = sessionCookie(second)!;
		expect(full).toBeTruthy();
		const onA = await fetch(`${a.url}/espace`, { headers: { cookie: full }, redirect: 'manual' });
		expect(onA.status).toBe(200);
		expect(await onA.text()).toContain('lou');
		const out = await postForm(`${b.url}/deconnexion`, {}, full);
		expect(out.status).toBeLessThan(400);
		const after = await fetch(`${a.url}/espace`, { headers: { cookie: full }, redirect: 'manual' });
		expect(after.status).toBe(303);
		expect(after.headers.get('location')).toMatch(/^\/connexion/);
	});

	it('a TOTP code used on A is refused on B (one-time, whatever the process)', async () => {
		const { email, totp } = accounts[1];
		const code = totp.generate();
		const onA = await postForm(`${a.url}/connexion/code`, { code }, sessionCookie(await passwordStep(a, email))!);
		expect(onA.status).toBe(303);
		const onB = await postForm(`${b.url}/connexion/code`, { code }, sessionCookie(await passwordStep(b, email))!);
		expect(onB.status).toBe(400);
		expect(await onB.text()).toContain('Ce code n’est pas le bon');
	});

	it('wrong passwords on A and on B count together: the account locks at 5, on both', async () => {
		const { email } = accounts[2];
		const statuses: number[] = [];
		for (let i = 0; i < 6; i++) statuses.push((await passwordStep(i % 2 ? b : a, email, 'pas le bon mot de passe')).status);
		expect(statuses.slice(0, 4)).toEqual([400, 400, 400, 400]);
		expect(statuses.slice(4)).toEqual([429, 429]);
		// the right password is refused too while locked, on either process
		expect((await passwordStep(a, email)).status).toBe(429);
		expect((await passwordStep(b, email)).status).toBe(429);
	});

	it('the instance settings cached in each process catch up with a change within 10 seconds', async () => {
		await db.db.execute(sql`update instance_settings set name = 'Déclic 47 — deux processus' where id = 1`);
		const deadline = Date.now() + 12_000;
		const seen = { a: false, b: false };
		while (Date.now() < deadline && !(seen.a && seen.b)) {
			seen.a ||= (await (await fetch(`${a.url}/lieux`)).text()).includes('Déclic 47 — deux processus');
			seen.b ||= (await (await fetch(`${b.url}/lieux`)).text()).includes('Déclic 47 — deux processus');
			await sleep(500);
		}
		expect(seen).toEqual({ a: true, b: true });
	});

	it('a scheduled job runs once per occurrence, not once per process', async () => {
		// the hourly purge, made to run every minute (the schedule is shared in the database).
		// Each process's cron pass forwards the occurrences it finds due through pg-boss's
		// send-it queue, filed under the occurrence's minute (data.slot); a pass that runs late
		// catches the missed minute up, so two jobs may be *created* in one wall-clock minute
		// for two occurrences. What must hold: one forward per occurrence, whichever process
		// saw it, and one job per occurrence.
		await db.db.execute(sql`update pgboss.schedule set cron = '* * * * *' where name = 'maintenance-purge'`);
		const deadline = Date.now() + 200_000;
		let slots: { slot: string; forwards: number }[] = [];
		let jobs = 0;
		while (Date.now() < deadline) {
			await sleep(5_000);
			slots = (
				await db.query<{ slot: string; forwards: number }>(
					sql`select data->>'slot' as slot, count(*)::int as forwards from pgboss.job
					    where name = '__pgboss__send-it' and data->>'name' = 'maintenance-purge' group by 1 order by 1`
				)
			).map((r) => ({ slot: r.slot, forwards: Number(r.forwards) }));
			jobs = Number((await db.query<{ n: number }>(sql`select count(*)::int as n from pgboss.job where name = 'maintenance-purge'`))[0].n);
			if (slots.length >= 2 && jobs === slots.length) break;
		}
		expect(slots.length).toBeGreaterThanOrEqual(2);
		for (const s of slots) expect(s).toEqual({ slot: s.slot, forwards: 1 });
		expect(jobs).toBe(slots.length);
	}, 240_000);

	it('kill -9 of A while it writes loses no acknowledged write, and B keeps serving', async () => {
		// each password login writes a session and a journal entry in one transaction; the
		// cookie in the answer is the acknowledgement
		const { email } = accounts[0];
		const acknowledged: string[] = [];
		let refused = 0;
		const writer = async (server: RunningServer) => {
			for (let i = 0; i < 40; i++) {
				try {
					const r = await passwordStep(server, email);
					const c = sessionCookie(r);
					if (r.status === 303 && c) acknowledged.push(c.split('=')[1]);
				} catch {
					refused++; // the connection died with the process: not acknowledged
				}
			}
		};
		const writers = [writer(a), writer(a), writer(b)];
		await sleep(1_500);
		a.process.kill('SIGKILL');
		await Promise.all(writers);
		expect(refused).toBeGreaterThan(0);
		expect(acknowledged.length).toBeGreaterThan(10);
		const hashes = acknowledged.map((t) => hashToken(t));
		const rows = await db.query<{ n: number }>(
			sql`select count(*)::int as n from sessions where token_hash in (${sql.join(
				hashes.map((h) => sql`${h}`),
				sql`, `
			)})`
		);
		expect(Number(rows[0].n)).toBe(acknowledged.length);
		// B still serves, and still sees the sessions A wrote
		const r = await fetch(`${b.url}/lieux`);
		expect(r.status).toBe(200);
	}, 120_000);
});
