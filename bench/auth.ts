/**
 * Issue 3's benchmarks, on PostgreSQL: the argon2id hash time with the production
 * parameters; a full login (password, then the TOTP code) over HTTP, p50/p95; and an
 * authenticated page (/compte: session, roles, sessions list) at 32 concurrent sessions,
 * its server time read from the server's own request log (LOG_REQUESTS) and the latency
 * seen by autocannon.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import pg from 'pg';
import autocannon from 'autocannon';
import { hashPassword, addMember, createOrganisation, newTotpSecret, totpCodeAt } from '../src/lib/server/accounts/index.ts';
import { openDatabase } from '../src/lib/server/db/client.ts';
import { eq } from 'drizzle-orm';
import { users } from '../src/lib/server/accounts/db.ts';
import { projectRoot } from '../src/lib/server/paths.ts';

const PASSWORD = 'une phrase de passe pour le banc';
const q = (xs: number[], p: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10;
};

export async function authBench(pgAdmin: string, log: (m: string) => void, durationSeconds = 10) {
	// 1. argon2id
	const hashes: number[] = [];
	await hashPassword('warm up');
	for (let i = 0; i < 20; i++) {
		const t = performance.now();
		await hashPassword(`mot de passe ${i} assez long`);
		hashes.push(performance.now() - t);
	}
	const argon2 = { mean: Math.round((hashes.reduce((a, b) => a + b, 0) / hashes.length) * 10) / 10, p95: q(hashes, 95) };
	log(`[auth] argon2id hash: ${JSON.stringify(argon2)}`);

	// 2. a database with 60 enrolled coordinators
	const admin = new pg.Client({ connectionString: pgAdmin });
	await admin.connect();
	await admin.query('drop database if exists maillage_bench_auth with (force)');
	await admin.query('create database maillage_bench_auth');
	await admin.end();
	const u = new URL(pgAdmin);
	u.pathname = '/maillage_bench_auth';
	const url = u.toString();
	const db = await openDatabase({ url });
	const org = await createOrganisation(db, null, { name: 'Département de Lot-et-Garonne', kind: 'departement', departmentCode: '47' });
	const secrets: { email: string; secret: string }[] = [];
	for (let i = 0; i < 60; i++) {
		const email = `coord${i}@cd47.test`;
		const { userId } = await addMember(db, null, { email, displayName: `Coordination ${i}`, organisationId: org.id, role: 'coordinator', password: PASSWORD });
		const { base32, sealed } = newTotpSecret();
		await db.db.update(users).set({ totpSecret: sealed, totpConfirmedAt: new Date() }).where(eq(users.id, userId));
		secrets.push({ email, secret: base32 });
	}
	await db.close();

	// 3. the server, logging each request's time
	const port = 4327;
	const base = `http://127.0.0.1:${port}`;
	const serverMs: Record<string, number[]> = {};
	const server: ChildProcess = spawn(process.execPath, [join(projectRoot(), 'scripts', 'start.mjs')], {
		env: {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: base,
			DATABASE_URL: url,
			MAILLAGE_DEMO: '0',
			LOG_REQUESTS: '1',
			MAILLAGE_JOBS: '0',
			SMTP_URL: ''
		},
		stdio: ['ignore', 'pipe', 'inherit']
	});
	createInterface({ input: server.stdout! }).on('line', (line) => {
		if (!line.startsWith('{')) return;
		try {
			const j = JSON.parse(line);
			if (j.msg === 'request' && j.route) (serverMs[`${j.method} ${j.route}`] ??= []).push(j.ms);
		} catch {
			/* not a log line */
		}
	});
	try {
		for (let i = 0; ; i++) {
			try {
				if ((await fetch(`${base}/connexion`)).ok) break;
			} catch {
				/* starting */
			}
			if (i > 600) throw new Error('server did not start');
			await new Promise((r) => setTimeout(r, 200));
		}
		// 4. logins: password then code, one per account (a code is never accepted twice)
		const logins: number[] = [];
		const cookies: string[] = [];
		const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
		const headers = { 'content-type': 'application/x-www-form-urlencoded', origin: base, accept: 'text/html' };
		for (const s of secrets) {
			const t = performance.now();
			const r1 = await fetch(`${base}/connexion`, { method: 'POST', headers, body: form({ email: s.email, password: PASSWORD }), redirect: 'manual' });
			const c1 = r1.headers.get('set-cookie')!.split(';')[0];
			const r2 = await fetch(`${base}/connexion/code`, {
				method: 'POST',
				headers: { ...headers, cookie: c1 },
				body: form({ code: totpCodeAt(s.secret) }),
				redirect: 'manual'
			});
			if (r2.status !== 303 || !r2.headers.get('location')?.endsWith('/espace')) throw new Error(`login failed: ${r2.status}`);
			logins.push(performance.now() - t);
			cookies.push(r2.headers.get('set-cookie')!.split(';')[0]);
		}
		const login = { count: logins.length, p50: q(logins, 50), p95: q(logins, 95), p99: q(logins, 99) };
		log(`[auth] login (password + TOTP, over HTTP): ${JSON.stringify(login)}`);

		// 5. an authenticated page, at 1 then 32 concurrent sessions
		const sessions = cookies.slice(0, 32);
		const pages: Record<string, unknown>[] = [];
		for (const connections of [1, 32]) {
			for (const k of Object.keys(serverMs)) delete serverMs[k];
			let i = 0;
			const times: number[] = [];
			const r = await new Promise<autocannon.Result>((resolve, reject) => {
				const inst = autocannon(
					{
						url: base,
						connections,
						duration: durationSeconds,
						requests: [{ setupRequest: (req) => ({ ...req, path: '/compte', headers: { ...req.headers, cookie: sessions[i++ % sessions.length] } }) }]
					},
					(e, res) => (e ? reject(e) : resolve(res))
				);
				inst.on('response', (_c, _s, _b, ms) => times.push(ms));
			});
			const srv = serverMs['GET /(pro)/compte'] ?? [];
			const page = {
				connections,
				rps: Math.round(r.requests.average),
				non2xx: r.non2xx,
				serverP50: q(srv, 50),
				serverP95: q(srv, 95),
				clientP50: q(times, 50),
				clientP95: q(times, 95)
			};
			log(`[auth] /compte at ${connections} session(s): ${JSON.stringify(page)}`);
			pages.push(page);
		}
		return { argon2, login, authenticatedPage: pages };
	} finally {
		server.kill('SIGTERM');
	}
}
